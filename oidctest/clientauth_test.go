package oidctest_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/authchain/authchain/oidctest"
)

// assertion builds a private_key_jwt client assertion (RFC 7523 §3).
func assertion(t *testing.T, key crypto.Signer, alg jose.SignatureAlgorithm, claims jwt.Claims) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func assertionClaims(srv *oidctest.Server, id string) jwt.Claims {
	now := srv.Now()
	return jwt.Claims{
		Issuer: id, Subject: id, Audience: jwt.Audience{srv.URL(oidctest.EndpointToken)},
		ID: rand.Text(), IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Minute)),
	}
}

func keyClient(pub crypto.PublicKey) oidctest.Client {
	return oidctest.Client{ID: "jwt-app", PublicKey: pub, RedirectURIs: []string{testRedirectURI}}
}

func TestPrivateKeyJWT(t *testing.T) {
	t.Parallel()
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	for _, tc := range []struct {
		name string
		key  crypto.Signer
		alg  jose.SignatureAlgorithm
	}{
		{"RS256", rsaKey, jose.RS256},
		{"PS256", rsaKey, jose.PS256},
		{"ES256", ecKey, jose.ES256},
		{"EdDSA", edKey, jose.EdDSA},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := keyClient(tc.key.Public())
			srv := newServer(t, oidctest.WithClient(c))
			r := newRP(t, srv, c)
			r.conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
			code, verifier := r.code()
			tok, err := r.conf.Exchange(r.ctx, code, oauth2.VerifierOption(verifier),
				oauth2.SetAuthURLParam("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
				oauth2.SetAuthURLParam("client_assertion", assertion(t, tc.key, tc.alg, assertionClaims(srv, c.ID))))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.verifier.Verify(r.ctx, tok.Extra("id_token").(string)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestPrivateKeyJWTRefusals(t *testing.T) {
	t.Parallel()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	otherKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, tc := range []struct {
		name string
		edit func(srv *oidctest.Server, c *jwt.Claims, signer *crypto.Signer, form url.Values)
	}{
		{"signed by another key", func(_ *oidctest.Server, _ *jwt.Claims, s *crypto.Signer, _ url.Values) { *s = otherKey }},
		{"expired", func(srv *oidctest.Server, c *jwt.Claims, _ *crypto.Signer, _ url.Values) {
			c.Expiry = jwt.NewNumericDate(srv.Now().Add(-time.Minute))
		}},
		{"no exp", func(_ *oidctest.Server, c *jwt.Claims, _ *crypto.Signer, _ url.Values) { c.Expiry = nil }},
		{"no jti", func(_ *oidctest.Server, c *jwt.Claims, _ *crypto.Signer, _ url.Values) { c.ID = "" }},
		{"wrong audience", func(_ *oidctest.Server, c *jwt.Claims, _ *crypto.Signer, _ url.Values) {
			c.Audience = jwt.Audience{"https://elsewhere.example/token"}
		}},
		{"issuer is not the client", func(_ *oidctest.Server, c *jwt.Claims, _ *crypto.Signer, _ url.Values) { c.Issuer = "someone" }},
		{"subject is another client", func(_ *oidctest.Server, c *jwt.Claims, _ *crypto.Signer, _ url.Values) { c.Subject = testClientID }},
		{"client_id differs", func(_ *oidctest.Server, _ *jwt.Claims, _ *crypto.Signer, f url.Values) {
			f.Set("client_id", testClientID)
		}},
		{"wrong assertion type", func(_ *oidctest.Server, _ *jwt.Claims, _ *crypto.Signer, f url.Values) {
			f.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer")
		}},
		{"secret client using a key", func(_ *oidctest.Server, c *jwt.Claims, _ *crypto.Signer, f url.Values) {
			c.Issuer, c.Subject = testClientID, testClientID
			f.Set("client_id", testClientID)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := keyClient(key.Public())
			srv := newServer(t, oidctest.WithClient(c), oidctest.WithClient(confidentialClient()))
			claims, signer := assertionClaims(srv, c.ID), crypto.Signer(key)
			form := url.Values{"grant_type": {"client_credentials"}, "client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}}
			tc.edit(srv, &claims, &signer, form)
			form.Set("client_assertion", assertion(t, signer, jose.ES256, claims))
			status, body := post(t, srv, oidctest.EndpointToken, form, "", "")
			if status != http.StatusUnauthorized || body["error"] != "invalid_client" {
				t.Fatalf("%d %v, want 401 invalid_client", status, body)
			}
		})
	}
}

func TestPrivateKeyJWTReplayedJTI(t *testing.T) {
	t.Parallel()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	c := keyClient(key.Public())
	srv := newServer(t, oidctest.WithClient(c))
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {assertion(t, key, jose.ES256, assertionClaims(srv, c.ID))},
	}
	if status, body := post(t, srv, oidctest.EndpointToken, form, "", ""); status != http.StatusOK {
		t.Fatalf("first use: %d %v", status, body)
	}
	if status, body := post(t, srv, oidctest.EndpointToken, form, "", ""); status != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Fatalf("replay: %d %v, want invalid_client", status, body)
	}
	// The issuer is an accepted audience too (RFC 7523 §3, point 3).
	claims := assertionClaims(srv, c.ID)
	claims.Audience = jwt.Audience{srv.Issuer()}
	form.Set("client_assertion", assertion(t, key, jose.ES256, claims))
	if status, body := post(t, srv, oidctest.EndpointToken, form, "", ""); status != http.StatusOK {
		t.Fatalf("issuer audience: %d %v", status, body)
	}
}

func TestPublicClient(t *testing.T) {
	t.Parallel()
	c := oidctest.Client{ID: "spa", Public: true, RedirectURIs: []string{testRedirectURI}}
	srv := newServer(t, oidctest.WithClient(c))
	r := newRP(t, srv, c, "openid", "offline_access")
	r.login() // Basic with the client_id and an empty password
	for _, req := range srv.Requests() {
		if req.Endpoint == oidctest.EndpointToken && req.Header.Get("Authorization") == "" {
			t.Fatal("x/oauth2 sent no Basic credentials")
		}
	}
	r.conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	l := r.login() // client_id in the form
	if l.token.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	if _, err := r.refresh(l.token.RefreshToken); err != nil {
		t.Fatalf("refresh: %v", err)
	}
	for name, form := range map[string]url.Values{
		"client_credentials": {"grant_type": {"client_credentials"}, "client_id": {"spa"}},
		"with a secret":      {"grant_type": {"client_credentials"}, "client_id": {"spa"}, "client_secret": {"x"}},
	} {
		if status, body := post(t, srv, oidctest.EndpointToken, form, "", ""); status < 400 {
			t.Errorf("%s: %d %v", name, status, body)
		}
	}
	// PKCE is what protects a public client: a code without the verifier is refused.
	code, _ := r.code()
	if _, err := r.conf.Exchange(r.ctx, code); oauthCode(err) != "invalid_grant" {
		t.Errorf("exchange without verifier: %v", err)
	}
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithDefaultAudience("https://default.api"))
	for _, tc := range []struct {
		form url.Values
		aud  string
	}{
		{url.Values{"grant_type": {"client_credentials"}, "scope": {"read write"}, "audience": {"https://api.example"}}, "https://api.example"},
		{url.Values{"grant_type": {"client_credentials"}, "scope": {"read write"}}, "https://default.api"},
	} {
		status, body := post(t, srv, oidctest.EndpointToken, tc.form, testClientID, testSecret)
		if status != http.StatusOK {
			t.Fatalf("%d %v", status, body)
		}
		if _, ok := body["refresh_token"]; ok {
			t.Error("refresh token for client_credentials")
		}
		if _, ok := body["id_token"]; ok {
			t.Error("ID token for client_credentials")
		}
		_, claims := jwtParts(t, body["access_token"].(string))
		if claims["sub"] != testClientID || claims["aud"] != tc.aud || claims["scope"] != "read write" || claims["client_id"] != testClientID {
			t.Errorf("claims %v", claims)
		}
	}
}
