package mw

import (
	"cmp"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/authchain/authchain/internal/returnto"
	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
)

// LogoutOptions configures Logout.
type LogoutOptions struct {
	// Provider is the OpenID Provider. Required.
	Provider LogoutProvider
	// Sessions deletes the session. Required.
	Sessions session.Manager
	// Transactions deletes unfinished logins. Required.
	Transactions *TransactionStore
	// AppBaseURL is the application's origin (and base path). Required.
	AppBaseURL *url.URL
	// BaseURLFor, when set, gives the application's base URL on the request's origin, for an
	// application served on several origins: returnTo is resolved against it and a local
	// logout stays on it. A request on another origin is answered 400. Default: AppBaseURL.
	BaseURLFor BaseURLFunc
	// ErrorPages writes the page of a logout that failed. Default: DefaultErrorPage, with the
	// login route at /auth/login and the home page at AppBaseURL's path.
	ErrorPages ErrorPages
	// Logger receives failures; default: discard.
	Logger *slog.Logger
}

// Logout is the logout route (GET or POST /auth/logout?returnTo=…&federated&state=…): it deletes the session
// (every cookie and chunk, and a stored record) and every transaction cookie, revokes the
// refresh token where the provider can, then sends the browser to the provider's logout (with
// id_token_hint, logout_hint and the post-logout returnTo, which the provider checks against
// its allowed list) or, for a local logout, to returnTo when it is on the application's own
// origin and the application's base path otherwise. A state parameter is passed on to the
// provider's end_session_endpoint, which returns it with the browser; federated (present, and
// not "false") also logs the user out of the identity provider behind Auth0 (Auth0 only; see
// provider.LogoutRequest). A POST takes these parameters from its form body, or else from the
// query. When the session store (or the logout records) fails, it answers 503
// and changes nothing, so that the user can try again.
//
// Another site cannot log the user out: a GET whose Sec-Fetch-Site is cross-site, and a POST
// that http.CrossOriginProtection refuses (Sec-Fetch-Site other than same-origin or none, or
// else an Origin that is not the request's host), change nothing. They are answered 200 with
// a small page whose button posts the same logout from the application's own origin, so that
// a user who did follow a link to log out still can.
type Logout struct {
	opts        LogoutOptions
	crossOrigin *http.CrossOriginProtection
}

// maxLogoutForm bounds the form body of a logout POST.
const maxLogoutForm = 16 << 10

// NewLogout returns the logout route. It panics when a required option is missing.
func NewLogout(opts LogoutOptions) *Logout {
	if opts.Provider == nil || opts.Sessions == nil || opts.Transactions == nil || opts.AppBaseURL == nil {
		panic("mw: NewLogout needs Provider, Sessions, Transactions and AppBaseURL")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.ErrorPages.HomePath = cmp.Or(opts.ErrorPages.HomePath, opts.AppBaseURL.Path, "/")
	return &Logout{opts: opts, crossOrigin: http.NewCrossOriginProtection()}
}

// ServeHTTP answers GET and POST /auth/logout.
func (lo *Logout) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodGet, http.MethodPost) {
		return
	}
	if _, ok := siteFor(r, lo.opts.BaseURLFor, lo.opts.AppBaseURL, ""); !ok {
		lo.opts.ErrorPages.writeInvalidOrigin(w, r)
		return
	}
	returnTo, ok := lo.returnTo(w, r)
	if !ok {
		lo.opts.ErrorPages.write(w, r, http.StatusBadRequest, "invalid_request", "The logout request is malformed.", "")
		return
	}
	if isCrossSite(r) || lo.crossOrigin.Check(r) != nil {
		writeLogoutConfirmation(w, returnTo)
		return
	}
	lo.logout(w, r, returnTo)
}

// returnTo reads the logout's returnTo: from a POST's form body, or else from the query. It
// reports false for a POST whose body does not parse or is too large.
func (lo *Logout) returnTo(w http.ResponseWriter, r *http.Request) (string, bool) {
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxLogoutForm)
		if err := r.ParseForm(); err != nil {
			return "", false
		}
		if v := r.PostForm.Get("returnTo"); v != "" {
			return v, true
		}
	}
	return r.URL.Query().Get("returnTo"), true
}

