package oidctest

import "net/http"

// authMethods are the client authentication methods of the token, PAR and
// revocation endpoints.
func authMethods() []string {
	return []string{"client_secret_basic", "client_secret_post", "private_key_jwt", "none"}
}

func assertionAlgs() []string {
	return []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
}

// discovery returns the OpenID Provider Metadata (OpenID Connect Discovery 1.0 §3,
// RFC 8414, RFC 9126 §5, RFC 9207 §3, RP-Initiated and Back-Channel Logout 1.0).
func (s *Server) discovery() map[string]any {
	return map[string]any{
		"issuer":                                                s.Issuer(),
		"authorization_endpoint":                                s.URL(EndpointAuthorize),
		"token_endpoint":                                        s.URL(EndpointToken),
		"userinfo_endpoint":                                     s.URL(EndpointUserinfo),
		"jwks_uri":                                              s.URL(EndpointJWKS),
		"end_session_endpoint":                                  s.URL(EndpointEndSession),
		"revocation_endpoint":                                   s.URL(EndpointRevocation),
		"pushed_authorization_request_endpoint":                 s.URL(EndpointPAR),
		"scopes_supported":                                      []string{"openid", "profile", "email", "offline_access"},
		"response_types_supported":                              []string{"code"},
		"response_modes_supported":                              []string{"query"},
		"grant_types_supported":                                 s.grantTypes(),
		"subject_types_supported":                               []string{"public"},
		"id_token_signing_alg_values_supported":                 []string{s.cfg.alg},
		"code_challenge_methods_supported":                      []string{"S256"},
		"dpop_signing_alg_values_supported":                     dpopAlgNames(),
		"prompt_values_supported":                               []string{"none", "login", "consent", "select_account"},
		"claims_supported":                                      []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "sid", "at_hash", "name", "email", "email_verified"},
		"token_endpoint_auth_methods_supported":                 authMethods(),
		"token_endpoint_auth_signing_alg_values_supported":      assertionAlgs(),
		"revocation_endpoint_auth_methods_supported":            authMethods(),
		"revocation_endpoint_auth_signing_alg_values_supported": assertionAlgs(),
		"request_parameter_supported":                           false,
		"request_uri_parameter_supported":                       false,
		"claims_parameter_supported":                            false,
		"require_pushed_authorization_requests":                 false,
		"authorization_response_iss_parameter_supported":        true,
		"backchannel_logout_supported":                          true,
		"backchannel_logout_session_supported":                  true,
		"frontchannel_logout_supported":                         false,
	}
}

func (s *Server) handleDiscovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.discovery())
}

// grantTypes are the grants of the token endpoint.
func (s *Server) grantTypes() []string {
	grants := []string{"authorization_code", "refresh_token", "client_credentials"}
	if len(s.cfg.connections) > 0 {
		grants = append(grants, grantConnectionToken)
	}
	return grants
}
