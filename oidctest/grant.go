package oidctest

import (
	"net/url"
	"slices"
	"time"
)

// grant is one authorization: what a code redemption or a client_credentials
// request started. Its access and refresh tokens form one family, revoked
// together.
type grant struct {
	clientID  string
	user      *User // nil for client_credentials
	sid       string
	authTime  time.Time
	scopes    []string
	audience  string
	resources []string
	revoked   bool
	// multiFactor is set when the login asked for multi-factor authentication
	// (acr_values MultiFactorACR): it passes WithMFARequiredFor.
	multiFactor bool
	// jkt binds the grant's refresh tokens to a DPoP key: a public client's, issued with a
	// proof (RFC 9449 §5).
	jkt string
}

// checkDPoPKey refuses a use of the grant's refresh tokens without a proof of the key they are
// bound to (jkt is the request's proof's thumbprint, "" without one).
func (g *grant) checkDPoPKey(jkt string) *oauthError {
	if g.jkt != "" && jkt != g.jkt {
		return errInvalidGrant("the refresh token is bound to another DPoP key")
	}
	return nil
}

// refreshToken is one refresh token of a grant. It is rotated at first use.
type refreshToken struct {
	grant     *grant
	expiresAt time.Time
	usedAt    time.Time // zero until rotated
}

// accessRecord is what the server remembers of an access token, by jti.
type accessRecord struct {
	grant     *grant
	expiresAt time.Time
	revoked   bool
	scopes    []string
	audience  []string
	jkt       string // the DPoP key the token is bound to, if any
}

// audience returns the aud of an access token: the request's audience and
// resource parameters, else the grant's, else the default audience; the
// userinfo URL is added when a user granted openid (as Auth0 does).
func (s *Server) audience(g *grant, form url.Values) ([]string, *oauthError) {
	res, err := parseResources(form)
	if err != nil {
		return nil, err
	}
	aud, resources := form.Get("audience"), res
	if aud == "" && len(resources) == 0 {
		aud, resources = g.audience, g.resources
	}
	var out []string
	if aud != "" {
		out = append(out, aud)
	}
	out = append(out, resources...)
	if len(out) == 0 {
		out = append(out, s.defaultAudience())
	}
	userinfo := s.URL(EndpointUserinfo)
	if g.user != nil && slices.Contains(g.scopes, "openid") && !slices.Contains(out, userinfo) {
		out = append(out, userinfo)
	}
	return dedupe(out), nil
}

func dedupe(list []string) []string {
	var out []string
	for _, v := range list {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func (s *Server) defaultAudience() string {
	if s.cfg.defaultAudience != "" {
		return s.cfg.defaultAudience
	}
	return s.URL(EndpointUserinfo)
}
