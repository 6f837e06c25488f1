package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/authchain/authchain/internal/clientauth"
)

// recorded is what a test server saw of the last request.
type recorded struct {
	mu     sync.Mutex
	method string
	header http.Header
	form   url.Values
}

func (r *recorded) get() (string, http.Header, url.Values) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.method, r.header, r.form
}

// server answers every request with status and body, recording the request.
func server(t *testing.T, status int, body string) (*httptest.Server, *recorded) {
	t.Helper()
	rec := &recorded{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(raw))
		rec.mu.Lock()
		rec.method, rec.header, rec.form = r.Method, r.Header.Clone(), form
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

// post sends form to endpoint the way every call to the provider goes.
func post(ctx context.Context, c *http.Client, endpoint string, form url.Values, auth clientauth.Authenticator, dst any) error {
	return postForm(ctx, c, call{what: "token endpoint", url: endpoint, form: form, auth: auth}, dst)
}

// op is a provider whose discovery document names its own /authorize, /token, /par and
// /revoke; every endpoint but discovery answers status and body, and records the request.
func op(t *testing.T, status int, body string) (*Provider, *recorded) {
	t.Helper()
	srv, rec := server(t, status, body)
	disc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":%q,"token_endpoint":%q,
			"pushed_authorization_request_endpoint":%q,"revocation_endpoint":%q,"jwks_uri":%q,
			"response_types_supported":["code"],"subject_types_supported":["public"],
			"id_token_signing_alg_values_supported":["RS256"]}`,
			"http://"+r.Host, srv.URL+"/authorize", srv.URL+"/token", srv.URL+"/par", srv.URL+"/revoke", srv.URL+"/jwks")
	}))
	t.Cleanup(disc.Close)
	p, err := New(Config{
		Issuer: disc.URL, ClientID: "client", ClientSecret: "top-secret",
		RedirectURI: "https://app.example.com/auth/callback", AllowInsecureRequests: true,
		PushedAuthorizationRequests: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, rec
}
