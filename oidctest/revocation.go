package oidctest

import (
	"net/http"
)

// handleRevocation serves the revocation endpoint (RFC 7009). Revoking a
// refresh token revokes its whole family, access tokens included (§2.1).
// Unknown tokens are answered 200, as §2.2 requires.
func (s *Server) handleRevocation(w http.ResponseWriter, r *http.Request) {
	if err := s.revocation(r); err != nil {
		writeOAuthError(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

func (s *Server) revocation(r *http.Request) *oauthError {
	if err := checkFormPost(r); err != nil {
		return err
	}
	c, err := s.authenticateClient(r, s.URL(EndpointRevocation))
	if err != nil {
		return err
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		return errInvalidRequest("token is required")
	}
	switch r.PostForm.Get("token_type_hint") {
	case "", "access_token", "refresh_token":
	default:
		return &oauthError{status: http.StatusBadRequest, code: "unsupported_token_type", description: "token_type_hint must be access_token or refresh_token"}
	}
	return s.revoke(c, tok)
}

func (s *Server) revoke(c Client, tok string) *oauthError {
	var jti string
	if claims, typ, err := s.verifyJWT(tok); err == nil && typ == "at+jwt" {
		jti, _ = claims["jti"].(string)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rt := s.refresh[tok]; rt != nil {
		if rt.grant.clientID != c.ID {
			return errInvalidRequest("the token was issued to another client")
		}
		rt.grant.revoked = true
	}
	if rec := s.access[jti]; rec != nil {
		if rec.grant.clientID != c.ID {
			return errInvalidRequest("the token was issued to another client")
		}
		rec.revoked = true
	}
	return nil
}
