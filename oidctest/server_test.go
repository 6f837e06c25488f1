package oidctest_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/authchain/authchain/oidctest"
)

func TestDiscoveryListsEveryEndpoint(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	if strings.HasSuffix(srv.Issuer(), "/") || !strings.HasPrefix(srv.Issuer(), "http://127.0.0.1:") {
		t.Fatalf("issuer %q: want http://127.0.0.1:PORT without trailing slash", srv.Issuer())
	}
	resp, err := srv.HTTPClient().Get(srv.Issuer() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]oidctest.Endpoint{
		"authorization_endpoint":                oidctest.EndpointAuthorize,
		"token_endpoint":                        oidctest.EndpointToken,
		"userinfo_endpoint":                     oidctest.EndpointUserinfo,
		"jwks_uri":                              oidctest.EndpointJWKS,
		"end_session_endpoint":                  oidctest.EndpointEndSession,
		"revocation_endpoint":                   oidctest.EndpointRevocation,
		"pushed_authorization_request_endpoint": oidctest.EndpointPAR,
	}
	if doc["issuer"] != srv.Issuer() {
		t.Errorf("issuer %v, want %q", doc["issuer"], srv.Issuer())
	}
	for field, e := range want {
		if doc[field] != srv.URL(e) {
			t.Errorf("%s = %v, want %s", field, doc[field], srv.URL(e))
		}
	}
	for _, field := range []string{"authorization_response_iss_parameter_supported", "backchannel_logout_supported", "backchannel_logout_session_supported"} {
		if doc[field] != true {
			t.Errorf("%s = %v, want true", field, doc[field])
		}
	}
	if got := doc["code_challenge_methods_supported"]; len(got.([]any)) != 1 || got.([]any)[0] != "S256" {
		t.Errorf("code_challenge_methods_supported = %v, want [S256]", got)
	}
}

func TestGoOIDCAcceptsDiscovery(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{"RS256", "ES256"} {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			srv := oidctest.NewServer(t, oidctest.WithSigningAlg(alg))
			p, err := oidc.NewProvider(oidc.ClientContext(t.Context(), srv.HTTPClient()), srv.Issuer())
			if err != nil {
				t.Fatal(err)
			}
			var claims struct {
				Algs []string `json:"id_token_signing_alg_values_supported"`
			}
			if err := p.Claims(&claims); err != nil || len(claims.Algs) != 1 || claims.Algs[0] != alg {
				t.Fatalf("algs %v (%v), want [%s]", claims.Algs, err, alg)
			}
		})
	}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithTLS(), oidctest.WithClient(confidentialClient()))
	if !strings.HasPrefix(srv.Issuer(), "https://127.0.0.1:") {
		t.Fatalf("issuer %q, want https", srv.Issuer())
	}
	if _, err := http.Get(srv.URL(oidctest.EndpointDiscovery)); err == nil {
		t.Fatal("a client that does not trust the certificate connected")
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	plain := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := plain.Get(srv.URL(oidctest.EndpointDiscovery))
	if err != nil {
		t.Fatalf("a client trusting Certificate(): %v", err)
	}
	resp.Body.Close()
	l := newRP(t, srv, confidentialClient()).login()
	if l.idToken.Issuer != srv.Issuer() {
		t.Fatalf("iss %q, want %q", l.idToken.Issuer, srv.Issuer())
	}
}

func TestNewStartClose(t *testing.T) {
	t.Parallel()
	srv, err := oidctest.New()
	if err != nil {
		t.Fatal(err)
	}
	if srv.Issuer() != "" || srv.HTTPClient() != nil {
		t.Fatal("issuer or client before Start")
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err == nil {
		t.Fatal("second Start succeeded")
	}
	resp, err := srv.HTTPClient().Get(srv.URL(oidctest.EndpointJWKS))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("JWKS: %v %v", resp, err)
	}
	resp.Body.Close()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := http.Get(srv.URL(oidctest.EndpointJWKS)); err == nil {
		t.Fatal("server still answers after Close")
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]oidctest.Option{
		"alg":                oidctest.WithSigningAlg("HS256"),
		"client without id":  oidctest.WithClient(oidctest.Client{Secret: "s"}),
		"no credentials":     oidctest.WithClient(oidctest.Client{ID: "x"}),
		"public with secret": oidctest.WithClient(oidctest.Client{ID: "x", Secret: "s", Public: true}),
		"relative redirect":  oidctest.WithClient(oidctest.Client{ID: "x", Secret: "s", RedirectURIs: []string{"/cb"}}),
		"fragment redirect":  oidctest.WithClient(oidctest.Client{ID: "x", Secret: "s", RedirectURIs: []string{"https://a.example/cb#x"}}),
		"zero lifetime":      oidctest.WithIDTokenLifetime(0),
	} {
		if _, err := oidctest.New(opt); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

func TestParallelServersShareNothing(t *testing.T) {
	t.Parallel()
	for i := range 8 {
		sub := fmt.Sprintf("user-%d", i)
		t.Run(sub, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, oidctest.WithClient(confidentialClient()))
			srv.QueueLogin(oidctest.User{Subject: sub})
			srv.Advance(time.Duration(i) * time.Hour)
			l := newRP(t, srv, confidentialClient()).login()
			if l.idToken.Subject != sub {
				t.Errorf("logged in %q, want %q", l.idToken.Subject, sub)
			}
			if d := time.Until(l.idToken.IssuedAt); d < time.Duration(i)*time.Hour-time.Minute || d > time.Duration(i)*time.Hour+time.Minute {
				t.Errorf("iat is %v from now, want about %dh", d, i)
			}
		})
	}
}

func TestSessionCookieIsPerServer(t *testing.T) {
	t.Parallel()
	a := newServer(t, oidctest.WithClient(confidentialClient()))
	b := newServer(t, oidctest.WithClient(confidentialClient()))
	a.QueueLogin(oidctest.User{Subject: "alice"})
	ra, rb := newRP(t, a, confidentialClient()), newRP(t, b, confidentialClient())
	rb.browser.Jar = ra.browser.Jar // one browser, two providers on the same host
	if sub := ra.login().idToken.Subject; sub != "alice" {
		t.Fatalf("a: %q", sub)
	}
	if sub := rb.login().idToken.Subject; sub != oidctest.DefaultUser().Subject {
		t.Fatalf("b logged in %q through a's session, want the default user", sub)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	req, _ := http.NewRequest(http.MethodOptions, srv.URL(oidctest.EndpointToken), nil)
	req.Header.Set("Origin", "http://127.0.0.1:5173")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:5173" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	req, _ = http.NewRequest(http.MethodGet, srv.URL(oidctest.EndpointAuthorize), nil)
	req.Header.Set("Origin", "http://127.0.0.1:5173")
	resp, err = srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("the authorize endpoint allows cross-origin reads")
	}
}

func TestLogoutTokenBeforeStart(t *testing.T) {
	t.Parallel()
	srv, err := oidctest.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.LogoutToken(oidctest.LogoutTokenOptions{ClientID: "app", Subject: "u"}); !errors.Is(err, oidctest.ErrNotStarted) {
		t.Fatalf("err %v, want ErrNotStarted", err)
	}
}
