package provider

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/authchain/authchain/dpop"
)

// TestDPoPKeyTheProviderDoesNotAccept: a provider whose metadata lists the proof algorithms
// it accepts, without the key's, gets no token request; the error names both.
func TestDPoPKeyTheProviderDoesNotAccept(t *testing.T) {
	t.Parallel()
	token, rec := server(t, 200, `{"access_token":"at","token_type":"DPoP"}`)
	disc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":%q,"token_endpoint":%q,"jwks_uri":%q,
			"response_types_supported":["code"],"subject_types_supported":["public"],
			"id_token_signing_alg_values_supported":["RS256"],"dpop_signing_alg_values_supported":["RS256","PS256"]}`,
			"http://"+r.Host, token.URL+"/authorize", token.URL+"/token", token.URL+"/jwks")
	}))
	t.Cleanup(disc.Close)
	key, _ := dpop.GenerateKey()
	p, err := New(Config{
		Issuer: disc.URL, ClientID: "client", ClientSecret: "top-secret",
		RedirectURI: "https://app.example.com/auth/callback", AllowInsecureRequests: true, DPoP: key,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Refresh(t.Context(), RefreshRequest{RefreshToken: "rt"})
	if err == nil || !strings.Contains(err.Error(), "ES256") || !strings.Contains(err.Error(), "RS256") {
		t.Errorf("Refresh: %v, want an error naming ES256 and the provider's algorithms", err)
	}
	if method, _, _ := rec.get(); method != "" {
		t.Errorf("the token endpoint got a %s request", method)
	}
}

// TestDPoPNonceRetry: an answer use_dpop_nonce with a new nonce (400, or 401 as some servers
// send it) is sent once more with the nonce; a second refusal is the caller's error.
func TestDPoPNonceRetry(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusBadRequest, http.StatusUnauthorized} {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := calls.Add(1)
			w.Header().Set("DPoP-Nonce", fmt.Sprint("nonce-", n))
			w.WriteHeader(status)
			fmt.Fprint(w, `{"error":"use_dpop_nonce"}`)
		}))
		key, _ := dpop.GenerateKey()
		err := postForm(t.Context(), srv.Client(), call{what: "token endpoint", url: srv.URL, form: refreshForm(), dpop: key}, nil)
		srv.Close()
		var pe *Error
		if !errors.As(err, &pe) || pe.Code != "use_dpop_nonce" || calls.Load() != 2 {
			t.Errorf("status %d: %v after %d calls, want the second refusal after 2", status, err, calls.Load())
		}
	}
}
