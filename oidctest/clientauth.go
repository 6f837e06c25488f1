package oidctest

import (
	"crypto/subtle"
	"mime"
	"net/http"
	"net/url"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// jwtBearer is the client_assertion_type of private_key_jwt (RFC 7523 §2.2).
const jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// checkFormPost requires a form-encoded body (RFC 6749 §3.2).
func checkFormPost(r *http.Request) *oauthError {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return errInvalidRequest("the body must be application/x-www-form-urlencoded")
	}
	return nil
}

// authenticateClient identifies the client of a token, PAR or revocation
// request by exactly one method (RFC 6749 §2.3): client_secret_basic,
// client_secret_post, private_key_jwt, or none for a public client.
// endpointURL is accepted as an assertion audience, with the issuer and the
// token endpoint.
func (s *Server) authenticateClient(r *http.Request, endpointURL string) (Client, *oauthError) {
	form := r.PostForm
	id, secret, basic := r.BasicAuth()
	methods := 0
	for _, used := range []bool{basic, form.Has("client_secret"), form.Has("client_assertion") || form.Has("client_assertion_type")} {
		if used {
			methods++
		}
	}
	if methods > 1 {
		return Client{}, errInvalidRequest("more than one client authentication method")
	}
	switch {
	case basic:
		return s.authenticateBasic(id, secret, form.Get("client_id"))
	case form.Has("client_secret"):
		return s.authenticateSecret(form.Get("client_id"), form.Get("client_secret"), false)
	case methods == 1:
		return s.authenticateAssertion(form, endpointURL)
	}
	return s.authenticatePublic(form.Get("client_id"))
}

func (s *Server) authenticateBasic(id, secret, formID string) (Client, *oauthError) {
	id, err1 := url.QueryUnescape(id)
	secret, err2 := url.QueryUnescape(secret)
	if err1 != nil || err2 != nil {
		return Client{}, &oauthError{status: http.StatusUnauthorized, code: "invalid_client", description: "malformed Basic credentials", basicAuth: true}
	}
	if formID != "" && formID != id {
		return Client{}, errInvalidRequest("client_id differs from the Basic credentials")
	}
	if c, ok := s.client(id); ok && c.Public && secret == "" {
		return c, nil // a public client's id in Basic with an empty password is method none
	}
	return s.authenticateSecret(id, secret, true)
}

func (s *Server) authenticateSecret(id, secret string, basic bool) (Client, *oauthError) {
	c, ok := s.client(id)
	if !ok || c.Secret == "" || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		e := errInvalidClient("client authentication failed")
		e.basicAuth = basic
		return Client{}, e
	}
	return c, nil
}

func (s *Server) authenticatePublic(id string) (Client, *oauthError) {
	if id == "" {
		return Client{}, errInvalidClient("client authentication required")
	}
	c, ok := s.client(id)
	if !ok {
		return Client{}, errInvalidClient("unknown client")
	}
	if !c.Public {
		return Client{}, errInvalidClient("client authentication required for a confidential client")
	}
	return c, nil
}

// authenticateAssertion checks a private_key_jwt client assertion (RFC 7523
// §3; OpenID Connect Core 1.0 §9): signed by the client's key, iss and sub
// the client_id, aud this server, not expired, and a jti never seen before.
func (s *Server) authenticateAssertion(form url.Values, endpointURL string) (Client, *oauthError) {
	if form.Get("client_assertion_type") != jwtBearer || form.Get("client_assertion") == "" {
		return Client{}, errInvalidClient("unsupported client_assertion_type or empty client_assertion")
	}
	tok, err := jwt.ParseSigned(form.Get("client_assertion"), assertionSigAlgs())
	if err != nil {
		return Client{}, errInvalidClient("client_assertion is not a signed JWT")
	}
	var unverified jwt.Claims
	_ = tok.UnsafeClaimsWithoutVerification(&unverified)
	c, ok := s.client(unverified.Subject)
	if !ok || c.PublicKey == nil || form.Get("client_id") != "" && form.Get("client_id") != c.ID {
		return Client{}, errInvalidClient("unknown client or client without a public key")
	}
	var claims jwt.Claims
	if err := tok.Claims(c.PublicKey, &claims); err != nil {
		return Client{}, errInvalidClient("client_assertion signature does not verify")
	}
	if e := s.checkAssertionClaims(c, claims, endpointURL); e != nil {
		return Client{}, e
	}
	return c, nil
}

func (s *Server) checkAssertionClaims(c Client, claims jwt.Claims, endpointURL string) *oauthError {
	now := s.Now()
	if claims.Expiry == nil || claims.ID == "" {
		return errInvalidClient("client_assertion needs exp and jti")
	}
	err := claims.ValidateWithLeeway(jwt.Expected{
		Issuer: c.ID, Subject: c.ID, Time: now,
		AnyAudience: jwt.Audience{s.Issuer(), s.URL(EndpointToken), endpointURL},
	}, 0)
	if err != nil {
		return errInvalidClient("client_assertion claims: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, exp := range s.assertions {
		if now.After(exp) {
			delete(s.assertions, k)
		}
	}
	key := c.ID + "\x00" + claims.ID
	if _, seen := s.assertions[key]; seen {
		return errInvalidClient("client_assertion jti already used")
	}
	s.assertions[key] = claims.Expiry.Time()
	return nil
}

func assertionSigAlgs() []jose.SignatureAlgorithm {
	return []jose.SignatureAlgorithm{
		jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
		jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
	}
}
