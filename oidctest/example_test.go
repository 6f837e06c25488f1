package oidctest_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/authchain/authchain/oidctest"
)

// A relying party logs in a queued user with x/oauth2 and go-oidc: the
// authorize endpoint redirects straight back with a code, no browser needed.
func Example() {
	srv, err := oidctest.New(oidctest.WithClient(oidctest.Client{
		ID: "app", Secret: "s3cret", RedirectURIs: []string{"http://127.0.0.1:3000/callback"},
	}))
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.QueueLogin(oidctest.User{Subject: "alice", Claims: map[string]any{"name": "Alice"}})

	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, srv.Issuer())
	if err != nil {
		log.Fatal(err)
	}
	conf := oauth2.Config{
		ClientID: "app", ClientSecret: "s3cret", Endpoint: provider.Endpoint(),
		RedirectURL: "http://127.0.0.1:3000/callback", Scopes: []string{oidc.ScopeOpenID, "profile"},
	}
	verifier, nonce := oauth2.GenerateVerifier(), oauth2.GenerateVerifier()
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(conf.AuthCodeURL("state", oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)))
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	callback, _ := resp.Location() // http://127.0.0.1:3000/callback?code=…&state=state&iss=…

	tok, err := conf.Exchange(ctx, callback.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		log.Fatal(err)
	}
	idToken, err := provider.Verifier(&oidc.Config{ClientID: "app"}).Verify(ctx, tok.Extra("id_token").(string))
	if err != nil || idToken.Nonce != nonce {
		log.Fatal("ID token refused: ", err)
	}
	var claims struct{ Name string }
	_ = idToken.Claims(&claims)
	fmt.Println("logged in:", idToken.Subject, claims.Name)
	fmt.Println("code exchanges:", srv.Count(oidctest.EndpointToken, "authorization_code"))
	// Output:
	// logged in: alice Alice
	// code exchanges: 1
}

// In a test, NewServer starts a provider on 127.0.0.1 and closes it when the
// test ends.
func ExampleNewServer() {
	testLogin := func(t *testing.T) {
		t.Parallel() // servers share nothing
		srv := oidctest.NewServer(t, oidctest.WithClient(oidctest.Client{
			ID: "app", Secret: "s3cret", RedirectURIs: []string{"http://127.0.0.1:3000/callback"},
		}))
		srv.QueueLogin(oidctest.User{Subject: "alice"})
		// Configure the application under test with srv.Issuer(), "app" and
		// "s3cret", and drive its login; then assert on what the provider saw:
		if n := srv.Count(oidctest.EndpointToken, "refresh_token"); n != 0 {
			t.Errorf("%d refreshes, want none", n)
		}
	}
	_ = testLogin
}

// With WithLoginForm the authorize endpoint shows an HTML form, for browser
// tests and demos (go run ./cmd/oidctest -login-form … does the same). Here a
// client plays the browser.
func ExampleWithLoginForm() {
	srv, err := oidctest.New(oidctest.WithLoginForm(), oidctest.WithClient(oidctest.Client{
		ID: "spa", Public: true, RedirectURIs: []string{"http://127.0.0.1:3000/callback"},
	}))
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	authorize := srv.URL(oidctest.EndpointAuthorize) + "?" + url.Values{
		"client_id": {"spa"}, "redirect_uri": {"http://127.0.0.1:3000/callback"}, "response_type": {"code"},
		"scope": {"openid"}, "state": {"xyz"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())}, "code_challenge_method": {"S256"},
	}.Encode()
	resp, err := browser.Get(authorize)
	if err != nil {
		log.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	interaction := regexp.MustCompile(`name="interaction" value="([^"]+)"`).FindSubmatch(page)[1]
	fmt.Println("form:", resp.StatusCode)

	resp, err = browser.PostForm(srv.URL(oidctest.EndpointLogin), url.Values{
		"interaction": {string(interaction)}, "name": {"Ada"}, "email": {"ada@example.com"}, "action": {"login"},
	})
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	callback, _ := resp.Location()
	fmt.Println("state:", callback.Query().Get("state"), "code:", callback.Query().Get("code") != "")
	fmt.Println("session of:", srv.Sessions()[0].Subject)
	// Output:
	// form: 200
	// state: xyz code: true
	// session of: Ada
}

