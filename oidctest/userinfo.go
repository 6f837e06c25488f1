package oidctest

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// handleUserinfo serves the UserInfo endpoint (OpenID Connect Core 1.0 §5.3)
// for access tokens sent as RFC 6750 bearer tokens.
func (s *Server) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	s.setDPoPNonce(w)
	if dpopScheme(r) {
		s.dpopUserinfo(w, r)
		return
	}
	tok := bearerToken(r)
	if tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="oidctest"`)
		http.Error(w, "bearer token required", http.StatusUnauthorized)
		return
	}
	rec, err := s.checkAccessToken(tok)
	if err != nil {
		bearerError(w, http.StatusUnauthorized, "invalid_token", err.Error())
		return
	}
	if rec.jkt != "" {
		bearerError(w, http.StatusUnauthorized, "invalid_token", "a DPoP-bound token is presented as a bearer token")
		return
	}
	s.writeUserinfo(w, rec)
}

// writeUserinfo answers with the claims of the user the token rec was issued for.
func (s *Server) writeUserinfo(w http.ResponseWriter, rec *accessRecord) {
	if !slices.Contains(rec.audience, s.URL(EndpointUserinfo)) {
		bearerError(w, http.StatusUnauthorized, "invalid_token", "the token's audience is not the userinfo endpoint")
		return
	}
	if rec.grant.user == nil || !slices.Contains(rec.scopes, "openid") {
		bearerError(w, http.StatusForbidden, "insufficient_scope", "the openid scope is required")
		return
	}
	claims := maps.Clone(rec.grant.user.Claims)
	if claims == nil {
		claims = map[string]any{}
	}
	claims["sub"] = rec.grant.user.Subject
	writeJSON(w, http.StatusOK, claims)
}

// bearerToken reads the token from the Authorization header or, for a form
// POST, the access_token parameter (RFC 6750 §2.1, §2.2).
func bearerToken(r *http.Request) string {
	if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(tok)
	}
	if r.Method == http.MethodPost {
		return r.PostForm.Get("access_token")
	}
	return ""
}

func bearerError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="oidctest", error="`+code+`", error_description="`+strings.ReplaceAll(desc, `"`, `'`)+`"`)
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// checkAccessToken returns the record of a live access token this server issued.
func (s *Server) checkAccessToken(tok string) (*accessRecord, error) {
	claims, typ, err := s.verifyJWT(tok)
	if err != nil {
		return nil, err
	}
	if typ != "at+jwt" {
		return nil, errors.New("not an access token")
	}
	jti, _ := claims["jti"].(string)
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.access[jti]
	switch {
	case rec == nil:
		return nil, errors.New("unknown access token")
	case rec.revoked || rec.grant.revoked:
		return nil, errors.New("access token revoked")
	case !now.Before(rec.expiresAt):
		return nil, errors.New("access token expired")
	}
	return rec, nil
}
