package provider

import (
	"crypto"
	"net/http"
	"time"

	"github.com/authchain/authchain/dpop"
)

// LogoutStrategy chooses how LogoutURL logs out at the provider.
type LogoutStrategy string

// The logout strategies.
const (
	// LogoutAuto uses the end_session_endpoint when the provider has one, Auth0's /v2/logout
	// on an Auth0 domain without one, and a local logout otherwise.
	LogoutAuto LogoutStrategy = "auto"
	// LogoutOIDC always uses the end_session_endpoint (RP-Initiated Logout 1.0).
	LogoutOIDC LogoutStrategy = "oidc"
	// LogoutV2 always uses Auth0's /v2/logout.
	LogoutV2 LogoutStrategy = "v2"
)

// DefaultHTTPTimeout bounds each request to the provider when Config.HTTPTimeout is zero.
const DefaultHTTPTimeout = 5 * time.Second

// Config describes the provider and the client. Issuer, ClientID and RedirectURI are
// required, and so is a way to authenticate the client unless the provider accepts public
// clients.
type Config struct {
	// Issuer is the provider's issuer identifier, exactly as its discovery document and ID
	// tokens write it (Auth0's ends with "/"). The document is fetched from
	// Issuer + "/.well-known/openid-configuration" on first use. Required.
	Issuer string
	// ClientID is the client's identifier at the provider. Required.
	ClientID string
	// ClientSecret authenticates the client with client_secret_basic or client_secret_post,
	// whichever the provider supports; default none, for a client that authenticates with
	// ClientAssertionKey.
	ClientSecret string
	// ClientAssertionKey, when set, authenticates the client with private_key_jwt (RFC 7523)
	// in place of the secret: an RSA key (RS256 by default) or an ECDSA P-256 key (ES256).
	ClientAssertionKey crypto.Signer
	// ClientAssertionAlg overrides the client assertion's algorithm (RS256, RS384, RS512,
	// PS256, PS384, PS512, ES256); default RS256 for an RSA key, ES256 for a P-256 key.
	ClientAssertionAlg string
	// RedirectURI is the callback's absolute URL, sent with every authorization request and
	// code exchange. Required.
	RedirectURI string
	// PushedAuthorizationRequests pushes every authorization request to the provider first
	// (RFC 9126); the provider must have a pushed_authorization_request_endpoint. Default
	// off: the parameters go in the authorization URL's query.
	PushedAuthorizationRequests bool
	// LogoutStrategy chooses the logout URL; default LogoutAuto.
	LogoutStrategy LogoutStrategy
	// DisableIDTokenHintInOIDCLogoutURL leaves the ID token out of the end_session_endpoint
	// URL: the provider then knows the client by client_id only (and may ask the user to
	// confirm). Default off: the session's ID token is sent as id_token_hint.
	DisableIDTokenHintInOIDCLogoutURL bool
	// HTTPClient sends the requests to the provider; default http.DefaultClient. It is never
	// modified: every request gets HTTPTimeout, a response-size bound and a User-Agent, the
	// back-end endpoints follow no redirect, and discovery follows at most three within the
	// issuer's origin.
	HTTPClient *http.Client
	// HTTPTimeout bounds every request to the provider; default DefaultHTTPTimeout.
	HTTPTimeout time.Duration
	// UserAgent is sent with every request; default "authchain".
	UserAgent string
	// Auth0 marks the issuer as an Auth0 tenant reached through a custom domain (a domain not
	// under auth0.com or auth0app.com, which IsAuth0Issuer cannot recognise): Auth0's
	// /v2/logout (LogoutAuto without an end_session_endpoint) and the federated logout
	// parameter then apply as on a tenant's own domain. Default off.
	Auth0 bool
	// Auth0Client, when set, is sent as the Auth0-Client header of every request (Auth0's
	// telemetry: base64 of a JSON object naming the library and its version; see
	// Auth0ClientHeader). Default none.
	Auth0Client string
	// AllowInsecureRequests allows an http issuer and http endpoints. Use it only against a
	// local test provider. Default off: https only.
	AllowInsecureRequests bool
	// DPoP, when set, binds the access tokens to this key (RFC 9449): every request to the
	// token endpoint (code exchange, refresh, token exchange) carries a proof of it, with the
	// nonce the provider asks for, and the authorization request names its thumbprint
	// (dpop_jkt), so that the authorization code is bound to it too. A provider that supports
	// DPoP then answers token_type "DPoP": such a token is used with a proof for each request
	// (dpop.Transport). Default none: Bearer tokens.
	DPoP *dpop.Key
	// Coordinator, when set, coordinates refreshes with the application's other instances (see
	// Coordinator); without it, refreshes are serialized within the process only.
	Coordinator Coordinator
	// Now is the clock; default time.Now.
	Now func() time.Time
}
