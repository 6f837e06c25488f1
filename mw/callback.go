package mw

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// CallbackResult is the outcome of a login, handed to the OnCallback hook.
type CallbackResult struct {
	// Err is nil on success; otherwise a *CallbackError.
	Err error
	// Session is the saved session on success.
	Session *session.Session
	// ReturnTo is the path the login asked to land on (already checked to be the
	// application's own).
	ReturnTo string
}

// OnCallbackFunc writes the response of the callback route. The session's cookies are already
// in w's headers on success.
type OnCallbackFunc func(w http.ResponseWriter, r *http.Request, res CallbackResult)

// CallbackOptions configures Callback.
type CallbackOptions struct {
	// Provider is the OpenID Provider. Required.
	Provider CallbackProvider
	// Transactions holds the logins in progress. Required.
	Transactions *TransactionStore
	// Sessions writes the new session. Required.
	Sessions session.Manager
	// BaseURLFor, when set with RedirectURI, serves an application on several origins: the
	// code exchange sends RedirectURI moved to the request's origin (the callback URL the
	// login sent), and a request on an origin that is not the application's is answered 400.
	// Default: the provider's own redirect URI.
	BaseURLFor BaseURLFunc
	// RedirectURI is the absolute URL of the callback route; only used with BaseURLFor.
	RedirectURI string
	// BeforeSessionSaved, when set, sees every ID token claim and decides what the session
	// keeps; without it the session keeps DefaultUserClaims.
	BeforeSessionSaved BeforeSessionSavedFunc
	// OnCallback writes the response; default: ErrorPages.OnCallback, which redirects to
	// ReturnTo, or shows the error page.
	OnCallback OnCallbackFunc
	// ErrorPages writes the error page of a failed login when OnCallback is not set.
	ErrorPages ErrorPages
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger receives failures; default: discard.
	Logger *slog.Logger
}

// Callback is the callback route (GET /auth/callback): it finds the login's transaction by
// state, checks the response's iss, exchanges the code with the PKCE verifier, verifies the ID
// token, builds and saves the session (with a fresh id for a stored session), deletes this
// login's transaction cookie (and, once the login succeeded, those of the browser's other
// logins in progress), and hands over to OnCallback.
type Callback struct {
	opts CallbackOptions
}

// NewCallback returns the callback route. It panics when a required option is missing.
func NewCallback(opts CallbackOptions) *Callback {
	if opts.Provider == nil || opts.Transactions == nil || opts.Sessions == nil {
		panic("mw: NewCallback needs Provider, Transactions and Sessions")
	}
	if opts.OnCallback == nil {
		opts.OnCallback = opts.ErrorPages.OnCallback
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Callback{opts: opts}
}

// ServeHTTP answers GET /auth/callback?code=…&state=….
func (c *Callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodGet) {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	var redirectURI string
	if c.opts.BaseURLFor != nil {
		st, ok := siteFor(r, c.opts.BaseURLFor, nil, c.opts.RedirectURI)
		if !ok {
			c.opts.ErrorPages.writeInvalidOrigin(w, r)
			return
		}
		redirectURI = st.redirectURI
	}
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		c.fail(w, r, &CallbackError{Code: CodeMissingState, Status: http.StatusBadRequest, Err: errors.New("the state parameter is missing")}, "")
		return
	}
	txn, ok := c.opts.Transactions.load(r, state)
	if !ok {
		c.opts.Transactions.discard(w.Header(), r, state)
		c.fail(w, r, &CallbackError{Code: CodeInvalidState, Status: http.StatusBadRequest, Err: errors.New("the state parameter is invalid or the login expired")}, "")
		return
	}
	c.opts.Transactions.delete(w.Header(), txn)
	s, err := c.complete(r, txn, redirectURI)
	if err == nil {
		err = c.save(w, r, s)
	}
	if err != nil {
		c.fail(w, r, err, txn.ReturnTo)
		return
	}
	c.opts.Transactions.deleteOthers(w.Header(), r, txn)
	c.opts.OnCallback(w, r, CallbackResult{Session: s, ReturnTo: txn.ReturnTo})
}

