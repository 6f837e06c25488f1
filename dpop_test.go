package authchain_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/token"
)

// dpopApp calls the provider's UserInfo endpoint, an API that wants DPoP tokens: /me through
// Client.HTTPClient, /by-hand with Client.DPoPProof; /type shows the session's token type.
func dpopApp(userinfo func() string) func(c *authchain.Client) http.Handler {
	return func(c *authchain.Client) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/", userPage())
		mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
			resp, err := c.HTTPClient(w, r).Get(userinfo())
			writeAPIAnswer(w, resp, err)
		})
		mux.HandleFunc("/by-hand", func(w http.ResponseWriter, r *http.Request) {
			proof, err := c.DPoPProof(r, http.MethodGet, userinfo())
			if err != nil {
				writeAPIAnswer(w, nil, err)
				return
			}
			req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, userinfo(), nil)
			req.Header.Set("Authorization", "DPoP "+authchain.SessionFrom(r.Context()).TokenSet.AccessToken)
			req.Header.Set("DPoP", proof)
			resp, err := http.DefaultClient.Do(req)
			writeAPIAnswer(w, resp, err)
		})
		mux.HandleFunc("/type", func(w http.ResponseWriter, r *http.Request) {
			if s := authchain.SessionFrom(r.Context()); s != nil {
				_, _ = io.WriteString(w, s.TokenSet.TokenType)
			}
		})
		return mux
	}
}

func writeAPIAnswer(w http.ResponseWriter, resp *http.Response, err error) {
	var te *token.Error
	switch {
	case errors.As(err, &te):
		fmt.Fprintf(w, "error: %s", te.Code)
	case err != nil:
		fmt.Fprintf(w, "error: %v", err)
	default:
		defer resp.Body.Close()
		var claims struct{ Sub string }
		_ = json.NewDecoder(resp.Body).Decode(&claims)
		fmt.Fprintf(w, "%d %s", resp.StatusCode, claims.Sub)
	}
}

// newDPoPApp is an application with UseDPoP at a provider that wants DPoP proofs with its
// nonce from the application's client.
func newDPoPApp(t *testing.T) *testApp {
	t.Helper()
	var app *testApp
	app = newTestApp(t, appOptions{
		config:   func(c *authchain.Config) { c.UseDPoP = true },
		idp:      []oidctest.Option{oidctest.WithDPoPNonce()},
		register: func(c *oidctest.Client) { c.DPoPBoundAccessTokens = true },
		handler:  dpopApp(func() string { return app.IdP.URL(oidctest.EndpointUserinfo) }),
	})
	return app
}

// TestDPoPEndToEnd: with UseDPoP the login gets a DPoP token bound to the Client's key, which
// Client.HTTPClient and a request built with Client.DPoPProof use at an API that wants DPoP
// proofs and nonces, before and after a refresh.
func TestDPoPEndToEnd(t *testing.T) {
	t.Parallel()
	app := newDPoPApp(t)
	b := newBrowser(t, true)
	app.login(b, "/")
	if _, typ := b.get(app.URL + "/type"); typ != "DPoP" {
		t.Fatalf("session token type %q, want DPoP", typ)
	}
	if _, body := b.get(app.URL + "/auth/access-token"); !strings.Contains(body, `"token_type":"DPoP"`) {
		t.Errorf("access-token route: %s, want token_type DPoP", body)
	}

	app.IdP.RotateDPoPNonce() // the API asks for its new nonce: HTTPClient retries once
	if _, body := b.get(app.URL + "/me"); !strings.HasPrefix(body, "200 ") {
		t.Fatalf("/me through HTTPClient: %q", body)
	}
	if n := app.IdP.Count(oidctest.EndpointUserinfo, ""); n != 2 {
		t.Errorf("userinfo saw %d requests, want 2 (one refused for the nonce)", n)
	}
	if _, body := b.get(app.URL + "/by-hand"); !strings.HasPrefix(body, "200 ") {
		t.Errorf("/by-hand with DPoPProof: %q", body)
	}

	app.IdP.Advance(2 * time.Hour) // the access token expires: HTTPClient refreshes it
	app.IdP.RotateDPoPNonce()
	if _, body := b.get(app.URL + "/me"); !strings.HasPrefix(body, "200 ") {
		t.Fatalf("/me after expiry: %q", body)
	}
	if n := app.IdP.Count(oidctest.EndpointToken, "refresh_token"); n != 2 {
		t.Errorf("%d refresh requests, want 2 (one refused for the nonce)", n)
	}
	if got := app.IdP.DPoPProofs(); got != 5 {
		t.Errorf("the provider accepted %d proofs, want 5 (exchange, 2 userinfo, refresh, userinfo)", got)
	}
}

