package oidctest

// Endpoint names one of the server's endpoints, for fault injection and the
// request log.
type Endpoint string

// The server's endpoints. Every one except EndpointLogin and
// EndpointAuth0Logout is listed in the discovery document.
const (
	// EndpointDiscovery serves OpenID Connect Discovery 1.0 at
	// /.well-known/openid-configuration.
	EndpointDiscovery Endpoint = "discovery"
	// EndpointJWKS publishes the signing keys (RFC 7517) at /.well-known/jwks.json.
	EndpointJWKS Endpoint = "jwks"
	// EndpointAuthorize is the authorization endpoint (RFC 6749 §3.1) at /authorize.
	EndpointAuthorize Endpoint = "authorize"
	// EndpointLogin receives the HTML login form at /login (see [WithLoginForm]).
	EndpointLogin Endpoint = "login"
	// EndpointToken is the token endpoint (RFC 6749 §3.2) at /oauth/token.
	EndpointToken Endpoint = "token"
	// EndpointUserinfo is the UserInfo endpoint (OpenID Connect Core 1.0 §5.3) at /userinfo.
	EndpointUserinfo Endpoint = "userinfo"
	// EndpointEndSession is RP-Initiated Logout 1.0's end_session_endpoint at /oidc/logout.
	EndpointEndSession Endpoint = "end_session"
	// EndpointAuth0Logout is Auth0's logout endpoint at /v2/logout
	// (parameters returnTo and client_id).
	EndpointAuth0Logout Endpoint = "auth0_logout"
	// EndpointPAR is the pushed authorization request endpoint (RFC 9126) at /oauth/par.
	EndpointPAR Endpoint = "par"
	// EndpointRevocation is the revocation endpoint (RFC 7009) at /oauth/revoke.
	EndpointRevocation Endpoint = "revocation"
)

func (e Endpoint) path() string {
	switch e {
	case EndpointDiscovery:
		return "/.well-known/openid-configuration"
	case EndpointJWKS:
		return "/.well-known/jwks.json"
	case EndpointAuthorize:
		return "/authorize"
	case EndpointLogin:
		return "/login"
	case EndpointToken:
		return "/oauth/token"
	case EndpointUserinfo:
		return "/userinfo"
	case EndpointEndSession:
		return "/oidc/logout"
	case EndpointAuth0Logout:
		return "/v2/logout"
	case EndpointPAR:
		return "/oauth/par"
	case EndpointRevocation:
		return "/oauth/revoke"
	}
	return ""
}

// endpointForPath returns the endpoint served at path, or "" for none.
func endpointForPath(path string) Endpoint {
	for _, e := range []Endpoint{
		EndpointDiscovery, EndpointJWKS, EndpointAuthorize, EndpointLogin,
		EndpointToken, EndpointUserinfo, EndpointEndSession, EndpointAuth0Logout,
		EndpointPAR, EndpointRevocation,
	} {
		if e.path() == path {
			return e
		}
	}
	return ""
}
