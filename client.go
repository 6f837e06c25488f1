package authchain

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
)

// ErrNoSession is returned when a signed-out request's session is updated.
var ErrNoSession = mw.ErrNoSession

// ErrHeadersWritten is returned when the session changes after the response has started.
var ErrHeadersWritten = mw.ErrHeadersWritten

// Client wires authchain's pieces for one application: its routes, its rolling session
// middleware and the session accessors. Build it with New; it is safe for concurrent use.
type Client struct {
	cfg      *resolved
	logger   *slog.Logger
	sessions session.Manager
	provider *provider.Provider
	tokens   *mw.AccessTokens
	login    *mw.Login
	routes   map[string]http.Handler
	rolling  func(http.Handler) http.Handler
}

// New checks cfg (returning one error that lists every problem, each wrapping
// ErrInvalidConfig) and returns a Client. It makes no network call: the provider's discovery
// document is fetched on first use and cached.
func New(cfg Config) (*Client, error) {
	r, err := resolve(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: r, logger: r.Logger}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if c.sessions, err = newManager(r); err != nil {
		return nil, err
	}
	if c.provider, err = newProvider(r); err != nil {
		return nil, err
	}
	mfaCodec, err := session.NewCodec(mw.PurposeMFAToken, r.Secret, r.RetiredSecrets...)
	if err != nil {
		return nil, err
	}
	c.tokens = mw.NewAccessTokens(mw.AccessTokensOptions{
		Provider: c.provider, Sessions: c.sessions, BeforeSessionSaved: r.BeforeSessionSaved,
		RefreshBuffer: r.TokenRefreshBuffer, Now: r.Now, Logger: c.logger,
		AudienceScopes: r.audienceScopes(), MFATokens: mfaCodec, MFATokenTTL: r.MFATokenTTL,
		DPoP: r.dpopKey,
	})
	txnCodec, err := session.NewCodec(session.PurposeTransaction, r.Secret, r.RetiredSecrets...)
	if err != nil {
		return nil, err
	}
	txnJWE, err := session.NewJWECodec(r.Secret, r.RetiredSecrets...)
	if err != nil {
		return nil, err
	}
	c.mountRoutes(mw.NewTransactionStore(mw.TransactionStoreOptions{
		Codec: txnCodec, JWE: txnJWE, Format: r.TransactionCookie.Format,
		Cookie: r.transactionCookie(), MaxAge: r.TransactionCookie.MaxAge, Now: r.Now,
	}))
	c.rolling = mw.RollingSession(mw.RollingSessionOptions{Manager: c.sessions, Logger: c.logger})
	return c, nil
}

func newManager(r *resolved) (session.Manager, error) {
	if r.SessionStore != nil {
		return session.NewStateful(session.StatefulConfig{
			Store: r.SessionStore, Secret: r.Secret, RetiredSecrets: r.RetiredSecrets,
			Cookie: r.sessionCookie(), Lifetime: r.lifetime(), Now: r.Now,
			Format: r.Session.CookieFormat, AcceptOtherFormat: r.Session.AcceptOtherCookieFormat,
		})
	}
	return session.NewStateless(session.StatelessConfig{
		Secret: r.Secret, RetiredSecrets: r.RetiredSecrets,
		Cookie: r.sessionCookie(), Lifetime: r.lifetime(), Now: r.Now,
		Format: r.Session.CookieFormat, AcceptOtherFormat: r.Session.AcceptOtherCookieFormat,
		LogoutRecords: r.LogoutRecords, LogoutRecordsFailOpen: r.LogoutRecordsFailOpen,
	})
}

func newProvider(r *resolved) (*provider.Provider, error) {
	p, err := provider.New(provider.Config{
		Issuer: r.issuer, ClientID: r.ClientID, ClientSecret: r.ClientSecret,
		ClientAssertionKey: r.signingKey, ClientAssertionAlg: r.ClientAssertionSigningAlg,
		RedirectURI: r.absolute(r.routes.Callback), PushedAuthorizationRequests: r.PushedAuthorizationRequests,
		LogoutStrategy: r.LogoutStrategy, HTTPClient: r.HTTPClient, HTTPTimeout: r.HTTPTimeout,
		UserAgent: "authchain/" + Version, AllowInsecureRequests: r.AllowInsecureRequests, Now: r.Now,
		Coordinator: r.RefreshCoordinator, DisableIDTokenHintInOIDCLogoutURL: r.DisableIDTokenHintInOIDCLogoutURL,
		Auth0Client: r.auth0Client(), DPoP: r.dpopKey, Auth0: r.Auth0CustomDomain,
	})
	if err != nil {
		return nil, errors.Join(ErrInvalidConfig, err)
	}
	return p, nil
}

// absolute returns the application URL of path.
func (r *resolved) absolute(path string) string {
	u := *r.baseURL
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	return u.String()
}