// TestDPoPTokenIsBoundToTheClientsKey: the session's access token names the thumbprint of
// Client.DPoPKey in its cnf claim.
func TestDPoPTokenIsBoundToTheClientsKey(t *testing.T) {
	t.Parallel()
	app := newDPoPApp(t)
	b := newBrowser(t, true)
	app.login(b, "/")
	_, body := b.get(app.URL + "/auth/access-token")
	var got struct{ Token string }
	_ = json.Unmarshal([]byte(body), &got)
	parts := strings.Split(got.Token, ".")
	if len(parts) != 3 {
		t.Fatalf("access-token route: %s", body)
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		Cnf struct{ Jkt string }
	}
	_ = json.Unmarshal(payload, &claims)
	if claims.Cnf.Jkt == "" || claims.Cnf.Jkt != app.Client.DPoPKey().Thumbprint() {
		t.Errorf("cnf.jkt = %q, want the Client's key %q", claims.Cnf.Jkt, app.Client.DPoPKey().Thumbprint())
	}
}

// TestDPoPOff: without UseDPoP the tokens are Bearer tokens, HTTPClient sends them as such,
// and DPoPProof answers ErrDPoPOff.
func TestDPoPOff(t *testing.T) {
	t.Parallel()
	var app *testApp
	app = newTestApp(t, appOptions{handler: dpopApp(func() string { return app.IdP.URL(oidctest.EndpointUserinfo) })})
	b := newBrowser(t, true)
	app.login(b, "/")
	if _, typ := b.get(app.URL + "/type"); typ != "Bearer" {
		t.Errorf("token type %q, want Bearer", typ)
	}
	if _, body := b.get(app.URL + "/me"); !strings.HasPrefix(body, "200 ") {
		t.Errorf("/me with a Bearer token: %q", body)
	}
	if _, body := b.get(app.URL + "/by-hand"); !strings.Contains(body, authchain.ErrDPoPOff.Error()) {
		t.Errorf("/by-hand: %q, want ErrDPoPOff", body)
	}
	if app.Client.DPoPKey() != nil {
		t.Error("DPoPKey is set without UseDPoP")
	}
}

func TestDPoPProofSignedOut(t *testing.T) {
	t.Parallel()
	app := newDPoPApp(t)
	b := newBrowser(t, true)
	if _, body := b.get(app.URL + "/by-hand"); body != "error: missing_session" {
		t.Errorf("/by-hand signed out: %q", body)
	}
	if _, body := b.get(app.URL + "/me"); body != "error: missing_session" {
		t.Errorf("/me signed out: %q", body)
	}
}

