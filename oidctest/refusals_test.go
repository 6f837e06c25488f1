package oidctest_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/authchain/authchain/oidctest"
)

func TestTokenEndpointRefusals(t *testing.T) {
	t.Parallel()
	other := oidctest.Client{ID: "other", Secret: "other-secret", RedirectURIs: []string{testRedirectURI}}
	for _, tc := range []struct {
		name       string
		edit       func(srv *oidctest.Server, form url.Values, user, pass *string)
		wantStatus int
		wantCode   string
	}{
		{"wrong secret (basic)", func(_ *oidctest.Server, _ url.Values, _, p *string) { *p = "nope" }, 401, "invalid_client"},
		{"wrong secret (post)", func(_ *oidctest.Server, f url.Values, u, _ *string) {
			*u = ""
			f.Set("client_id", testClientID)
			f.Set("client_secret", "nope")
		}, 401, "invalid_client"},
		{"unknown client", func(_ *oidctest.Server, _ url.Values, u, _ *string) { *u = "ghost" }, 401, "invalid_client"},
		{"no client authentication", func(_ *oidctest.Server, f url.Values, u, _ *string) {
			*u = ""
			f.Set("client_id", testClientID)
		}, 401, "invalid_client"},
		{"two authentication methods", func(_ *oidctest.Server, f url.Values, _, _ *string) { f.Set("client_secret", testSecret) }, 400, "invalid_request"},
		{"code of another client", func(_ *oidctest.Server, _ url.Values, u, p *string) { *u, *p = "other", "other-secret" }, 400, "invalid_grant"},
		{"wrong redirect URI", func(_ *oidctest.Server, f url.Values, _, _ *string) { f.Set("redirect_uri", "http://127.0.0.1/other") }, 400, "invalid_grant"},
		{"missing redirect URI", func(_ *oidctest.Server, f url.Values, _, _ *string) { f.Del("redirect_uri") }, 400, "invalid_grant"},
		{"missing PKCE verifier", func(_ *oidctest.Server, f url.Values, _, _ *string) { f.Del("code_verifier") }, 400, "invalid_grant"},
		{"wrong PKCE verifier", func(_ *oidctest.Server, f url.Values, _, _ *string) {
			f.Set("code_verifier", "0123456789012345678901234567890123456789abcdef")
		}, 400, "invalid_grant"},
		{"unknown code", func(_ *oidctest.Server, f url.Values, _, _ *string) { f.Set("code", "forged") }, 400, "invalid_grant"},
		{"expired code", func(s *oidctest.Server, _ url.Values, _, _ *string) { s.Advance(61 * time.Second) }, 400, "invalid_grant"},
		{"repeated parameter", func(_ *oidctest.Server, f url.Values, _, _ *string) { f.Add("code", "again") }, 400, "invalid_request"},
		{"missing grant_type", func(_ *oidctest.Server, f url.Values, _, _ *string) { f.Del("grant_type") }, 400, "invalid_request"},
		{"unsupported grant_type", func(_ *oidctest.Server, f url.Values, _, _ *string) { f.Set("grant_type", "password") }, 400, "unsupported_grant_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithClient(other))
			code, verifier := newRP(t, srv, confidentialClient()).code()
			form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testRedirectURI}, "code_verifier": {verifier}}
			user, pass := testClientID, testSecret
			tc.edit(srv, form, &user, &pass)
			status, body := post(t, srv, oidctest.EndpointToken, form, user, pass)
			if status != tc.wantStatus || body["error"] != tc.wantCode {
				t.Fatalf("got %d %v, want %d %s", status, body, tc.wantStatus, tc.wantCode)
			}
			if body["error_description"] == "" {
				t.Error("no error_description")
			}
		})
	}
}

func TestTokenEndpointNeedsFormBody(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	resp, err := srv.HTTPClient().Post(srv.URL(oidctest.EndpointToken), "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", resp.StatusCode)
	}
	resp, err = srv.HTTPClient().Get(srv.URL(oidctest.EndpointToken))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET status %d, want 405", resp.StatusCode)
	}
}

