package oidctest

import (
	"crypto/rand"
	"net/http"
	"slices"
)

// MultiFactorACR is the acr_values value that asks for multi-factor authentication at login
// (Auth0's). A login that asked for it satisfies [WithMFARequiredFor].
const MultiFactorACR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor"

// WithAudienceScopes lets a refresh grant ask for an access token for audience with any of
// scopes, besides the scopes the login granted, as Auth0's multi-resource refresh token
// policies do. It may be given once per audience.
func WithAudienceScopes(audience string, scopes ...string) Option {
	return func(cfg *config) {
		if cfg.audienceScopes == nil {
			cfg.audienceScopes = map[string][]string{}
		}
		cfg.audienceScopes[audience] = append(cfg.audienceScopes[audience], scopes...)
	}
}

// WithMFARequiredFor makes refresh grants for an access token for audience answer as Auth0
// does when the API needs multi-factor authentication: 403 with error mfa_required, an
// mfa_token and mfa_requirements {"challenge":[{"type":"otp"}]}. A grant whose login asked
// for acr_values [MultiFactorACR] is let through. It may be given several times.
func WithMFARequiredFor(audience string) Option {
	return func(cfg *config) { cfg.mfaAudiences = append(cfg.mfaAudiences, audience) }
}

// checkMFA refuses a refresh for the audiences aud when one of them needs multi-factor
// authentication that g's login did not have.
func (s *Server) checkMFA(g *grant, aud []string) *oauthError {
	if g.multiFactor || !slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(s.cfg.mfaAudiences, a) }) {
		return nil
	}
	token := rand.Text()
	s.mu.Lock()
	s.mfaTokens = append(s.mfaTokens, token)
	s.mu.Unlock()
	return &oauthError{
		status: http.StatusForbidden, code: "mfa_required", description: "Multifactor authentication required",
		extra: map[string]any{
			"mfa_token":        token,
			"mfa_requirements": map[string]any{"challenge": []map[string]string{{"type": "otp"}}},
		},
	}
}

// MFATokens returns the mfa_token values of the mfa_required answers so far, oldest first.
func (s *Server) MFATokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.mfaTokens)
}
