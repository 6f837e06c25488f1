package discovery

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// ErrDiscovery is wrapped by every error of Cache.Get: the document could
// not be fetched, parsed or validated.
var ErrDiscovery = errors.New("discovery: provider metadata unavailable")

// Metadata is an OpenID Provider's configuration (OpenID Connect Discovery
// 1.0 §3, RFC 8414 §2, RFC 9126 §5, RFC 9207 §3, OpenID Connect Back-Channel
// Logout 1.0 §2.1). Values returned by Cache.Get are shared: treat them as
// read-only.
type Metadata struct {
	Issuer                                     string   `json:"issuer"`
	AuthorizationEndpoint                      string   `json:"authorization_endpoint"`
	TokenEndpoint                              string   `json:"token_endpoint"`
	JWKSURI                                    string   `json:"jwks_uri"`
	UserinfoEndpoint                           string   `json:"userinfo_endpoint,omitempty"`
	EndSessionEndpoint                         string   `json:"end_session_endpoint,omitempty"`
	RevocationEndpoint                         string   `json:"revocation_endpoint,omitempty"`
	PushedAuthorizationRequestEndpoint         string   `json:"pushed_authorization_request_endpoint,omitempty"`
	TokenEndpointAuthMethodsSupported          []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	IDTokenSigningAlgValuesSupported           []string `json:"id_token_signing_alg_values_supported,omitempty"`
	CodeChallengeMethodsSupported              []string `json:"code_challenge_methods_supported,omitempty"`
	AuthorizationResponseIssParameterSupported bool     `json:"authorization_response_iss_parameter_supported,omitempty"`
	BackchannelLogoutSupported                 bool     `json:"backchannel_logout_supported,omitempty"`
	DPoPSigningAlgValuesSupported              []string `json:"dpop_signing_alg_values_supported,omitempty"`

	// Raw is the document as served, for reading members not listed above.
	Raw json.RawMessage `json:"-"`
}

// parseMetadata decodes and validates a discovery document.
func parseMetadata(body []byte, issuer string, allowInsecure bool) (*Metadata, error) {
	var m Metadata
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("%w: decoding the document: %w", ErrDiscovery, err)
	}
	if m.Issuer != issuer {
		return nil, fmt.Errorf("%w: the document's issuer %q is not the configured issuer %q", ErrDiscovery, m.Issuer, issuer)
	}
	for _, ep := range m.endpoints() {
		if ep.value == "" {
			if ep.required {
				return nil, fmt.Errorf("%w: the document has no %s", ErrDiscovery, ep.name)
			}
			continue
		}
		if err := checkURL(ep.value, allowInsecure); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrDiscovery, ep.name, err)
		}
	}
	m.Raw = append(json.RawMessage(nil), body...)
	return &m, nil
}

type endpoint struct {
	name     string
	value    string
	required bool
}

func (m *Metadata) endpoints() []endpoint {
	return []endpoint{
		{"authorization_endpoint", m.AuthorizationEndpoint, true},
		{"token_endpoint", m.TokenEndpoint, true},
		{"jwks_uri", m.JWKSURI, true},
		{"userinfo_endpoint", m.UserinfoEndpoint, false},
		{"end_session_endpoint", m.EndSessionEndpoint, false},
		{"revocation_endpoint", m.RevocationEndpoint, false},
		{"pushed_authorization_request_endpoint", m.PushedAuthorizationRequestEndpoint, false},
	}
}

// checkURL requires an absolute https URL (http too when allowInsecure)
// with a host and no fragment (RFC 6749 §3.1).
func checkURL(raw string, allowInsecure bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	switch {
	case u.Scheme != "https" && !(allowInsecure && u.Scheme == "http"):
		return fmt.Errorf("%q is not an https URL", raw)
	case u.Host == "":
		return fmt.Errorf("%q has no host", raw)
	case u.Fragment != "":
		return fmt.Errorf("%q has a fragment", raw)
	}
	return nil
}
