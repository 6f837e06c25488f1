package mw

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/authchain/authchain/internal/returnto"
)

// DefaultScope is the scope of a login unless configured otherwise.
const DefaultScope = "openid profile email offline_access"

// reservedParameters are set by the login itself; neither configuration nor the query string
// can set them.
var reservedParameters = [...]string{
	"client_id", "redirect_uri", "response_type", "state", "nonce",
	"code_challenge", "code_challenge_method", "response_mode", "request", "request_uri",
}

// LoginOptions configures Login.
type LoginOptions struct {
	// Provider is the OpenID Provider. Required.
	Provider LoginProvider
	// Transactions keeps the login's state until the callback. Required.
	Transactions *TransactionStore
	// ClientID is the application's client id. Required.
	ClientID string
	// RedirectURI is the absolute URL of the callback route. Required.
	RedirectURI string
	// AuthorizationParameters are sent with every login; the query string of the login route
	// overrides them. Default scope: DefaultScope.
	AuthorizationParameters url.Values
	// AppBaseURL is the application's origin (and base path): returnTo must stay on it.
	// Required.
	AppBaseURL *url.URL
	// BaseURLFor, when set, gives the application's base URL on the request's origin, for an
	// application served on several origins: returnTo must stay on it, and RedirectURI is
	// moved to it. A request on another origin is answered 400. Default: AppBaseURL always.
	BaseURLFor BaseURLFunc
	// SignInReturnToPath is where a login without a valid returnTo lands; default "/".
	SignInReturnToPath string
	// ErrorPages writes the page of a login that cannot start; its login link keeps the
	// login's returnTo when it is on the application. Default: DefaultErrorPage, with the
	// login route at /auth/login and the home page at AppBaseURL's path.
	ErrorPages ErrorPages
	// Logger receives provider failures; default: discard.
	Logger *slog.Logger
}

// Login is the login route (GET /auth/login): it starts an authorization code flow with PKCE
// (RFC 7636, S256), a state and a nonce of 32 random bytes each, remembered in a transaction
// cookie, and redirects the browser to the provider.
//
// Query parameters are forwarded to the provider over the configured ones, except returnTo
// (where to land after the login, kept only when it is on the application's own origin) and
// the parameters the flow sets itself. A scope without openid and a max_age that is not a
// non-negative integer are refused with 400. A returnTo too long for the transaction cookie
// (see MaxTransactionCookieBytes) is replaced by SignInReturnToPath; parameters too long for it
// are refused with 400. A prefetch (Sec-Purpose: prefetch, Purpose: prefetch) gets 204 and no
// cookie.
type Login struct {
	opts LoginOptions
}

// NewLogin returns the login route. It panics when a required option is missing.
func NewLogin(opts LoginOptions) *Login {
	if opts.Provider == nil || opts.Transactions == nil || opts.ClientID == "" || opts.RedirectURI == "" || opts.AppBaseURL == nil {
		panic("mw: NewLogin needs Provider, Transactions, ClientID, RedirectURI and AppBaseURL")
	}
	if opts.SignInReturnToPath == "" {
		opts.SignInReturnToPath = "/"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.ErrorPages.HomePath = cmp.Or(opts.ErrorPages.HomePath, opts.AppBaseURL.Path, "/")
	return &Login{opts: opts}
}

// ServeHTTP answers GET /auth/login?returnTo=…&….
func (l *Login) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodGet) {
		return
	}
	if isPrefetch(r) {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	q := r.URL.Query()
	returnTo := q.Get("returnTo")
	q.Del("returnTo")
	l.start(w, r, returnTo, q)
}

// Start starts a login from code: returnTo and params (over the configured parameters) as the
// login route would take them from its query string. Errors are written to w as the route
// writes them.
func (l *Login) Start(w http.ResponseWriter, r *http.Request, returnTo string, params url.Values) {
	l.start(w, r, returnTo, params)
}