// logout ends the session and sends the browser to the provider's logout, or to returnTo.
// When the session store fails, it answers 503 and changes nothing: the user is still signed
// in, and can try again.
func (lo *Logout) logout(w http.ResponseWriter, r *http.Request, returnTo string) {
	ctx := r.Context()
	base := lo.baseFor(r)
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	s, ok := lo.endSession(w, r)
	if !ok {
		w.Header().Set("Retry-After", "1")
		lo.opts.ErrorPages.write(w, r, http.StatusServiceUnavailable, CodeSessionStoreUnavailable,
			"The session store is unavailable: you are still signed in. Please try again in a moment.", "")
		return
	}
	lo.opts.Transactions.deleteAll(h, r)

	req := provider.LogoutRequest{ReturnTo: lo.absoluteReturnTo(base, returnTo), State: logoutParam(r, "state"), Federated: federated(r)}
	if s != nil {
		req.IDTokenHint, req.LogoutHint = s.TokenSet.IDToken, s.Internal.SID
		if rt := s.TokenSet.RefreshToken; rt != "" {
			if err := lo.opts.Provider.Revoke(ctx, rt); err != nil {
				lo.opts.Logger.WarnContext(ctx, "authchain: logout: revoking the refresh token failed", "error", err)
			}
		}
	}
	target, err := lo.opts.Provider.LogoutURL(ctx, req)
	if err != nil {
		lo.opts.Logger.ErrorContext(ctx, "authchain: logout: provider", "error", err)
		lo.opts.ErrorPages.write(w, r, http.StatusBadGateway, "provider_unavailable",
			"You are signed out of this application, but the identity provider could not be reached.", "")
		return
	}
	if target == "" {
		target = lo.localReturnTo(base, returnTo)
	}
	status := http.StatusFound
	if r.Method == http.MethodPost {
		status = http.StatusSeeOther
	}
	http.Redirect(w, r, target, status)
}

// endSession deletes the request's session and adds the headers that delete its cookies to w;
// it returns the session it ended (nil when signed out). It reports false, with no header
// added, when the session store failed. A session in cookies whose logout records cannot be
// read (the manager returns its cookies with the error) is still logged out: its cookies are
// deleted, so that a user can log out during an outage of the records.
func (lo *Logout) endSession(w http.ResponseWriter, r *http.Request) (*session.Session, bool) {
	ctx := r.Context()
	l, err := lo.opts.Sessions.Load(ctx, r)
	if err != nil {
		if l == nil || !l.Carried() {
			lo.opts.Logger.ErrorContext(ctx, "authchain: logout: reading the session failed", "error", err)
			return nil, false
		}
		lo.opts.Logger.WarnContext(ctx, "authchain: logout: the session could not be checked; deleting its cookies", "error", err)
	}
	cleared := http.Header{}
	if err := lo.opts.Sessions.Clear(ctx, cleared, l); err != nil {
		lo.opts.Logger.ErrorContext(ctx, "authchain: logout: deleting the session failed", "error", err)
		return nil, false
	}
	h := w.Header()
	for _, c := range cleared.Values("Set-Cookie") {
		h.Add("Set-Cookie", c)
	}
	if l == nil {
		return nil, true
	}
	return l.Session, true
}

// baseFor returns the application's base URL on r's origin (AppBaseURL without BaseURLFor).
func (lo *Logout) baseFor(r *http.Request) *url.URL {
	st, ok := siteFor(r, lo.opts.BaseURLFor, lo.opts.AppBaseURL, "")
	if !ok {
		return lo.opts.AppBaseURL
	}
	return st.base
}

// absoluteReturnTo resolves returnTo against the application's base URL for the provider; an
// empty or unparsable one is the base URL itself.
func (lo *Logout) absoluteReturnTo(base *url.URL, raw string) string {
	if raw == "" {
		return base.String()
	}
	u, err := base.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return base.String()
	}
	return u.String()
}

// localReturnTo keeps returnTo only when it is on the application's own origin; otherwise
// it is the application's base path.
func (lo *Logout) localReturnTo(base *url.URL, raw string) string {
	if safe, ok := returnto.Safe(raw, base); ok {
		return safe
	}
	if p := base.Path; p != "" {
		return p
	}
	return "/"
}

// logoutParam returns the parameter name of a POST's form body, or else of the query.
func logoutParam(r *http.Request, name string) string {
	if r.Method == http.MethodPost {
		if v := r.PostForm.Get(name); v != "" {
			return v
		}
	}
	return r.URL.Query().Get(name)
}

// federated reports a federated logout: the parameter is present (with any value but "false").
func federated(r *http.Request) bool {
	_, inForm := r.PostForm["federated"]
	_, inQuery := r.URL.Query()["federated"]
	return (inForm || inQuery) && logoutParam(r, "federated") != "false"
}