// FailNext makes one endpoint misbehave for the next requests, here the token
// endpoint with an OAuth error.
func ExampleServer_FailNext() {
	srv, _ := oidctest.New(oidctest.WithClient(oidctest.Client{ID: "worker", Secret: "s3cret"}))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.FailNext(oidctest.EndpointToken, 1, oidctest.OAuthError("temporarily_unavailable", "down for maintenance", http.StatusServiceUnavailable))

	conf := clientcredentials.Config{
		ClientID: "worker", ClientSecret: "s3cret", TokenURL: srv.URL(oidctest.EndpointToken),
		AuthStyle: oauth2.AuthStyleInHeader, // auto-detection would retry and hide the fault
	}
	_, err := conf.Token(context.Background())
	fmt.Println("first:", oauthCode(err))
	_, err = conf.Token(context.Background())
	fmt.Println("second error:", err)
	// Output:
	// first: temporarily_unavailable
	// second error: <nil>
}

// QueueIDTokenDefect makes the next ID token flawed, to test that the relying
// party refuses it.
func ExampleServer_QueueIDTokenDefect() {
	srv, _ := oidctest.New(oidctest.WithClient(oidctest.Client{
		ID: "app", Secret: "s3cret", RedirectURIs: []string{"http://127.0.0.1:3000/callback"},
	}))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.QueueIDTokenDefect(oidctest.DefectWrongAudience)

	ctx := context.Background()
	provider, _ := oidc.NewProvider(ctx, srv.Issuer())
	conf := oauth2.Config{ClientID: "app", ClientSecret: "s3cret", Endpoint: provider.Endpoint(),
		RedirectURL: "http://127.0.0.1:3000/callback", Scopes: []string{oidc.ScopeOpenID}}
	verifier := oauth2.GenerateVerifier()
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _ := browser.Get(conf.AuthCodeURL("state", oauth2.S256ChallengeOption(verifier)))
	resp.Body.Close()
	callback, _ := resp.Location()
	tok, _ := conf.Exchange(ctx, callback.Query().Get("code"), oauth2.VerifierOption(verifier))

	_, err := provider.Verifier(&oidc.Config{ClientID: "app"}).Verify(ctx, tok.Extra("id_token").(string))
	fmt.Println(err)
	// Output:
	// oidc: expected audience "app" got ["wrong-audience"]
}

// BackChannelLogout sends a signed logout token to the client's back-channel
// logout URI; the relying party verifies it with go-oidc.
func ExampleServer_BackChannelLogout() {
	var verifier *oidc.IDTokenVerifier
	rp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := verifier.VerifyLogout(r.Context(), r.PostFormValue("logout_token"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Println("log out session", tok.SessionID)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rp.Close()

	srv, _ := oidctest.New(oidctest.WithClient(oidctest.Client{
		ID: "app", Secret: "s3cret", BackChannelLogoutURI: rp.URL + "/auth/backchannel-logout",
	}))
	if err := srv.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	provider, _ := oidc.NewProvider(context.Background(), srv.Issuer())
	verifier = provider.Verifier(&oidc.Config{ClientID: "app"})

	err := srv.BackChannelLogout(context.Background(), "app", "sid-123", "")
	fmt.Println("delivered:", err == nil)
	// Output:
	// log out session sid-123
	// delivered: true
}

// LogoutToken mints logout tokens with deliberate defects.
func ExampleServer_LogoutToken() {
	srv, _ := oidctest.New()
	if err := srv.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	tok, _ := srv.LogoutToken(oidctest.LogoutTokenOptions{
		ClientID: "app", Subject: "alice", Defects: []oidctest.LogoutDefect{oidctest.LogoutWithNonce},
	})
	provider, _ := oidc.NewProvider(context.Background(), srv.Issuer())
	_, err := provider.Verifier(&oidc.Config{ClientID: "app"}).VerifyLogout(context.Background(), tok)
	fmt.Println(err)
	// Output:
	// oidc: logout token must not contain a 'nonce' claim
}

// RotateKeys signs with a new key and keeps publishing the old one for a while.
func ExampleServer_RotateKeys() {
	srv, _ := oidctest.New(oidctest.WithKeyRetention(time.Hour))
	srv.RotateKeys()
	fmt.Println("published keys:", len(srv.KeyIDs()))
	srv.Advance(2 * time.Hour)
	fmt.Println("after retention:", len(srv.KeyIDs()))
	// Output:
	// published keys: 2
	// after retention: 1
}

// Each server has its own clock; WithClock freezes it at a start time.
func ExampleServer_Advance() {
	start := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	srv, _ := oidctest.New(oidctest.WithClock(start))
	srv.Advance(90 * time.Minute)
	fmt.Println(srv.Now().Format(time.Kitchen))
	// Output:
	// 1:30PM
}
