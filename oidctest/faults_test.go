package oidctest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/authchain/authchain/oidctest"
)

func TestFailNextOAuthErrorOnToken(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	code, verifier := r.code()
	srv.FailNext(oidctest.EndpointToken, 2, oidctest.OAuthError("temporarily_unavailable", "try later", http.StatusServiceUnavailable))
	for i := range 2 {
		_, err := r.conf.Exchange(r.ctx, code, oauth2.VerifierOption(verifier))
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.ErrorCode != "temporarily_unavailable" || re.ErrorDescription != "try later" || re.Response.StatusCode != 503 {
			t.Fatalf("attempt %d: %v, want the injected error", i, err)
		}
	}
	// The faulted requests never reached the grant: the code is still good.
	if _, err := r.conf.Exchange(r.ctx, code, oauth2.VerifierOption(verifier)); err != nil {
		t.Fatalf("third attempt: %v", err)
	}
	if n := srv.Count(oidctest.EndpointToken, "authorization_code"); n != 3 {
		t.Errorf("Count = %d, want 3 (faulted requests are logged too)", n)
	}
}

func TestFailNextHTTPStatusOnDiscovery(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNext(oidctest.EndpointDiscovery, 1, oidctest.HTTPStatus(http.StatusInternalServerError))
	ctx := oidc.ClientContext(t.Context(), srv.HTTPClient())
	if _, err := oidc.NewProvider(ctx, srv.Issuer()); err == nil {
		t.Fatal("discovery succeeded during the fault")
	}
	if _, err := oidc.NewProvider(ctx, srv.Issuer()); err != nil {
		t.Fatalf("discovery after the fault: %v", err)
	}
}

func TestFailNextMalformedJSON(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNext(oidctest.EndpointJWKS, 1, oidctest.MalformedJSON())
	for i, wantValid := range []bool{false, true} {
		resp, err := srv.HTTPClient().Get(srv.URL(oidctest.EndpointJWKS))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || json.Valid(body) != wantValid {
			t.Fatalf("request %d: status %d valid JSON %v, want %v", i, resp.StatusCode, json.Valid(body), wantValid)
		}
	}
}

func TestFailNextLatency(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNext(oidctest.EndpointJWKS, 1, oidctest.Latency(300*time.Millisecond))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL(oidctest.EndpointJWKS), nil)
	if _, err := srv.HTTPClient().Do(req); err == nil {
		t.Fatal("a 50ms client got an answer from a 300ms endpoint")
	}

	srv.FailNext(oidctest.EndpointJWKS, 1, oidctest.Latency(100*time.Millisecond))
	start := time.Now()
	resp, err := srv.HTTPClient().Get(srv.URL(oidctest.EndpointJWKS))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if took := time.Since(start); took < 100*time.Millisecond || resp.StatusCode != http.StatusOK {
		t.Fatalf("took %v status %d, want ≥100ms and a normal answer", took, resp.StatusCode)
	}
}

func TestFailNextQueuesPerEndpoint(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNext(oidctest.EndpointJWKS, 1, oidctest.HTTPStatus(502))
	srv.FailNext(oidctest.EndpointJWKS, 1, oidctest.HTTPStatus(503))
	srv.FailNext(oidctest.EndpointJWKS, 0, oidctest.HTTPStatus(504)) // no-op
	get := func(e oidctest.Endpoint) int {
		resp, err := srv.HTTPClient().Get(srv.URL(e))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get(oidctest.EndpointDiscovery); s != 200 {
		t.Fatalf("discovery %d: a JWKS fault hit another endpoint", s)
	}
	for _, want := range []int{502, 503, 200} {
		if s := get(oidctest.EndpointJWKS); s != want {
			t.Fatalf("JWKS %d, want %d", s, want)
		}
	}
}

func TestFailNextAuthorizeRedirectsTheError(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	srv.FailNext(oidctest.EndpointAuthorize, 1, oidctest.OAuthError("server_error", "boom", 0))
	loc := r.authorize(r.conf.AuthCodeURL("s1", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	if q := loc.Query(); q.Get("error") != "server_error" || q.Get("error_description") != "boom" || q.Get("state") != "s1" || q.Get("iss") != srv.Issuer() {
		t.Fatalf("redirect %s", loc)
	}
	r.login() // the next request is served normally
}

func TestFailNextRedirect(t *testing.T) {
	t.Parallel()
	srv := oidctest.NewServer(t)
	srv.FailNext(oidctest.EndpointToken, 1, oidctest.Redirect(0, "http://127.0.0.1:1/elsewhere"))
	c := *srv.HTTPClient()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	// After the fault, the request without client credentials is refused normally.
	for i, want := range []int{http.StatusTemporaryRedirect, http.StatusUnauthorized} {
		resp, err := c.PostForm(srv.URL(oidctest.EndpointToken), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("request %d: status %d, want %d", i, resp.StatusCode, want)
		}
		if i == 0 && resp.Header.Get("Location") != "http://127.0.0.1:1/elsewhere" {
			t.Errorf("Location %q", resp.Header.Get("Location"))
		}
	}
}
