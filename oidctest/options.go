package oidctest

import (
	"crypto"
	"net/http"
	"time"
)

// Option configures a Server. Options are applied in order by New and NewServer.
type Option func(*config)

// config is the immutable configuration of a Server.
type config struct {
	clients         []Client
	defaultUser     User
	loginForm       bool
	formSubject     func(name string) string
	tls             bool
	alg             string
	algSet          bool          // WithSigningAlg was given
	signingKey      crypto.Signer // WithSigningKey, or nil to generate one
	idTokenTTL      time.Duration
	accessTokenTTL  time.Duration
	refreshTokenTTL time.Duration
	reuseGrace      time.Duration
	codeTTL         time.Duration
	parTTL          time.Duration
	keyRetention    time.Duration
	clockStart      time.Time
	defaultAudience string
	httpClient      *http.Client
	requestLogLimit int
	noAutoLogout    bool
	audienceScopes  map[string][]string // WithAudienceScopes
	mfaAudiences    []string            // WithMFARequiredFor
	dpopNonce       bool                // WithDPoPNonce
	connections     []Connection        // WithConnection
}

func defaultConfig() config {
	return config{
		defaultUser:     DefaultUser(),
		alg:             "RS256",
		idTokenTTL:      time.Hour,
		accessTokenTTL:  time.Hour,
		refreshTokenTTL: 30 * 24 * time.Hour,
		codeTTL:         time.Minute,
		parTTL:          time.Minute,
		keyRetention:    24 * time.Hour,
	}
}

// WithClient registers a client (a relying party). It may be given several times.
func WithClient(c Client) Option {
	return func(cfg *config) { cfg.clients = append(cfg.clients, c) }
}

// WithDefaultUser sets the user who logs in when no user is queued with
// [Server.QueueLogin]. Without it, [DefaultUser] logs in.
func WithDefaultUser(u User) Option {
	return func(cfg *config) { cfg.defaultUser = u }
}

// WithLoginForm makes the authorize endpoint show an HTML login form (a name,
// an optional email, and a cancel button that answers access_denied) instead of
// logging a user in without interaction. It is meant for browser tests and demos.
func WithLoginForm() Option {
	return func(cfg *config) { cfg.loginForm = true }
}

// WithLoginFormSubject sets the sub claim of a user who logs in with the login form of
// [WithLoginForm] to subject(name), name being the name typed in the form (trimmed). Without
// it, sub is the name itself.
func WithLoginFormSubject(subject func(name string) string) Option {
	return func(cfg *config) { cfg.formSubject = subject }
}

// WithTLS serves over HTTPS with a self-signed certificate for 127.0.0.1.
// [Server.HTTPClient] returns a client that trusts it.
func WithTLS() Option {
	return func(cfg *config) { cfg.tls = true }
}

// WithSigningAlg selects the algorithm that signs ID, access and logout tokens:
// "RS256" (the default) or "ES256".
func WithSigningAlg(alg string) Option {
	return func(cfg *config) { cfg.alg, cfg.algSet = alg, true }
}

// WithSigningKey makes the server sign with key instead of a key it generates: an
// *rsa.PrivateKey of at least 2048 bits (RS256) or an *ecdsa.PrivateKey on P-256 (ES256).
// Generating an RSA key is most of what starting a server costs, so a test binary that starts
// many servers can generate one key once and give it to each. [Server.RotateKeys] still
// generates new keys.
func WithSigningKey(key crypto.Signer) Option {
	return func(cfg *config) { cfg.signingKey = key }
}

// WithIDTokenLifetime sets how long ID tokens are valid (default one hour).
func WithIDTokenLifetime(d time.Duration) Option {
	return func(cfg *config) { cfg.idTokenTTL = d }
}

// WithAccessTokenLifetime sets how long access tokens are valid (default one
// hour); expires_in in token responses reports it.
func WithAccessTokenLifetime(d time.Duration) Option {
	return func(cfg *config) { cfg.accessTokenTTL = d }
}

// WithRefreshTokenLifetime sets how long a refresh token can be used after it
// was issued (default 30 days).
func WithRefreshTokenLifetime(d time.Duration) Option {
	return func(cfg *config) { cfg.refreshTokenTTL = d }
}

// WithRefreshTokenReuseGrace lets a rotated refresh token be used again for d
// after its first use without being treated as a replay (Auth0's "reuse
// interval"). Without it (d = 0) any reuse revokes the whole token family.
func WithRefreshTokenReuseGrace(d time.Duration) Option {
	return func(cfg *config) { cfg.reuseGrace = d }
}

// WithCodeLifetime sets how long an authorization code can be redeemed
// (default one minute).
func WithCodeLifetime(d time.Duration) Option {
	return func(cfg *config) { cfg.codeTTL = d }
}

// WithKeyRetention sets how long a key replaced by [Server.RotateKeys] is still
// published in the JWKS (default 24 hours, measured on the server's clock).
func WithKeyRetention(d time.Duration) Option {
	return func(cfg *config) { cfg.keyRetention = d }
}

// WithClock freezes the server's clock at start. The clock then moves only
// with [Server.Advance]. Without it the clock follows the real time, shifted by
// every Advance.
func WithClock(start time.Time) Option {
	return func(cfg *config) { cfg.clockStart = start }
}

// WithDefaultAudience sets the aud of access tokens requested with neither an
// audience nor a resource parameter. Without it that audience is the
// userinfo endpoint's URL.
func WithDefaultAudience(aud string) Option {
	return func(cfg *config) { cfg.defaultAudience = aud }
}

// WithHTTPClient sets the client the server uses for its own outgoing
// requests (back-channel logout). Without it a client with a 10 second
// timeout is used.
func WithHTTPClient(c *http.Client) Option {
	return func(cfg *config) { cfg.httpClient = c }
}

// WithRequestLogLimit keeps only the last n requests in the log that
// [Server.Requests] returns; n <= 0 keeps every request (the default).
func WithRequestLogLimit(n int) Option {
	return func(cfg *config) { cfg.requestLogLimit = n }
}

// WithoutBackChannelOnLogout stops the end_session and /v2/logout endpoints
// from sending back-channel logout tokens to the clients of the ended session.
// [Server.BackChannelLogout] still sends them on demand.
func WithoutBackChannelOnLogout() Option {
	return func(cfg *config) { cfg.noAutoLogout = true }
}