func TestBasicAuthFailureChallenges(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	req, _ := http.NewRequest(http.MethodPost, srv.URL(oidctest.EndpointToken), nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(testClientID, "nope")
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("status %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func TestReplayedCodeRevokesWhatItIssued(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient(), oidc.ScopeOpenID, oidc.ScopeOfflineAccess)
	code, verifier := r.code()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testRedirectURI}, "code_verifier": {verifier}}
	status, first := post(t, srv, oidctest.EndpointToken, form, testClientID, testSecret)
	if status != http.StatusOK {
		t.Fatalf("first redemption: %d %v", status, first)
	}
	if _, err := r.userinfo(first["access_token"].(string)); err != nil {
		t.Fatalf("userinfo before the replay: %v", err)
	}
	status, body := post(t, srv, oidctest.EndpointToken, form, testClientID, testSecret)
	if status != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Fatalf("replay: %d %v, want invalid_grant", status, body)
	}
	if _, err := r.refresh(first["refresh_token"].(string)); oauthCode(err) != "invalid_grant" {
		t.Errorf("refresh token of the replayed code: %v, want invalid_grant", err)
	}
	if _, err := r.userinfo(first["access_token"].(string)); err == nil {
		t.Error("access token of the replayed code still accepted by userinfo")
	}
}

func TestAuthorizeRefusesWithoutRedirect(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	for name, q := range map[string]url.Values{
		"unknown client":         {"client_id": {"ghost"}, "redirect_uri": {testRedirectURI}},
		"unregistered redirect":  {"client_id": {testClientID}, "redirect_uri": {"http://127.0.0.1/evil"}},
		"redirect with a suffix": {"client_id": {testClientID}, "redirect_uri": {testRedirectURI + "/x"}},
		"missing redirect":       {"client_id": {testClientID}},
	} {
		q.Set("response_type", "code")
		resp, err := r.browser.Get(srv.URL(oidctest.EndpointAuthorize) + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("%s: status %d location %q, want 400 and no redirect", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestAuthorizeRedirectsErrors(t *testing.T) {
	t.Parallel()
	const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	for _, tc := range []struct {
		name string
		set  map[string]string
		del  string
		want string
	}{
		{"missing PKCE challenge", nil, "code_challenge", "invalid_request"},
		{"missing challenge method (plain)", nil, "code_challenge_method", "invalid_request"},
		{"plain PKCE", map[string]string{"code_challenge_method": "plain"}, "", "invalid_request"},
		{"malformed challenge", map[string]string{"code_challenge": "short"}, "", "invalid_request"},
		{"implicit flow", map[string]string{"response_type": "id_token"}, "", "unsupported_response_type"},
		{"form_post", map[string]string{"response_mode": "form_post"}, "", "invalid_request"},
		{"prompt none with login", map[string]string{"prompt": "none login"}, "", "invalid_request"},
		{"negative max_age", map[string]string{"max_age": "-1"}, "", "invalid_request"},
		{"relative resource", map[string]string{"resource": "api"}, "", "invalid_target"},
		{"request object", map[string]string{"request": "eyJ..."}, "", "request_not_supported"},
		{"prompt none without session", map[string]string{"prompt": "none"}, "", "login_required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, oidctest.WithClient(confidentialClient()))
			r := newRP(t, srv, confidentialClient())
			q := url.Values{
				"client_id": {testClientID}, "redirect_uri": {testRedirectURI}, "response_type": {"code"},
				"scope": {"openid"}, "state": {"xyz"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"},
			}
			for k, v := range tc.set {
				q.Set(k, v)
			}
			q.Del(tc.del)
			loc := r.authorize(srv.URL(oidctest.EndpointAuthorize) + "?" + q.Encode())
			got := loc.Query()
			if loc.Scheme+"://"+loc.Host+loc.Path != testRedirectURI || got.Get("error") != tc.want ||
				got.Get("state") != "xyz" || got.Get("iss") != srv.Issuer() || got.Get("code") != "" {
				t.Fatalf("redirect %s, want error %s with state and iss", loc, tc.want)
			}
		})
	}
}
