package oidctest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// handleToken serves the token endpoint (RFC 6749 §3.2): authorization_code,
// refresh_token, client_credentials and the token exchange of [WithConnection], with RFC 6749
// §5.2 JSON errors.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.setDPoPNonce(w)
	resp, err := s.token(r)
	if err != nil {
		writeOAuthError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) token(r *http.Request) (*tokenResponse, *oauthError) {
	if err := checkFormPost(r); err != nil {
		return nil, err
	}
	c, err := s.authenticateClient(r, s.URL(EndpointToken))
	if err != nil {
		return nil, err
	}
	form := r.PostForm
	if err := checkSingle(form); err != nil {
		return nil, err
	}
	jkt, derr := s.checkDPoP(r, dpopCheck{method: http.MethodPost, url: s.URL(EndpointToken), required: c.DPoPBoundAccessTokens})
	if derr != nil {
		return nil, &oauthError{status: http.StatusBadRequest, code: derr.code, description: derr.description}
	}
	switch gt := form.Get("grant_type"); gt {
	case "authorization_code":
		return s.codeGrant(c, form, jkt)
	case "refresh_token":
		return s.refreshGrant(c, form, jkt)
	case "client_credentials":
		return s.clientCredentialsGrant(c, form, jkt)
	case grantConnectionToken:
		return s.connectionGrant(c, form, jkt)
	case "":
		return nil, errInvalidRequest("grant_type is required")
	default:
		return nil, &oauthError{status: http.StatusBadRequest, code: "unsupported_grant_type", description: "unsupported grant_type " + gt}
	}
}

// refreshGrant serves grant_type=refresh_token (RFC 6749 §6) with rotation:
// every use returns a new refresh token, and a rotated token used again
// (after the reuse grace period) revokes the whole family. A request refused
// for its scope or audience leaves the token unused.
func (s *Server) refreshGrant(c Client, form url.Values, jkt string) (*tokenResponse, *oauthError) {
	g, err := s.useRefreshToken(c, form.Get("refresh_token"), false)
	if err != nil {
		return nil, err
	}
	if err := g.checkDPoPKey(jkt); err != nil {
		return nil, err
	}
	scopes := g.scopes
	if form.Has("scope") {
		allowed := append(slices.Clone(g.scopes), s.cfg.audienceScopes[form.Get("audience")]...)
		scopes = strings.Fields(form.Get("scope"))
		for _, sc := range scopes {
			if !slices.Contains(allowed, sc) {
				return nil, errInvalidScope("scope " + sc + " was not granted")
			}
		}
	}
	aud, err := s.audience(g, form)
	if err != nil {
		return nil, err
	}
	if err := s.checkMFA(g, aud); err != nil {
		return nil, err
	}
	if _, err := s.useRefreshToken(c, form.Get("refresh_token"), true); err != nil {
		return nil, err
	}
	return s.issueTokens(issue{
		grant: g, scopes: scopes, audience: aud, refresh: true,
		idToken: slices.Contains(scopes, "openid"), jkt: jkt,
	})
}

// useRefreshToken checks a refresh token and, with commit, marks it rotated.
// A rotated token presented again after the grace period revokes its family.
func (s *Server) useRefreshToken(c Client, tok string, commit bool) (*grant, *oauthError) {
	if tok == "" {
		return nil, errInvalidRequest("refresh_token is required")
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.refresh[tok]
	switch {
	case rt == nil:
		return nil, errInvalidGrant("unknown refresh token")
	case rt.grant.clientID != c.ID:
		return nil, errInvalidGrant("refresh token was issued to another client")
	case rt.grant.revoked:
		return nil, errInvalidGrant("refresh token revoked")
	case now.After(rt.expiresAt):
		return nil, errInvalidGrant("refresh token expired")
	case rt.usedAt.IsZero():
		if commit {
			rt.usedAt = now
		}
	case now.Before(rt.usedAt.Add(s.cfg.reuseGrace)):
		// reused within the grace period: allowed
	default:
		rt.grant.revoked = true
		s.reuses++
		return nil, errInvalidGrant("refresh token reused; its token family is revoked")
	}
	return rt.grant, nil
}

// clientCredentialsGrant serves grant_type=client_credentials (RFC 6749 §4.4)
// for confidential clients.
func (s *Server) clientCredentialsGrant(c Client, form url.Values, jkt string) (*tokenResponse, *oauthError) {
	if c.Public {
		return nil, errUnauthorizedClient("a public client cannot use client_credentials")
	}
	g := &grant{clientID: c.ID, scopes: strings.Fields(form.Get("scope"))}
	aud, err := s.audience(g, form)
	if err != nil {
		return nil, err
	}
	return s.issueTokens(issue{grant: g, scopes: g.scopes, audience: aud, jkt: jkt})
}

// RefreshTokenReuses returns how many times a rotated refresh token was
// presented again after its reuse grace period (see
// [WithRefreshTokenReuseGrace]). Each such reuse revoked its token family, so
// a relying party that never spends a refresh token twice keeps it at 0.
func (s *Server) RefreshTokenReuses() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reuses
}
