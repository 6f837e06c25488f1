package oidctest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain/oidctest"
)

func pushedRequest(verifier string) url.Values {
	return url.Values{
		"response_type": {"code"}, "redirect_uri": {testRedirectURI}, "scope": {"openid"}, "state": {"par-state"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"},
	}
}

func TestPAR(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	verifier := oauth2.GenerateVerifier()
	status, body := post(t, srv, oidctest.EndpointPAR, pushedRequest(verifier), testClientID, testSecret)
	uri, _ := body["request_uri"].(string)
	if status != http.StatusCreated || !strings.HasPrefix(uri, "urn:ietf:params:oauth:request_uri:") || body["expires_in"] != float64(60) {
		t.Fatalf("push: %d %v", status, body)
	}
	authURL := srv.URL(oidctest.EndpointAuthorize) + "?" + url.Values{"client_id": {testClientID}, "request_uri": {uri}}.Encode()
	cb := r.authorize(authURL)
	if cb.Query().Get("state") != "par-state" || cb.Query().Get("code") == "" {
		t.Fatalf("callback %s", cb)
	}
	if _, err := r.conf.Exchange(r.ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier)); err != nil {
		t.Fatalf("exchange: %v", err)
	}
	// A request_uri works once.
	resp := r.get(authURL)
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
		t.Fatalf("second use: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestPARRefusals(t *testing.T) {
	t.Parallel()
	other := oidctest.Client{ID: "other", Secret: "other-secret", RedirectURIs: []string{testRedirectURI}}
	for _, tc := range []struct {
		name string
		// push edits the pushed request; authorize edits the front-channel one.
		push      func(url.Values)
		user      string
		pass      string
		wantPush  int
		prepare   func(*oidctest.Server)
		authorize func(url.Values)
	}{
		{name: "wrong secret", push: func(url.Values) {}, user: testClientID, pass: "nope", wantPush: 401},
		{name: "unregistered redirect", push: func(f url.Values) { f.Set("redirect_uri", "http://127.0.0.1/evil") }, user: testClientID, pass: testSecret, wantPush: 400},
		{name: "missing PKCE", push: func(f url.Values) { f.Del("code_challenge") }, user: testClientID, pass: testSecret, wantPush: 400},
		{name: "nested request_uri", push: func(f url.Values) { f.Set("request_uri", "urn:x") }, user: testClientID, pass: testSecret, wantPush: 400},
		{name: "expired request_uri", push: func(url.Values) {}, user: testClientID, pass: testSecret, wantPush: 201,
			prepare: func(s *oidctest.Server) { s.Advance(61 * time.Second) }},
		{name: "another client's request_uri", push: func(url.Values) {}, user: testClientID, pass: testSecret, wantPush: 201,
			authorize: func(q url.Values) { q.Set("client_id", "other") }},
		{name: "unknown request_uri", push: func(url.Values) {}, user: testClientID, pass: testSecret, wantPush: 201,
			authorize: func(q url.Values) { q.Set("request_uri", "urn:ietf:params:oauth:request_uri:forged") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithClient(other))
			r := newRP(t, srv, confidentialClient())
			form := pushedRequest(oauth2.GenerateVerifier())
			tc.push(form)
			status, body := post(t, srv, oidctest.EndpointPAR, form, tc.user, tc.pass)
			if status != tc.wantPush {
				t.Fatalf("push: %d %v, want %d", status, body, tc.wantPush)
			}
			if status != http.StatusCreated {
				return
			}
			if tc.prepare != nil {
				tc.prepare(srv)
			}
			q := url.Values{"client_id": {testClientID}, "request_uri": {body["request_uri"].(string)}}
			if tc.authorize != nil {
				tc.authorize(q)
			}
			resp := r.get(srv.URL(oidctest.EndpointAuthorize) + "?" + q.Encode())
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
				t.Fatalf("authorize: status %d location %q, want 400", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
}
