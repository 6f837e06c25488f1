package oidctest_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/authchain/authchain/oidctest"
)

func TestRevokeRefreshTokenRevokesFamily(t *testing.T) {
	t.Parallel()
	srv, r, l := offlineLogin(t)
	status, _ := post(t, srv, oidctest.EndpointRevocation, url.Values{"token": {l.token.RefreshToken}, "token_type_hint": {"refresh_token"}}, testClientID, testSecret)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if _, err := r.refresh(l.token.RefreshToken); oauthCode(err) != "invalid_grant" {
		t.Errorf("refresh after revocation: %v", err)
	}
	if _, err := r.userinfo(l.token.AccessToken); err == nil {
		t.Error("access token of the revoked grant still accepted")
	}
}

func TestRevokeAccessTokenOnly(t *testing.T) {
	t.Parallel()
	srv, r, l := offlineLogin(t)
	// client_secret_post this time, and a wrong hint, which must not matter.
	form := url.Values{"token": {l.token.AccessToken}, "token_type_hint": {"refresh_token"}, "client_id": {testClientID}, "client_secret": {testSecret}}
	if status, body := post(t, srv, oidctest.EndpointRevocation, form, "", ""); status != http.StatusOK {
		t.Fatalf("status %d %v", status, body)
	}
	if _, err := r.userinfo(l.token.AccessToken); err == nil {
		t.Error("revoked access token accepted")
	}
	if _, err := r.refresh(l.token.RefreshToken); err != nil {
		t.Errorf("refresh token revoked with the access token: %v", err)
	}
}

func TestRevocationRefusals(t *testing.T) {
	t.Parallel()
	other := oidctest.Client{ID: "other", Secret: "other-secret", RedirectURIs: []string{testRedirectURI}}
	srv, r, l := offlineLogin(t, oidctest.WithClient(other))
	for _, tc := range []struct {
		name       string
		form       url.Values
		user, pass string
		wantStatus int
		wantCode   string
	}{
		{"unknown token is fine", url.Values{"token": {"forged"}}, testClientID, testSecret, 200, ""},
		{"missing token", url.Values{}, testClientID, testSecret, 400, "invalid_request"},
		{"unsupported hint", url.Values{"token": {"x"}, "token_type_hint": {"id_token"}}, testClientID, testSecret, 400, "unsupported_token_type"},
		{"wrong secret", url.Values{"token": {l.token.RefreshToken}}, testClientID, "nope", 401, "invalid_client"},
		{"another client's token", url.Values{"token": {l.token.RefreshToken}}, "other", "other-secret", 400, "invalid_request"},
	} {
		status, body := post(t, srv, oidctest.EndpointRevocation, tc.form, tc.user, tc.pass)
		if status != tc.wantStatus || tc.wantCode != "" && body["error"] != tc.wantCode {
			t.Errorf("%s: %d %v, want %d %s", tc.name, status, body, tc.wantStatus, tc.wantCode)
		}
	}
	if _, err := r.refresh(l.token.RefreshToken); err != nil {
		t.Errorf("a refused revocation revoked the token: %v", err)
	}
}
