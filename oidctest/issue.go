package oidctest

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"
)

// tokenResponse is a successful token response (RFC 6749 §5.1, OpenID Connect Core 1.0 §3.1.3.3).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	// IssuedTokenType is the type of an exchange's token (RFC 8693 §2.2.1).
	IssuedTokenType string `json:"issued_token_type,omitempty"`
}

// issue says what one token response carries.
type issue struct {
	grant    *grant
	scopes   []string
	audience []string
	nonce    string
	refresh  bool
	idToken  bool
	// jkt binds the access token to this DPoP key (token_type DPoP, cnf.jkt).
	jkt string
}

func (s *Server) issueTokens(is issue) (*tokenResponse, *oauthError) {
	at, err := s.mintAccessToken(is.grant, is.scopes, is.audience, is.jkt)
	if err != nil {
		return nil, errServer(err)
	}
	tokenType := "Bearer"
	if is.jkt != "" {
		tokenType = "DPoP"
	}
	resp := &tokenResponse{
		AccessToken: at, TokenType: tokenType,
		ExpiresIn: int64(s.cfg.accessTokenTTL / time.Second),
		Scope:     strings.Join(is.scopes, " "),
	}
	if is.idToken {
		if resp.IDToken, err = s.mintIDToken(is.grant, is.nonce, at); err != nil {
			return nil, errServer(err)
		}
	}
	if is.refresh {
		resp.RefreshToken = s.newRefreshToken(is.grant)
	}
	return resp, nil
}

func errServer(err error) *oauthError {
	return &oauthError{status: http.StatusInternalServerError, code: "server_error", description: err.Error()}
}

// mintAccessToken issues an RFC 9068 JWT access token, bound to the DPoP key jkt when it is
// not empty (RFC 9449 §6.1: the cnf claim).
func (s *Server) mintAccessToken(g *grant, scopes, aud []string, jkt string) (string, error) {
	now := s.Now().Truncate(time.Second)
	jti := rand.Text()
	exp := now.Add(s.cfg.accessTokenTTL)
	claims := map[string]any{
		"iss": s.Issuer(), "sub": g.clientID, "aud": audClaim(aud), "client_id": g.clientID,
		"iat": now.Unix(), "exp": exp.Unix(), "jti": jti,
	}
	if len(scopes) > 0 {
		claims["scope"] = strings.Join(scopes, " ")
	}
	if g.user != nil {
		claims["sub"], claims["auth_time"] = g.user.Subject, g.authTime.Unix()
	}
	if jkt != "" {
		claims["cnf"] = map[string]string{"jkt": jkt}
	}
	tok, err := s.signJWT(claims, "at+jwt", signNormal)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access[jti] = &accessRecord{grant: g, expiresAt: exp, scopes: scopes, audience: aud, jkt: jkt}
	return tok, nil
}

// audClaim is a single audience as a string, several as an array.
func audClaim(aud []string) any {
	if len(aud) == 1 {
		return aud[0]
	}
	return aud
}

// mintIDToken issues an ID token (OpenID Connect Core 1.0 §2), carrying the
// next queued defect, if any.
func (s *Server) mintIDToken(g *grant, nonce, accessToken string) (string, error) {
	now := s.Now().Truncate(time.Second)
	claims := maps.Clone(g.user.Claims)
	if claims == nil {
		claims = map[string]any{}
	}
	maps.Copy(claims, map[string]any{
		"iss": s.Issuer(), "sub": g.user.Subject, "aud": g.clientID,
		"iat": now.Unix(), "exp": now.Add(s.cfg.idTokenTTL).Unix(),
		"auth_time": g.authTime.Unix(), "at_hash": atHash(accessToken),
	})
	if g.sid != "" {
		claims["sid"] = g.sid
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	mode := s.takeIDTokenDefect().apply(claims, now, s.cfg.idTokenTTL)
	tok, err := s.signJWT(claims, "JWT", mode)
	if err != nil {
		return "", fmt.Errorf("oidctest: ID token: %w", err)
	}
	return tok, nil
}

// atHash is the left half of the SHA-256 hash of the access token (OpenID
// Connect Core 1.0 §3.1.3.6); RS256 and ES256 both hash with SHA-256.
func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return b64(sum[:len(sum)/2])
}

func (s *Server) newRefreshToken(g *grant) string {
	tok := rand.Text() + rand.Text()
	exp := s.Now().Add(s.cfg.refreshTokenTTL)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh[tok] = &refreshToken{grant: g, expiresAt: exp}
	return tok
}
