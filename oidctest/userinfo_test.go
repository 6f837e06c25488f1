package oidctest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/oidctest"
)

func TestUserinfo(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	srv.QueueLogin(oidctest.User{Subject: "bob", Claims: map[string]any{"name": "Bob", "email": "bob@example.com", "email_verified": true}})
	r := newRP(t, srv, confidentialClient())
	l := r.login()
	info, err := r.userinfo(l.token.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Name string `json:"name"`
	}
	_ = info.Claims(&claims)
	if info.Subject != "bob" || info.Email != "bob@example.com" || !info.EmailVerified || claims.Name != "Bob" {
		t.Fatalf("userinfo %+v %+v", info, claims)
	}

	// RFC 6750 §2.2: the token may also come in a form body.
	status, body := post(t, srv, oidctest.EndpointUserinfo, url.Values{"access_token": {l.token.AccessToken}}, "", "")
	if status != http.StatusOK || body["sub"] != "bob" {
		t.Fatalf("form-encoded token: %d %v", status, body)
	}
}

func TestUserinfoRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		token      func(t *testing.T, srv *oidctest.Server, l login) string
		wantStatus int
		wantError  string
	}{
		{"no token", func(*testing.T, *oidctest.Server, login) string { return "" }, 401, ""},
		{"garbage", func(*testing.T, *oidctest.Server, login) string { return "garbage" }, 401, "invalid_token"},
		{"ID token", func(_ *testing.T, _ *oidctest.Server, l login) string { return l.rawID }, 401, "invalid_token"},
		{"expired", func(_ *testing.T, s *oidctest.Server, l login) string {
			s.Advance(time.Hour)
			return l.token.AccessToken
		}, 401, "invalid_token"},
		{"other audience", func(t *testing.T, s *oidctest.Server, _ login) string {
			_, body := post(t, s, oidctest.EndpointToken, url.Values{"grant_type": {"client_credentials"}, "audience": {"https://api.example"}}, testClientID, testSecret)
			return body["access_token"].(string)
		}, 401, "invalid_token"},
		{"client credentials token for userinfo", func(t *testing.T, s *oidctest.Server, _ login) string {
			_, body := post(t, s, oidctest.EndpointToken, url.Values{"grant_type": {"client_credentials"}, "scope": {"openid"}}, testClientID, testSecret)
			return body["access_token"].(string)
		}, 403, "insufficient_scope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, oidctest.WithClient(confidentialClient()))
			l := newRP(t, srv, confidentialClient()).login()
			req, _ := http.NewRequest(http.MethodGet, srv.URL(oidctest.EndpointUserinfo), nil)
			if tok := tc.token(t, srv, l); tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			resp, err := srv.HTTPClient().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			challenge := resp.Header.Get("WWW-Authenticate")
			if resp.StatusCode != tc.wantStatus || !strings.HasPrefix(challenge, "Bearer") || !strings.Contains(challenge, tc.wantError) {
				t.Fatalf("status %d challenge %q, want %d %s", resp.StatusCode, challenge, tc.wantStatus, tc.wantError)
			}
		})
	}
}
