package authchain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/authchain/authchain/dpop"
	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
)

// Version is authchain's version, sent in the User-Agent of every request to the provider.
const Version = "0.2.0"

// ErrInvalidConfig is wrapped by every problem New finds in a Config.
var ErrInvalidConfig = errors.New("authchain: invalid configuration")

// Config configures a Client. Zero values mean the documented defaults.
type Config struct {
	// Domain is the provider: a bare host (tenant.us.auth0.com, whose issuer is
	// https://tenant.us.auth0.com/) or a URL, which is the issuer verbatim and must equal the
	// discovery document's issuer (https://idp.example.com/realms/x). http, localhost, IP
	// literals and ports need AllowInsecureRequests. Required.
	Domain string
	// ClientID is the application's client id at the provider. Required.
	ClientID string
	// ClientSecret authenticates the application (client_secret_basic or _post, as the
	// provider advertises). Required unless ClientAssertionSigningKey is set.
	ClientSecret string
	// ClientAssertionSigningKey is a PEM private key (PKCS#8, PKCS#1 or SEC1): the application
	// then authenticates with private_key_jwt (RFC 7523) and ClientSecret is not used.
	// Default: none, the application authenticates with ClientSecret.
	ClientAssertionSigningKey string
	// ClientAssertionSigningAlg is the assertion's algorithm; default RS256 for RSA keys and
	// the curve's algorithm for EC keys.
	ClientAssertionSigningAlg string
	// AppBaseURL is the application's origin, with a base path if it is mounted under one
	// (https://app.example.com). Redirects and returnTo checks use it. Required unless
	// AppBaseURLs is set.
	AppBaseURL string
	// AppBaseURLs serve one application on several origins (custom domains, preview
	// deployments): absolute http(s) URLs that share one path. The login, callback and logout
	// routes work on the origin of the request when it is exactly one of these (the scheme
	// and host of the connection, or of X-Forwarded-Proto and X-Forwarded-Host when those
	// name a listed origin), and answer 400 on any other. The callback URL on every origin
	// must be registered with the provider. Cookies are Secure when every entry is https.
	// Not with AppBaseURL; APP_BASE_URL with commas sets it.
	AppBaseURLs []string
	// Secret seals cookies: at least 32 bytes (openssl rand -hex 32). Required.
	Secret string
	// RetiredSecrets still open cookies sealed before a rotation of Secret; default none.
	RetiredSecrets []string
	// AuthorizationParameters are sent with every login (scope, audience, connection, …);
	// default scope "openid profile email offline_access". The login route's query overrides
	// them.
	AuthorizationParameters url.Values
	// AudienceScopes is the default scope (space-separated) of each API the refresh token
	// gives access tokens for (Auth0's multi-resource refresh tokens; the original's scope
	// map). AccessToken with WithAudience(a) and no scope asks for AudienceScopes[a]; a scope
	// it asks for is merged with AudienceScopes[a] (see WithoutMergeScopes). When set,
	// AuthorizationParameters must name the login's audience; the login's scope is
	// AudienceScopes[audience] when AuthorizationParameters has no scope, and the default
	// scope when the map has no entry for it. Default none.
	AudienceScopes map[string]string
	// MFATokenTTL is how long the sealed mfa_token of a token.MFARequiredError can be opened
	// (Client.OpenMFAToken); default 5 minutes. Env: AUTH0_MFA_TOKEN_TTL (seconds).
	MFATokenTTL time.Duration
	// Auth0CustomDomain says that Domain is an Auth0 tenant's custom domain (one not under
	// auth0.com): what authchain does for Auth0 only, it then does for this domain too: the
	// Auth0-Client telemetry header, Auth0's /v2/logout when the tenant has no
	// end_session_endpoint, and the logout route's federated parameter. Default off. Env:
	// AUTH0_CUSTOM_DOMAIN (true/false).
	Auth0CustomDomain bool
	// UseDPoP binds the access tokens to a key the application holds (DPoP, RFC 9449): the
	// key is DPoPKey, or a new ES256 key when DPoPKey is nil. Every token-endpoint request
	// carries a proof of the key (with the nonce the provider asks for), the login names the
	// key's thumbprint (dpop_jkt), and a provider that supports DPoP issues token_type "DPoP":
	// a token that an API accepts only with a new proof for each request (Client.HTTPClient
	// makes them; Client.DPoPProof for a request built by hand). A generated key lives as long
	// as the process: with several instances, or to keep tokens across restarts, set DPoPKey.
	// Default off. Env: AUTH0_USE_DPOP (true/false).
	UseDPoP bool
	// DPoPKey is the DPoP key (dpop.NewKey on an ECDSA, Ed25519 or RSA key; ES256 for a P-256
	// key); setting it turns DPoP on. Env: AUTH0_DPOP_PRIVATE_KEY (PEM), checked against
	// AUTH0_DPOP_PUBLIC_KEY when that is set too.
	DPoPKey *dpop.Key
	// PushedAuthorizationRequests sends the authorization parameters by PAR (RFC 9126);
	// default off: they go in the authorization URL's query.
	PushedAuthorizationRequests bool
	// SignInReturnToPath is where a login without a valid returnTo lands; default: the path of
	// AppBaseURL ("/" for an application at the root of its origin).
	SignInReturnToPath string
	// Routes are the paths of the routes; zero fields keep their defaults.
	Routes Routes
	// Session configures the session's lifetime and cookie; zero fields keep their defaults.
	Session SessionConfig
	// SessionStore, when set, keeps sessions on the server; the cookie holds only an id.
	// Default: nil, the whole session is sealed in cookies. It
	// must implement session.LogoutDeleter: back-channel logout deletes the sessions a logout
	// token names through it.
	SessionStore session.Store
	// RefreshCoordinator, when set, coordinates token refreshes with the application's other
	// instances, so that a refresh token the provider rotates is never spent twice whichever
	// instance a request reaches (redisstore.Store is one). Without it, refreshes are
	// serialized within the process only, which is enough for one instance.
	RefreshCoordinator provider.Coordinator
	// LogoutRecords keeps the back-channel logouts of sessions kept in cookies (without a
	// SessionStore): a session that began before a logout token named it reads as signed out,
	// and its cookies are cleared. Default: session.NewMemoryLogoutRecords, for an application
	// that runs as one instance: its answers are never stale, but another instance never
	// learns of a logout this one received. Several instances share one (Redis). Not used
	// with a SessionStore.
	LogoutRecords session.LogoutRecorder
	// LogoutRecordsFailOpen keeps users signed in while LogoutRecords cannot be read. By
	// default (fail-closed) their requests are then answered 503 Service Unavailable: a user
	// logged out at the provider must not stay signed in because the records are
	// unreachable. Fail-open puts availability first: during an outage of the records, every
	// session works, logged out or not.
	LogoutRecordsFailOpen bool
	// LogoutReplayCache remembers the jti of the logout tokens received, so that each is acted
	// on once. Default: session.NewMemoryReplayCache, for one instance; several instances
	// share one (Redis).
	LogoutReplayCache session.ReplayCache
	// TransactionCookie configures the cookies of logins in progress; zero fields keep their
	// defaults.
	TransactionCookie TransactionCookieConfig
	// LogoutStrategy chooses the provider logout; default LogoutAuto.
	LogoutStrategy LogoutStrategy
	// DisableIDTokenHintInOIDCLogoutURL leaves the session's ID token out of the provider's
	// end_session_endpoint URL, which then names the client by client_id only (the original's
	// includeIdTokenHintInOIDCLogoutUrl: false). Default off: id_token_hint is sent.
	DisableIDTokenHintInOIDCLogoutURL bool
	// DisableTelemetry stops the Auth0-Client header (name "authchain" and Version) that every
	// request to an Auth0 domain carries (the original's enableTelemetry: false). Other
	// providers never get it. The User-Agent is sent either way.
	DisableTelemetry bool
	// BeforeSessionSaved, when set, sees every ID token claim of a login and decides what the
	// session keeps; without it the session keeps the default claims (mw.DefaultUserClaims()).
	BeforeSessionSaved func(ctx context.Context, in BeforeSessionSavedInput) (*session.Session, error)
	// OnCallback writes the response of the callback route; default: redirect to returnTo or
	// an error page.
	OnCallback func(w http.ResponseWriter, r *http.Request, res CallbackResult)
	// ErrorPage, when set, writes the error page of the login, callback and logout routes in
	// place of the default (mw.DefaultErrorPage: a small HTML page, or JSON for a request that
	// prefers it). It gets the status, code and message of the failure, a login URL that keeps
	// the failed login's returnTo, and the application's home URL; it sets the status and
	// headers itself. A set OnCallback answers the callback's failures instead.
	ErrorPage func(w http.ResponseWriter, r *http.Request, e ErrorPageData)
	// NoContentProfileResponseWhenUnauthenticated makes the profile route answer a signed-out
	// request 204 instead of 401; default off (401).
	NoContentProfileResponseWhenUnauthenticated bool
	// DisableAccessTokenEndpoint turns the access-token route off; default off: the route
	// is served.
	DisableAccessTokenEndpoint bool
	// HTTPClient makes the requests to the provider; default: a new client. It is wrapped,
	// never modified: every request gets HTTPTimeout, a response-size bound and authchain's
	// User-Agent, and its CheckRedirect is not used: the token, pushed authorization,
	// revocation and JWKS endpoints are followed through no redirect, discovery through at
	// most three redirects within the issuer's origin.
	HTTPClient *http.Client
	// HTTPTimeout bounds every request to the provider; default 5 seconds.
	HTTPTimeout time.Duration
	// AllowInsecureRequests allows a provider over plain http, on localhost, on an IP address
	// or a port: for local development and tests only. Default off: the provider must be an
	// https host name without a port.
	AllowInsecureRequests bool
	// TokenRefreshBuffer refreshes access tokens that long before they expire; default 0.
	TokenRefreshBuffer time.Duration
	// Logger receives what goes wrong at request time; default: discard. Nothing secret is
	// ever logged.
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Routes are the paths of the routes the Client serves, under the path of AppBaseURL. An empty
// field keeps its default (see DefaultRoutes).
type Routes struct {
	// Login starts a login (default /auth/login).
	Login string
	// Logout ends the session (default /auth/logout).
	Logout string
	// Callback receives the provider's answer (default /auth/callback); the provider must
	// list AppBaseURL + Callback among the client's redirect URIs.
	Callback string
	// Profile answers the signed-in user's claims as JSON (default /auth/profile).
	Profile string
	// AccessToken hands the access token to the application's browser code (default
	// /auth/access-token), unless DisableAccessTokenEndpoint.
	AccessToken string
	// BackChannelLogout receives the provider's logout tokens (default
	// /auth/backchannel-logout, see mw.BackChannelLogout); register AppBaseURL +
	// BackChannelLogout as the client's back-channel logout URI at the provider.
	BackChannelLogout string
}

// DefaultRoutes returns the routes' default paths.
func DefaultRoutes() Routes {
	return Routes{
		Login:             "/auth/login",
		Logout:            "/auth/logout",
		Callback:          "/auth/callback",
		Profile:           "/auth/profile",
		AccessToken:       "/auth/access-token",
		BackChannelLogout: "/auth/backchannel-logout",
	}
}

// SessionConfig configures sessions.
type SessionConfig struct {
	// AbsoluteDuration bounds a session from login; default 3 days.
	AbsoluteDuration time.Duration
	// InactivityDuration ends a rolling session after that long without requests; default 1 day.
	InactivityDuration time.Duration
	// DisableRolling makes sessions end at login + AbsoluteDuration, whatever happens;
	// default off: sessions roll.
	DisableRolling bool
	// RollingThreshold is how long after its last write a rolling session is written again;
	// default 60 seconds.
	RollingThreshold time.Duration
	// Cookie configures the session cookie; zero fields keep their defaults (see
	// CookieConfig).
	Cookie CookieConfig
	// CookieFormat is how session cookies are sealed and chunked: session.FormatNextJS
	// ("nextjs", the default), nextjs-auth0 v4's JWE, which a Next.js application on
	// nextjs-auth0 with the same secret and cookie name reads and writes too; or
	// session.FormatSecureCookie ("securecookie"), gorilla/securecookie with keys per purpose,
	// authchain's format before "nextjs".
	CookieFormat session.CookieFormat
	// AcceptOtherCookieFormat also reads session cookies of the format that is not
	// CookieFormat and writes them again in CookieFormat on the request that reads them: a
	// deployment switches formats without signing anybody out. Turn it off once the sessions
	// of the old format have expired (AbsoluteDuration after the switch). Default off.
	AcceptOtherCookieFormat bool
}

// CookieConfig configures the session cookie: its name (default "__session"), Domain, Path
// (default "/"), SameSite (default Lax), Secure (always on when AppBaseURL is https),
// Transient and DisableHostPrefix. The cookie is always HttpOnly. A Secure cookie with Path
// "/" and no Domain is named with the "__Host-" prefix ("__Host-__session") unless
// DisableHostPrefix is set.
type CookieConfig = session.CookieOptions

// TransactionCookieConfig configures the login transaction cookies. In the default format
// ("slots") a browser holds at most mw.TransactionSlots of them, each at most
// mw.MaxTransactionCookieBytes, however many logins it starts; a new login replaces the
// oldest when every slot is taken.
type TransactionCookieConfig struct {
	// Format is how new logins' cookies are written (AUTH0_TRANSACTION_COOKIE_FORMAT):
	//
	//   - mw.TransactionFormatSlots ("slots", the default): Prefix + slot number, sealed
	//     with securecookie; at most two per browser, whatever the logins' order.
	//   - mw.TransactionFormatNextJS ("nextjs"): nextjs-auth0 v4's Prefix + state holding
	//     "<unixSeconds>%3A<JWE>", one per login, so that a login started here completes on
	//     a Next.js application's callback with the same secret. Logins started one after
	//     another keep them under mw.MaxNextJSTransactionBytes together (the oldest are
	//     deleted, as the original does); logins whose requests leave before the previous
	//     response arrived each add one, without bound.
	//
	// The callback reads both formats whatever this is, so a login a Next.js application
	// started completes here either way.
	Format mw.TransactionFormat
	// Prefix starts their names, which are Prefix followed by the slot number ("__txn_0",
	// "__txn_1") or, in the format "nextjs", by the login's state; default "__txn_".
	Prefix string
	// Domain is the Domain attribute; default: host-only.
	Domain string
	// Path is the Path attribute; default "/".
	Path string
	// SameSite is the SameSite attribute; default Lax. Strict would break the callback.
	SameSite http.SameSite
	// Secure marks the cookies Secure; default off, but always on when AppBaseURL is https.
	Secure bool
	// MaxAge is how long a login may take; default one hour (mw.DefaultTransactionMaxAge).
	MaxAge time.Duration
	// DisableHostPrefix keeps Prefix as it is. Without it, Secure cookies with Path "/" and no
	// Domain are named "__Host-" + Prefix + …, as the session cookie is (see CookieConfig).
	DisableHostPrefix bool
}

// LogoutStrategy chooses how the logout route logs out at the provider.
type LogoutStrategy = provider.LogoutStrategy

// The logout strategies.
const (
	// LogoutAuto uses the provider's end_session_endpoint when discovery lists one, else
	// Auth0's /v2/logout for an Auth0 domain, else logs out locally only.
	LogoutAuto = provider.LogoutAuto
	// LogoutOIDC always uses the end_session_endpoint (OpenID Connect RP-Initiated Logout 1.0).
	LogoutOIDC = provider.LogoutOIDC
	// LogoutV2 always uses Auth0's /v2/logout.
	LogoutV2 = provider.LogoutV2
)

// BeforeSessionSavedInput is what the BeforeSessionSaved hook gets.
type BeforeSessionSavedInput = mw.BeforeSessionSavedInput

// CallbackResult is the outcome of a login, handed to the OnCallback hook.
type CallbackResult = mw.CallbackResult

// ErrorPageData is what the ErrorPage hook shows: the failure's status, code and message, a
// login URL and the home URL.
type ErrorPageData = mw.ErrorPageData

// CallbackError is a failed login, in CallbackResult.Err.
type CallbackError = mw.CallbackError

func configError(field, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalidConfig, field, fmt.Sprintf(format, args...))
}
