package dpop

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"
)

// nonceServer is a resource server that wants DPoP tokens with proofs carrying its nonce.
func nonceServer(t *testing.T, calls *atomic.Int32) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("DPoP-Nonce", "server-nonce")
		scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if scheme != "DPoP" || tok != "bound-token" {
			http.Error(w, "want a DPoP token", http.StatusUnauthorized)
			return
		}
		_, c := verified(t, r.Header.Get("DPoP"))
		if c["ath"] != TokenHash(tok) || c["htm"] != r.Method || c["htu"] != "http://"+r.Host+r.URL.Path {
			http.Error(w, "bad proof", http.StatusUnauthorized)
			return
		}
		if c["nonce"] != "server-nonce" {
			w.Header().Set("WWW-Authenticate", `DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		_, _ = io.WriteString(w, "ok:"+string(body))
	}))
}

func TestTransportRetriesOnceWithTheServersNonce(t *testing.T) {
	t.Parallel()
	k, _ := GenerateKey()
	var calls atomic.Int32
	srv := nonceServer(t, &calls)
	defer srv.Close()
	src := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "bound-token", TokenType: "DPoP"})
	hc := &http.Client{Transport: &Transport{Source: src, Key: k}}

	resp, err := hc.Post(srv.URL+"/items?x=1", "text/plain", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok:payload" {
		t.Fatalf("got %d %q, want 200 ok:payload (the body sent again)", resp.StatusCode, body)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2 (one refused for the nonce, one retry)", calls.Load())
	}
	// The nonce is remembered: the next request needs no retry.
	resp, err = hc.Get(srv.URL + "/items")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || calls.Load() != 3 {
		t.Errorf("second request: %d after %d calls, want 200 after 3", resp.StatusCode, calls.Load())
	}
}

func TestTransportDoesNotRetryAnUnreplayableBody(t *testing.T) {
	t.Parallel()
	k, _ := GenerateKey()
	var calls atomic.Int32
	srv := nonceServer(t, &calls)
	defer srv.Close()
	src := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "bound-token", TokenType: "DPoP"})
	req, _ := http.NewRequest("POST", srv.URL, io.NopCloser(strings.NewReader("once")))
	req.GetBody = nil
	resp, err := (&Transport{Source: src, Key: k}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || calls.Load() != 1 {
		t.Errorf("got %d after %d calls, want the 401 after 1", resp.StatusCode, calls.Load())
	}
}

func TestTransportSendsOtherTokensAsBearer(t *testing.T) {
	t.Parallel()
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization") + "|" + r.Header.Get("DPoP")
	}))
	defer srv.Close()
	src := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "plain", TokenType: "Bearer"})
	resp, err := (&http.Client{Transport: &Transport{Source: src}}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got != "Bearer plain|" {
		t.Errorf("headers = %q, want a Bearer token and no proof", got)
	}
}

func TestTransportNeedsAKeyForDPoPTokens(t *testing.T) {
	t.Parallel()
	src := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "bound-token", TokenType: "dpop"})
	req, _ := http.NewRequest("GET", "http://127.0.0.1:1/", nil)
	if _, err := (&Transport{Source: src}).RoundTrip(req); !errors.Is(err, ErrNoKey) {
		t.Errorf("err = %v, want ErrNoKey", err)
	}
}

func TestParsePrivateKeyPEM(t *testing.T) {
	t.Parallel()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(ec)
	sec1, _ := x509.MarshalECPrivateKey(ec)
	want, _ := NewKey(ec)
	for name, doc := range map[string]string{
		"pkcs8":            string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
		"sec1":             string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1})),
		"escaped newlines": strings.ReplaceAll(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})), "\n", `\n`),
	} {
		k, err := ParsePrivateKeyPEM(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if k.Thumbprint() != want.Thumbprint() || k.Alg() != ES256 {
			t.Errorf("%s: another key (%s %s)", name, k.Alg(), k.Thumbprint())
		}
	}
	if _, err := ParsePrivateKeyPEM("not pem"); err == nil {
		t.Error("no key in the data, yet no error")
	}
	bad := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("garbage")}))
	if _, err := ParsePrivateKeyPEM(bad); err == nil || strings.Contains(err.Error(), "garbage") || !strings.HasPrefix(err.Error(), "dpop: ") {
		t.Errorf("err = %v", err)
	}
}
