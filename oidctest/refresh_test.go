package oidctest_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/authchain/authchain/oidctest"
)

func offlineLogin(t *testing.T, opts ...oidctest.Option) (*oidctest.Server, *rp, login) {
	t.Helper()
	srv := newServer(t, append([]oidctest.Option{oidctest.WithClient(confidentialClient())}, opts...)...)
	r := newRP(t, srv, confidentialClient(), oidc.ScopeOpenID, "email", oidc.ScopeOfflineAccess)
	return srv, r, r.login()
}

func refreshForm(rt string, extra ...string) url.Values {
	f := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

func TestRefreshRotatesAndReissuesIDToken(t *testing.T) {
	t.Parallel()
	srv, r, l := offlineLogin(t)
	srv.Advance(time.Minute)
	// x/oauth2 refreshes an expired token and keeps the rotated refresh token.
	l.token.Expiry = time.Now().Add(-time.Second)
	tok, err := r.conf.TokenSource(r.ctx, l.token).Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.RefreshToken == l.token.RefreshToken {
		t.Fatalf("refresh token not rotated: %q", tok.RefreshToken)
	}
	if tok.AccessToken == l.token.AccessToken {
		t.Fatal("same access token after refresh")
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := r.verifier.Verify(r.ctx, raw)
	if err != nil {
		t.Fatalf("refreshed ID token: %v", err)
	}
	if id.Subject != l.idToken.Subject || !id.IssuedAt.After(l.idToken.IssuedAt) {
		t.Errorf("refreshed ID token sub %q iat %v", id.Subject, id.IssuedAt)
	}
	var a, b struct {
		SID      string `json:"sid"`
		AuthTime int64  `json:"auth_time"`
	}
	_ = l.idToken.Claims(&a)
	_ = id.Claims(&b)
	if a != b {
		t.Errorf("sid/auth_time changed on refresh: %+v → %+v", a, b)
	}
	if err := id.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("at_hash: %v", err)
	}
	if n := srv.Count(oidctest.EndpointToken, "refresh_token"); n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
}

func TestRefreshTokenReuseRevokesFamily(t *testing.T) {
	t.Parallel()
	srv, r, l := offlineLogin(t)
	second, err := r.refresh(l.token.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	third, err := r.refresh(second.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.RefreshTokenReuses(); n != 0 {
		t.Fatalf("%d reuses after two rotations, want 0", n)
	}
	if _, err := r.refresh(l.token.RefreshToken); oauthCode(err) != "invalid_grant" {
		t.Fatalf("reuse of a rotated token: %v, want invalid_grant", err)
	}
	if n := srv.RefreshTokenReuses(); n != 1 {
		t.Errorf("%d reuses recorded, want 1", n)
	}
	if _, err := r.refresh(third.RefreshToken); oauthCode(err) != "invalid_grant" {
		t.Errorf("latest token of the family after reuse: %v, want invalid_grant", err)
	}
	if _, err := r.userinfo(third.AccessToken); err == nil {
		t.Error("access token of the revoked family still accepted")
	}
}

func TestRefreshTokenReuseGrace(t *testing.T) {
	t.Parallel()
	srv, r, l := offlineLogin(t, oidctest.WithRefreshTokenReuseGrace(30*time.Second), oidctest.WithClock(time.Now()))
	a, err := r.refresh(l.token.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(10 * time.Second)
	b, err := r.refresh(l.token.RefreshToken) // a concurrent refresh that lost the race
	if err != nil {
		t.Fatalf("reuse within the grace period: %v", err)
	}
	if b.RefreshToken == a.RefreshToken {
		t.Error("reuse within the grace period returned the same refresh token")
	}
	if n := srv.RefreshTokenReuses(); n != 0 {
		t.Errorf("a reuse within the grace period was counted (%d)", n)
	}
	srv.Advance(21 * time.Second)
	if _, err := r.refresh(l.token.RefreshToken); oauthCode(err) != "invalid_grant" {
		t.Fatalf("reuse after the grace period: %v, want invalid_grant", err)
	}
	if _, err := r.refresh(a.RefreshToken); oauthCode(err) != "invalid_grant" {
		t.Errorf("family not revoked: %v", err)
	}
}

func TestRefreshScopeAndAudience(t *testing.T) {
	t.Parallel()
	const api = "https://api.example.com"
	srv, _, l := offlineLogin(t)
	status, body := post(t, srv, oidctest.EndpointToken, refreshForm(l.token.RefreshToken, "scope", "email offline_access", "audience", api), testClientID, testSecret)
	if status != http.StatusOK {
		t.Fatalf("%d %v", status, body)
	}
	if _, ok := body["id_token"]; ok {
		t.Error("id_token without openid in the refresh scope")
	}
	if body["scope"] != "email offline_access" {
		t.Errorf("scope %v", body["scope"])
	}
	_, claims := jwtParts(t, body["access_token"].(string))
	if claims["aud"] != api && !containsAny(claims["aud"], api) {
		t.Errorf("aud %v, want %s", claims["aud"], api)
	}
	if claims["scope"] != "email offline_access" {
		t.Errorf("access token scope %v", claims["scope"])
	}
	status, body = post(t, srv, oidctest.EndpointToken, refreshForm(body["refresh_token"].(string), "resource", "https://other.example.com"), testClientID, testSecret)
	if status != http.StatusOK {
		t.Fatalf("%d %v", status, body)
	}
	if _, claims = jwtParts(t, body["access_token"].(string)); !containsAny(claims["aud"], "https://other.example.com") {
		t.Errorf("resource aud %v", claims["aud"])
	}
	if _, ok := body["id_token"].(string); !ok {
		t.Error("no id_token though the grant had openid")
	}
}

func containsAny(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, v := range a {
			if v == want {
				return true
			}
		}
	}
	return false
}

func TestRefreshRefusals(t *testing.T) {
	t.Parallel()
	other := oidctest.Client{ID: "other", Secret: "other-secret", RedirectURIs: []string{testRedirectURI}}
	for _, tc := range []struct {
		name       string
		form       func(rt string) url.Values
		user, pass string
		prepare    func(*oidctest.Server)
		want       string
	}{
		{"unknown token", func(string) url.Values { return refreshForm("forged") }, testClientID, testSecret, nil, "invalid_grant"},
		{"missing token", func(string) url.Values { return refreshForm("") }, testClientID, testSecret, nil, "invalid_request"},
		{"another client", refreshFormOf, "other", "other-secret", nil, "invalid_grant"},
		{"wider scope", func(rt string) url.Values { return refreshForm(rt, "scope", "openid admin") }, testClientID, testSecret, nil, "invalid_scope"},
		{"bad resource", func(rt string) url.Values { return refreshForm(rt, "resource", "relative") }, testClientID, testSecret, nil, "invalid_target"},
		{"expired", refreshFormOf, testClientID, testSecret, func(s *oidctest.Server) { s.Advance(31 * 24 * time.Hour) }, "invalid_grant"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _, l := offlineLogin(t, oidctest.WithClient(other))
			if tc.prepare != nil {
				tc.prepare(srv)
			}
			status, body := post(t, srv, oidctest.EndpointToken, tc.form(l.token.RefreshToken), tc.user, tc.pass)
			if status != http.StatusBadRequest || body["error"] != tc.want {
				t.Fatalf("%d %v, want 400 %s", status, body, tc.want)
			}
		})
	}
}

func refreshFormOf(rt string) url.Values { return refreshForm(rt) }

func TestRefusedRefreshLeavesTokenUnused(t *testing.T) {
	t.Parallel()
	srv, r, l := offlineLogin(t)
	status, body := post(t, srv, oidctest.EndpointToken, refreshForm(l.token.RefreshToken, "scope", "admin"), testClientID, testSecret)
	if status != http.StatusBadRequest || body["error"] != "invalid_scope" {
		t.Fatalf("%d %v", status, body)
	}
	if _, err := r.refresh(l.token.RefreshToken); err != nil {
		t.Fatalf("refresh after a refused refresh: %v", err)
	}
}