func (c *Client) mountRoutes(txns *mw.TransactionStore) {
	r := c.cfg
	pages := r.errorPages()
	c.login = mw.NewLogin(mw.LoginOptions{
		Provider: c.provider, Transactions: txns, ClientID: r.ClientID,
		RedirectURI: r.absolute(r.routes.Callback), AuthorizationParameters: r.AuthorizationParameters,
		AppBaseURL: r.baseURL, SignInReturnToPath: r.SignInReturnToPath, ErrorPages: pages, Logger: c.logger,
		BaseURLFor: r.baseURLFunc(),
	})
	callback := mw.NewCallback(mw.CallbackOptions{
		Provider: c.provider, Transactions: txns, Sessions: c.sessions,
		BeforeSessionSaved: r.BeforeSessionSaved, OnCallback: r.OnCallback, ErrorPages: pages, Now: r.Now, Logger: c.logger,
		BaseURLFor: r.baseURLFunc(), RedirectURI: r.absolute(r.routes.Callback),
	})
	logout := mw.NewLogout(mw.LogoutOptions{
		Provider: c.provider, Sessions: c.sessions, Transactions: txns, AppBaseURL: r.baseURL, ErrorPages: pages, Logger: c.logger,
		BaseURLFor: r.baseURLFunc(),
	})
	profile := mw.Profile(mw.ProfileOptions{
		Sessions: c.sessions, NoContentProfileResponseWhenUnauthenticated: r.NoContentProfileResponseWhenUnauthenticated, Logger: c.logger,
	})
	c.routes = map[string]http.Handler{
		r.routes.Login: c.login, r.routes.Callback: callback, r.routes.Logout: logout, r.routes.Profile: profile,
	}
	if !r.DisableAccessTokenEndpoint {
		c.routes[r.routes.AccessToken] = mw.AccessTokenRoute(mw.AccessTokenRouteOptions{
			Tokens: c.tokens, Now: r.Now, Logger: c.logger,
		})
	}
	c.routes[r.routes.BackChannelLogout] = c.backChannelLogout()
}

// errorPages returns the error pages of the login, callback and logout routes: the ErrorPage
// hook, with the login route and the home page under the application's base path.
func (r *resolved) errorPages() mw.ErrorPages {
	base := strings.TrimSuffix(r.baseURL.Path, "/")
	return mw.ErrorPages{Page: r.ErrorPage, LoginPath: base + r.routes.Login, HomePath: base + "/"}
}

// backChannelLogout returns the back-channel logout route: it deletes stored sessions through
// the SessionStore, and records the logouts of cookie sessions in LogoutRecords, for as long
// as a session can live.
func (c *Client) backChannelLogout() http.Handler {
	r := c.cfg
	opts := mw.BackChannelLogoutOptions{
		Provider: c.provider, Replay: r.LogoutReplayCache, Now: r.Now, Logger: c.logger,
	}
	if d, ok := r.SessionStore.(session.LogoutDeleter); ok {
		opts.Deleter = d
	} else {
		opts.Records, opts.RecordTTL = r.LogoutRecords, r.lifetime().WithDefaults().AbsoluteDuration
	}
	return mw.BackChannelLogout(opts)
}

// route returns the handler of the route at path, or nil. The path is matched exactly, with
// the application's base path removed and one trailing slash ignored.
func (c *Client) route(path string) http.Handler {
	if base := strings.TrimSuffix(c.cfg.baseURL.Path, "/"); base != "" {
		rest, ok := strings.CutPrefix(path, base)
		if !ok {
			return nil
		}
		path = rest
	}
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	return c.routes[path]
}

// Middleware serves authchain's routes (login, callback, logout, profile, access token and
// back-channel logout) and runs the rolling session for every other request, so later
// handlers read and change the session (SessionFrom, UpdateSession, AccessToken) and the
// change reaches the browser. Responses to signed-in requests leave with at least
// Cache-Control: private and Vary: Cookie; a request whose session cannot be read (the store
// or the logout records failed) is answered 503 (see mw.RollingSession). It is an alice
// Constructor:
//
//	chain := alice.New(client.Middleware, i18n, client.RequireAuth).Then(mux)
func (c *Client) Middleware(next http.Handler) http.Handler {
	rolled := c.rolling(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := c.route(r.URL.Path); h != nil {
			h.ServeHTTP(w, r)
			return
		}
		rolled.ServeHTTP(w, r)
	})
}

// Handler serves only authchain's routes (404 for anything else), for mounting on a mux:
//
//	mux.Handle("/auth/", client.Handler())
func (c *Client) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := c.route(r.URL.Path); h != nil {
			h.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	})
}

// RequireAuth lets signed-in requests through, marked Cache-Control: private, no-store; it
// redirects signed-out browser navigations to the login route (returning to the page after
// login) and answers other signed-out requests 401 JSON. See mw.RequireAuth.
func (c *Client) RequireAuth(next http.Handler) http.Handler {
	return mw.RequireAuth(mw.RequireAuthOptions{
		SignedIn: func(r *http.Request) bool {
			s, _ := c.Session(r)
			return s != nil
		},
		LoginPath: c.routePath(c.cfg.routes.Login),
	})(next)
}

// routePath returns path under the application's base path.
func (c *Client) routePath(path string) string {
	return strings.TrimSuffix(c.cfg.baseURL.Path, "/") + path
}

// StartLoginOptions are the parameters of a login started from code.
type StartLoginOptions struct {
	// ReturnTo is where to land after the login; kept only when it is on the application's
	// own origin. Default (empty or refused): Config.SignInReturnToPath.
	ReturnTo string
	// AuthorizationParameters are sent to the provider over the configured ones; default
	// none: the configured ones alone.
	AuthorizationParameters url.Values
}

// StartLogin starts a login from a handler, as the login route does from its query string:
// it writes the redirect to the provider (or an error page) to w.
func (c *Client) StartLogin(w http.ResponseWriter, r *http.Request, opts StartLoginOptions) {
	c.login.Start(w, r, opts.ReturnTo, opts.AuthorizationParameters)
}