// save writes the new session in place of whatever session the request carried; a stored
// session gets a fresh id, which stops session fixation.
func (c *Callback) save(w http.ResponseWriter, r *http.Request, s *session.Session) *CallbackError {
	l, err := c.opts.Sessions.Load(r.Context(), r)
	if err != nil {
		c.opts.Logger.WarnContext(r.Context(), "authchain: reading the previous session failed", "error", err)
		l = nil
	}
	if err := c.opts.Sessions.Save(r.Context(), w.Header(), l, s, session.SaveOptions{NewSession: true}); err != nil {
		if errors.Is(err, session.ErrUnavailable) {
			return &CallbackError{Code: CodeSessionStoreUnavailable, Status: http.StatusServiceUnavailable, Err: err}
		}
		return &CallbackError{Code: CodeSessionError, Status: http.StatusInternalServerError, Err: err}
	}
	return nil
}

// complete runs the login from the provider's response to the saved session.
// redirectURI, when set, is the redirect_uri the login sent.
func (c *Callback) complete(r *http.Request, txn *transaction, redirectURI string) (*session.Session, *CallbackError) {
	ctx := r.Context()
	q := r.URL.Query()
	if err := c.opts.Provider.CheckIssuer(ctx, q); err != nil {
		return nil, providerError(CodeAuthorizationError, http.StatusBadRequest, err)
	}
	if code := q.Get("error"); code != "" {
		return nil, &CallbackError{Code: CodeAuthorizationError, Status: http.StatusBadRequest,
			Err: &provider.Error{Code: code, Description: q.Get("error_description"), URI: q.Get("error_uri")}}
	}
	code := q.Get("code")
	if code == "" {
		return nil, &CallbackError{Code: CodeAuthorizationError, Status: http.StatusBadRequest, Err: errors.New("the code parameter is missing")}
	}
	maxAge := time.Duration(-1)
	if txn.MaxAge >= 0 {
		maxAge = time.Duration(txn.MaxAge) * time.Second
	}
	tokens, err := c.opts.Provider.Exchange(ctx, code, txn.CodeVerifier, provider.IDTokenCheck{Nonce: txn.Nonce, MaxAge: maxAge}, provider.WithRedirectURI(redirectURI))
	if err != nil {
		return nil, providerError(CodeAuthorizationCodeGrantError, http.StatusBadRequest, err)
	}
	s, err := c.newSession(ctx, tokens, txn)
	if err != nil {
		return nil, &CallbackError{Code: CodeSessionError, Status: http.StatusInternalServerError, Err: err}
	}
	return s, nil
}

// newSession builds the session of a completed login, its user filtered or decided by
// BeforeSessionSaved.
func (c *Callback) newSession(ctx context.Context, tokens *provider.Tokens, txn *transaction) (*session.Session, error) {
	now := c.opts.Now()
	sid, _ := tokens.Claims["sid"].(string)
	sub, _ := tokens.Claims["sub"].(string)
	scope := tokens.Scope
	if scope == "" {
		scope = txn.Scope
	}
	s := &session.Session{
		TokenSet: token.Set{
			AccessToken: tokens.AccessToken, IDToken: tokens.IDToken, RefreshToken: tokens.RefreshToken,
			ExpiresAt: tokens.ExpiresAt, Scope: scope, RequestedScope: txn.Scope, Audience: txn.Audience,
			TokenType: tokens.TokenType,
		},
		Internal: session.Internal{SID: sid, Subject: sub, CreatedAt: now.Truncate(time.Second)},
	}
	return c.opts.BeforeSessionSaved.withUser(ctx, s, tokens.Claims, tokens.IDToken)
}

// fail hands a failed login to OnCallback.
func (c *Callback) fail(w http.ResponseWriter, r *http.Request, err *CallbackError, returnTo string) {
	c.opts.Logger.WarnContext(r.Context(), "authchain: login failed", "code", err.Code, "error", err.Err)
	c.opts.OnCallback(w, r, CallbackResult{Err: err, ReturnTo: returnTo})
}
