package oidctest_test

import (
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/authchain/authchain/oidctest"
)

func TestRequestLog(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient(), oidc.ScopeOpenID, oidc.ScopeOfflineAccess)
	l := r.login()
	if _, err := r.refresh(l.token.RefreshToken); err != nil {
		t.Fatal(err)
	}
	var got []oidctest.Endpoint
	for _, req := range srv.Requests() {
		got = append(got, req.Endpoint)
	}
	want := []oidctest.Endpoint{oidctest.EndpointDiscovery, oidctest.EndpointAuthorize, oidctest.EndpointToken, oidctest.EndpointJWKS, oidctest.EndpointToken}
	if len(got) != len(want) {
		t.Fatalf("requests %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("requests %v, want %v", got, want)
		}
	}
	reqs := srv.Requests()
	if reqs[2].GrantType() != "authorization_code" || reqs[4].GrantType() != "refresh_token" || reqs[4].ClientID != testClientID {
		t.Errorf("token requests %+v %+v", reqs[2], reqs[4])
	}
	if reqs[1].Form.Get("code_challenge_method") != "S256" || reqs[1].Method != "GET" || reqs[1].Path != "/authorize" {
		t.Errorf("authorize request %+v", reqs[1])
	}
	if n := srv.Count(oidctest.EndpointToken, "refresh_token"); n != 1 {
		t.Errorf("Count refresh = %d, want 1", n)
	}
	if n := srv.Count(oidctest.EndpointToken, ""); n != 2 {
		t.Errorf("Count token = %d, want 2", n)
	}
	reqs[0].Form.Set("tampered", "yes")
	if srv.Requests()[0].Form.Get("tampered") != "" {
		t.Error("Requests returns the log itself, not a copy")
	}
	srv.ResetRequests()
	if len(srv.Requests()) != 0 {
		t.Error("ResetRequests kept requests")
	}
}

func TestRequestLogLimit(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithRequestLogLimit(2))
	for range 5 {
		resp, err := srv.HTTPClient().Get(srv.URL(oidctest.EndpointJWKS))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, err := srv.HTTPClient().Get(srv.Issuer() + "/nowhere")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[1].Endpoint != "" || reqs[1].Path != "/nowhere" || resp.StatusCode != 404 {
		t.Fatalf("log %+v", reqs)
	}
}
