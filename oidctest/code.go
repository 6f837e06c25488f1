package oidctest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"time"
)

// authCode is an authorization code: single use, short lived, bound to the
// client, the redirect URI and the PKCE challenge (RFC 6749 §4.1.2, RFC 7636).
type authCode struct {
	req       *authRequest
	sid       string
	user      User
	authTime  time.Time
	expiresAt time.Time
	redeemed  bool
	grant     *grant // what the first redemption issued
}

func (s *Server) issueCode(req *authRequest, ss *session) string {
	code := rand.Text() + rand.Text()
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, c := range s.codes {
		if now.After(c.expiresAt.Add(time.Hour)) {
			delete(s.codes, k)
		}
	}
	s.codes[code] = &authCode{
		req: req, sid: ss.id, user: ss.user.clone(), authTime: ss.authTime,
		expiresAt: now.Add(s.cfg.codeTTL),
	}
	return code
}

// redeemCode checks a code for the authorization_code grant and returns the
// grant it starts. A code presented a second time is refused and the grant
// of its first redemption is revoked (RFC 6749 §4.1.2).
func (s *Server) redeemCode(c Client, form url.Values) (*authCode, *grant, *oauthError) {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ac := s.codes[form.Get("code")]
	switch {
	case form.Get("code") == "":
		return nil, nil, errInvalidRequest("code is required")
	case ac == nil:
		return nil, nil, errInvalidGrant("unknown authorization code")
	case ac.req.clientID != c.ID:
		return nil, nil, errInvalidGrant("authorization code was issued to another client")
	case ac.redeemed:
		if ac.grant != nil {
			ac.grant.revoked = true
		}
		return nil, nil, errInvalidGrant("authorization code already used; the tokens it issued are revoked")
	}
	ac.redeemed = true
	if err := ac.check(form, now); err != nil {
		return nil, nil, err
	}
	ac.grant = &grant{
		clientID: c.ID, user: &ac.user, sid: ac.sid, authTime: ac.authTime,
		scopes: ac.req.scopes, audience: ac.req.audience, resources: ac.req.resources,
		multiFactor: slices.Contains(ac.req.acrValues, MultiFactorACR),
	}
	return ac, ac.grant, nil
}

// check verifies the code's lifetime, redirect URI and PKCE verifier.
func (ac *authCode) check(form url.Values, now time.Time) *oauthError {
	if now.After(ac.expiresAt) {
		return errInvalidGrant("authorization code expired")
	}
	if form.Get("redirect_uri") != ac.req.redirectURI {
		return errInvalidGrant("redirect_uri does not match the authorization request")
	}
	return checkVerifier(form.Get("code_verifier"), ac.req.challenge)
}

// checkVerifier verifies a PKCE code_verifier against an S256 challenge (RFC 7636 §4.6).
func checkVerifier(verifier, challenge string) *oauthError {
	if verifier == "" {
		return errInvalidGrant("code_verifier is required (PKCE)")
	}
	if len(verifier) < 43 || len(verifier) > 128 || strings.Trim(verifier, base64URLAlphabet+".~") != "" {
		return errInvalidGrant("code_verifier is malformed")
	}
	sum := sha256.Sum256([]byte(verifier))
	if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) != 1 {
		return errInvalidGrant("code_verifier does not match the code_challenge")
	}
	return nil
}

// codeGrant serves grant_type=authorization_code (RFC 6749 §4.1.3).
func (s *Server) codeGrant(c Client, form url.Values, jkt string) (*tokenResponse, *oauthError) {
	ac, g, err := s.redeemCode(c, form)
	if err != nil {
		return nil, err
	}
	if ac.req.dpopJKT != "" && jkt != ac.req.dpopJKT {
		return nil, errInvalidGrant("the authorization code is bound to another DPoP key (dpop_jkt)")
	}
	if c.Public && jkt != "" {
		g.jkt = jkt // a public client's refresh tokens are bound to the key (RFC 9449 §5)
	}
	aud, err := s.audience(g, form)
	if err != nil {
		return nil, err
	}
	return s.issueTokens(issue{
		grant: g, scopes: g.scopes, audience: aud, nonce: ac.req.nonce,
		refresh: slices.Contains(g.scopes, "offline_access"),
		idToken: slices.Contains(g.scopes, "openid"), jkt: jkt,
	})
}
