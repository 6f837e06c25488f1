package oidctest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/authchain/authchain/oidctest"
)

const (
	testClientID    = "app"
	testSecret      = "app-secret"
	testRedirectURI = "http://127.0.0.1/callback"
	testLogoutURI   = "http://127.0.0.1/logged-out"
)

// sharedKey is the signing key of the servers of this test binary: generating an RSA key is
// most of what starting a server costs. Tests of key rotation and of ES256 make their own.
var sharedKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// newServer is oidctest.NewServer signing with sharedKey.
func newServer(t testing.TB, opts ...oidctest.Option) *oidctest.Server {
	t.Helper()
	return oidctest.NewServer(t, append([]oidctest.Option{oidctest.WithSigningKey(sharedKey())}, opts...)...)
}

func confidentialClient() oidctest.Client {
	return oidctest.Client{
		ID: testClientID, Secret: testSecret,
		RedirectURIs:           []string{testRedirectURI},
		PostLogoutRedirectURIs: []string{testLogoutURI},
	}
}

// rp is an independent relying party built on x/oauth2 and go-oidc.
type rp struct {
	t        testing.TB
	srv      *oidctest.Server
	ctx      context.Context
	provider *oidc.Provider
	conf     *oauth2.Config
	verifier *oidc.IDTokenVerifier
	browser  *http.Client // keeps cookies, does not follow redirects
}

func newRP(t testing.TB, srv *oidctest.Server, c oidctest.Client, scopes ...string) *rp {
	t.Helper()
	ctx := oidc.ClientContext(t.Context(), srv.HTTPClient())
	provider, err := oidc.NewProvider(ctx, srv.Issuer())
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	if len(scopes) == 0 {
		scopes = []string{oidc.ScopeOpenID, "profile", "email"}
	}
	ep := provider.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInHeader
	jar, _ := cookiejar.New(nil)
	return &rp{
		t: t, srv: srv, ctx: ctx, provider: provider,
		conf: &oauth2.Config{
			ClientID: c.ID, ClientSecret: c.Secret, Endpoint: ep,
			RedirectURL: c.RedirectURIs[0], Scopes: scopes,
		},
		verifier: provider.Verifier(&oidc.Config{ClientID: c.ID, Now: srv.Now}),
		browser: &http.Client{
			Transport: srv.HTTPClient().Transport, Jar: jar,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// authorize sends the browser to rawURL and returns the redirect's Location.
func (r *rp) authorize(rawURL string) *url.URL {
	r.t.Helper()
	resp, err := r.browser.Get(rawURL)
	if err != nil {
		r.t.Fatalf("authorize: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		r.t.Fatalf("authorize: status %d, want 302", resp.StatusCode)
	}
	loc, err := resp.Location()
	if err != nil {
		r.t.Fatalf("authorize: %v", err)
	}
	return loc
}

// login is the result of a complete authorization code flow.
type login struct {
	token   *oauth2.Token
	rawID   string
	idToken *oidc.IDToken
	nonce   string
}

// login runs the authorization code flow with PKCE, checks state, iss and
// nonce, and verifies the ID token with go-oidc.
func (r *rp) login(opts ...oauth2.AuthCodeOption) login {
	r.t.Helper()
	verifier, state, nonce := oauth2.GenerateVerifier(), "st-"+oauth2.GenerateVerifier()[:8], oauth2.GenerateVerifier()
	opts = append(opts, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))
	cb := r.authorize(r.conf.AuthCodeURL(state, opts...))
	q := cb.Query()
	if q.Get("error") != "" {
		r.t.Fatalf("authorize: %s: %s", q.Get("error"), q.Get("error_description"))
	}
	if q.Get("state") != state || q.Get("iss") != r.srv.Issuer() {
		r.t.Fatalf("authorize: state %q iss %q, want %q %q", q.Get("state"), q.Get("iss"), state, r.srv.Issuer())
	}
	tok, err := r.conf.Exchange(r.ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		r.t.Fatalf("exchange: %v", err)
	}
	l := login{token: tok, nonce: nonce}
	l.rawID, _ = tok.Extra("id_token").(string)
	if l.rawID != "" {
		if l.idToken, err = r.verifier.Verify(r.ctx, l.rawID); err != nil {
			r.t.Fatalf("verify ID token: %v", err)
		}
		if l.idToken.Nonce != nonce {
			r.t.Fatalf("nonce %q, want %q", l.idToken.Nonce, nonce)
		}
	}
	return l
}

// code runs the authorization request alone and returns the code and verifier.
func (r *rp) code(opts ...oauth2.AuthCodeOption) (code, verifier string) {
	r.t.Helper()
	verifier = oauth2.GenerateVerifier()
	cb := r.authorize(r.conf.AuthCodeURL("state", append(opts, oauth2.S256ChallengeOption(verifier))...))
	if cb.Query().Get("code") == "" {
		r.t.Fatalf("authorize: no code in %s", cb)
	}
	return cb.Query().Get("code"), verifier
}

// userinfo calls the userinfo endpoint with the access token.
func (r *rp) userinfo(accessToken string) (*oidc.UserInfo, error) {
	return r.provider.UserInfo(r.ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: accessToken, TokenType: "Bearer"}))
}

// refresh uses x/oauth2 to refresh tok.
func (r *rp) refresh(refreshToken string) (*oauth2.Token, error) {
	return r.conf.TokenSource(r.ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
}

// oauthCode returns the OAuth error code of an x/oauth2 error, or "".
func oauthCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

// post sends a form to an endpoint, with Basic credentials when user is
// not empty, and decodes the JSON answer.
func post(t testing.TB, srv *oidctest.Server, e oidctest.Endpoint, form url.Values, user, pass string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL(e), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("post %s: %v", e, err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// jwtParts decodes a JWT's header and claims without verifying it.
func jwtParts(t testing.TB, tok string) (header, claims map[string]any) {
	t.Helper()
	header, err := jwtHeader(tok)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatalf("JWT claims: %v", err)
	}
	return header, claims
}

// jwtHeader decodes a JWT's header.
func jwtHeader(tok string) (map[string]any, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a JWT: %q", tok)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("JWT header: %w", err)
	}
	var header map[string]any
	if err := json.Unmarshal(raw, &header); err != nil {
		return nil, fmt.Errorf("JWT header: %w", err)
	}
	return header, nil
}