func (l *Login) start(w http.ResponseWriter, r *http.Request, returnTo string, extra url.Values) {
	st, ok := siteFor(r, l.opts.BaseURLFor, l.opts.AppBaseURL, l.opts.RedirectURI)
	if !ok {
		l.opts.ErrorPages.writeInvalidOrigin(w, r)
		return
	}
	params, problem := l.parameters(extra)
	if problem != "" {
		l.fail(w, r, st.base, returnTo, http.StatusBadRequest, "invalid_request", problem)
		return
	}
	txn, err := l.newTransaction(r, st, params, returnTo)
	if err != nil {
		l.opts.Logger.ErrorContext(r.Context(), "authchain: login failed", "error", err)
		l.fail(w, r, st.base, returnTo, http.StatusInternalServerError, "server_error", "The login could not start.")
		return
	}
	target, err := l.opts.Provider.AuthorizationURL(r.Context(), params)
	if err != nil {
		l.opts.Logger.ErrorContext(r.Context(), "authchain: login failed: provider", "error", err)
		l.fail(w, r, st.base, returnTo, http.StatusBadGateway, "provider_unavailable", "The identity provider could not be reached. Please try again.")
		return
	}
	if err := l.remember(w.Header(), r, txn); err != nil {
		if errors.Is(err, ErrTransactionTooLarge) {
			l.fail(w, r, st.base, returnTo, http.StatusBadRequest, "invalid_request", "The authorization parameters are too long.")
			return
		}
		l.opts.Logger.ErrorContext(r.Context(), "authchain: login failed", "error", err)
		l.fail(w, r, st.base, returnTo, http.StatusInternalServerError, "server_error", "The login could not start.")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
}

// fail answers a login that cannot start with the error page, whose login link keeps returnTo
// when it is on the application.
func (l *Login) fail(w http.ResponseWriter, r *http.Request, base *url.URL, returnTo string, status int, code, message string) {
	safe, ok := returnto.Safe(returnTo, base)
	if !ok {
		safe = ""
	}
	l.opts.ErrorPages.write(w, r, status, code, message, safe)
}

// remember saves txn's cookie to h. A returnTo too long to fit in the cookie is dropped: the
// login lands on the default instead.
func (l *Login) remember(h http.Header, r *http.Request, txn *transaction) error {
	err := l.opts.Transactions.save(h, r, txn)
	if errors.Is(err, ErrTransactionTooLarge) && txn.ReturnTo != l.opts.SignInReturnToPath {
		txn.ReturnTo = l.opts.SignInReturnToPath
		err = l.opts.Transactions.save(h, r, txn)
	}
	return err
}

// parameters merges the configured parameters and extra, and checks them; problem explains
// what is wrong with them, for the user.
func (l *Login) parameters(extra url.Values) (params url.Values, problem string) {
	params = url.Values{}
	for k, v := range l.opts.AuthorizationParameters {
		if len(v) > 0 {
			params[k] = append([]string(nil), v...)
		}
	}
	for k, v := range extra {
		if len(v) > 0 {
			params[k] = []string{v[0]}
		}
	}
	for _, k := range reservedParameters {
		params.Del(k)
	}
	if params.Get("scope") == "" {
		params.Set("scope", DefaultScope)
	}
	if !hasScope(params.Get("scope"), "openid") {
		return nil, "The scope must include openid."
	}
	if ma, ok := params["max_age"]; ok {
		if n, err := strconv.ParseInt(ma[0], 10, 64); err != nil || n < 0 || ma[0] != strconv.FormatInt(n, 10) {
			return nil, "max_age must be a non-negative integer."
		}
	}
	for k, v := range params {
		if len(k) > 128 || len(v[0]) > 2048 {
			return nil, "An authorization parameter is too long."
		}
	}
	return params, ""
}

// transaction makes the login's secrets, adds them to params, and returns the transaction.
func (l *Login) newTransaction(r *http.Request, st site, params url.Values, returnTo string) (*transaction, error) {
	state, err := l.opts.Transactions.newState(r)
	if err != nil {
		return nil, err
	}
	nonce, err := randomToken()
	if err != nil {
		return nil, err
	}
	verifier, err := randomToken()
	if err != nil {
		return nil, err
	}
	challenge := sha256.Sum256([]byte(verifier))
	params.Set("client_id", l.opts.ClientID)
	params.Set("redirect_uri", st.redirectURI)
	params.Set("response_type", "code")
	params.Set("state", state)
	params.Set("nonce", nonce)
	params.Set("code_challenge", base64.RawURLEncoding.EncodeToString(challenge[:]))
	params.Set("code_challenge_method", "S256")

	safe, ok := returnto.Safe(returnTo, st.base)
	if !ok {
		safe = l.opts.SignInReturnToPath
	}
	maxAge := int64(-1)
	if v := params.Get("max_age"); v != "" {
		maxAge, _ = strconv.ParseInt(v, 10, 64)
	}
	return &transaction{
		State: state, Nonce: nonce, CodeVerifier: verifier, ReturnTo: safe,
		Scope: params.Get("scope"), Audience: params.Get("audience"), MaxAge: maxAge,
	}, nil
}

// randomToken returns 32 random bytes, base64url-encoded (RFC 7636 §4.1).
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hasScope(scope, want string) bool {
	for s := range strings.FieldsSeq(scope) {
		if s == want {
			return true
		}
	}
	return false
}

// isPrefetch reports a speculative request that must not start a login.
func isPrefetch(r *http.Request) bool {
	h := r.Header
	if p := strings.ToLower(h.Get("Sec-Purpose")); strings.Contains(p, "prefetch") && !strings.Contains(p, "prerender") {
		return true
	}
	if strings.EqualFold(h.Get("Purpose"), "prefetch") || strings.EqualFold(h.Get("X-Purpose"), "preview") || strings.EqualFold(h.Get("X-Moz"), "prefetch") {
		return true
	}
	v := h.Get("Next-Router-Prefetch")
	return v != "" && v != "0" && v != "false"
}