func TestDPoPKeyFromEnv(t *testing.T) {
	t.Parallel()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	privPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	pubDER, _ := x509.MarshalPKIXPublicKey(key.Public())
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	otherDER, _ := x509.MarshalPKIXPublicKey(other.Public())
	otherPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: otherDER}))
	escaped := strings.ReplaceAll(privPEM, "\n", `\n`)

	lookup := func(env map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	}
	for name, env := range map[string]map[string]string{
		"private key":                  {"AUTH0_DPOP_PRIVATE_KEY": privPEM},
		"escaped line breaks":          {"AUTH0_DPOP_PRIVATE_KEY": escaped},
		"with its public key":          {"AUTH0_DPOP_PRIVATE_KEY": privPEM, "AUTH0_DPOP_PUBLIC_KEY": pubPEM},
		"escaped, with its public key": {"AUTH0_DPOP_PRIVATE_KEY": escaped, "AUTH0_DPOP_PUBLIC_KEY": strings.ReplaceAll(pubPEM, "\n", `\n`)},
	} {
		cfg, err := authchain.ConfigFromLookup(lookup(env))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cfg.DPoPKey == nil || cfg.DPoPKey.Alg() != "ES256" {
			t.Fatalf("%s: DPoPKey = %v", name, cfg.DPoPKey)
		}
	}
	for name, c := range map[string]struct {
		env  map[string]string
		want string
	}{
		"another public key": {map[string]string{"AUTH0_DPOP_PRIVATE_KEY": privPEM, "AUTH0_DPOP_PUBLIC_KEY": otherPEM}, "AUTH0_DPOP_PUBLIC_KEY"},
		"public key alone":   {map[string]string{"AUTH0_DPOP_PUBLIC_KEY": pubPEM}, "AUTH0_DPOP_PUBLIC_KEY"},
		"not a key":          {map[string]string{"AUTH0_DPOP_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n"}, "AUTH0_DPOP_PRIVATE_KEY"},
		"use without a bool": {map[string]string{"AUTH0_USE_DPOP": "yes please"}, "AUTH0_USE_DPOP"},
	} {
		_, err := authchain.ConfigFromLookup(lookup(c.env))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %s", name, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "c2VjcmV0") || strings.Contains(err.Error(), "MIG") {
			t.Errorf("%s: the error shows key material: %v", name, err)
		}
	}
	cfg, _ := authchain.ConfigFromLookup(lookup(map[string]string{"AUTH0_USE_DPOP": "true"}))
	if !cfg.UseDPoP || cfg.DPoPKey != nil {
		t.Errorf("AUTH0_USE_DPOP=true: UseDPoP %v, DPoPKey %v; want on, with a key generated by New", cfg.UseDPoP, cfg.DPoPKey)
	}
}

// TestDPoPTokenVaultExchangeCarriesAProof: with UseDPoP the Token Vault exchange goes to the
// token endpoint with a proof (and the provider's nonce) like every other grant, so a
// provider that wants proofs from the client answers it.
func TestDPoPTokenVaultExchangeCarriesAProof(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{
		config:   func(c *authchain.Config) { c.UseDPoP = true },
		idp:      append(withCalendar(), oidctest.WithDPoPNonce()),
		register: func(c *oidctest.Client) { c.DPoPBoundAccessTokens = true },
		handler:  connectionApp,
	})
	b := newBrowser(t, true)
	app.login(b, "/")
	app.IdP.RotateDPoPNonce()
	if _, body := b.get(app.URL + "/conn?connection=" + calendar); !strings.HasPrefix(body, "token: ") {
		t.Fatalf("/conn: %q", body)
	}
	if got := app.IdP.DPoPProofs(); got != 2 {
		t.Errorf("the provider accepted %d proofs, want 2 (the code exchange, the Token Vault exchange after its nonce retry)", got)
	}
}

// TestDPoPNewKeyNeedsARefresh: an instance with another key (a restart with a generated key)
// finds the sessions' tokens bound to the old one, which the API refuses; a forced refresh
// binds a new token to the new key.
func TestDPoPNewKeyNeedsARefresh(t *testing.T) {
	t.Parallel()
	app := newDPoPApp(t)
	b := newBrowser(t, true)
	app.login(b, "/")

	cfg := app.cfg
	cfg.UseDPoP = true // a new generated key
	restarted, err := authchain.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	userinfo := app.IdP.URL(oidctest.EndpointUserinfo)
	mux := http.NewServeMux()
	mux.Handle("/", dpopApp(func() string { return userinfo })(restarted))
	mux.HandleFunc("/refresh", func(w http.ResponseWriter, r *http.Request) {
		if _, err := restarted.AccessToken(w, r, authchain.WithRefresh()); err != nil {
			fmt.Fprintf(w, "error: %v", err)
		}
	})
	srv := httptest.NewServer(restarted.Middleware(mux))
	defer srv.Close()

	if _, body := b.get(srv.URL + "/me"); !strings.HasPrefix(body, "401 ") {
		t.Errorf("a token bound to the old key, proofs of the new: %q, want the API's 401", body)
	}
	b.get(srv.URL + "/refresh")
	if _, body := b.get(srv.URL + "/me"); !strings.HasPrefix(body, "200 ") {
		t.Errorf("after a refresh with the new key: %q", body)
	}
}
