package oidctest_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain/oidctest"
)

// get sends the browser to rawURL and returns the response (closed).
func (r *rp) get(rawURL string) *http.Response {
	r.t.Helper()
	resp, err := r.browser.Get(rawURL)
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// loggedIn reports whether the provider still has a session for the browser.
func (r *rp) loggedIn() bool {
	r.t.Helper()
	loc := r.authorize(r.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("prompt", "none")))
	return loc.Query().Get("code") != ""
}

func TestEndSession(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	l := r.login()
	if !r.loggedIn() {
		t.Fatal("no provider session after login")
	}
	q := url.Values{"id_token_hint": {l.rawID}, "post_logout_redirect_uri": {testLogoutURI}, "state": {"bye"}}
	resp := r.get(srv.URL(oidctest.EndpointEndSession) + "?" + q.Encode())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != testLogoutURI+"?state=bye" {
		t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if len(srv.Sessions()) != 0 || r.loggedIn() {
		t.Fatal("session survived the logout")
	}
}

func TestEndSessionAcceptsExpiredHintAndClientID(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	l := r.login()
	srv.Advance(48 * time.Hour)
	q := url.Values{"id_token_hint": {l.rawID}, "client_id": {testClientID}, "post_logout_redirect_uri": {testLogoutURI}}
	if resp := r.get(srv.URL(oidctest.EndpointEndSession) + "?" + q.Encode()); resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d", resp.StatusCode)
	}
	// Without a redirect, a page says the user is logged out.
	if resp := r.get(srv.URL(oidctest.EndpointEndSession)); resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestEndSessionEndsTheHintedSessionWithoutCookie(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	l := newRP(t, srv, confidentialClient()).login()
	status, _ := post(t, srv, oidctest.EndpointEndSession, url.Values{"id_token_hint": {l.rawID}}, "", "")
	if status != http.StatusOK || len(srv.Sessions()) != 0 {
		t.Fatalf("status %d sessions %v", status, srv.Sessions())
	}
}

func TestEndSessionRefusals(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	foreign := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	l := r.login()
	fl := newRP(t, foreign, confidentialClient()).login()
	for name, q := range map[string]url.Values{
		"unregistered redirect":     {"id_token_hint": {l.rawID}, "post_logout_redirect_uri": {"http://127.0.0.1/evil"}},
		"redirect without a client": {"post_logout_redirect_uri": {testLogoutURI}},
		"hint of another provider":  {"id_token_hint": {fl.rawID}, "post_logout_redirect_uri": {testLogoutURI}},
		"client not in hint's aud":  {"id_token_hint": {l.rawID}, "client_id": {"other"}},
		"unknown client":            {"client_id": {"ghost"}, "post_logout_redirect_uri": {testLogoutURI}},
	} {
		resp := r.get(srv.URL(oidctest.EndpointEndSession) + "?" + q.Encode())
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("%s: status %d location %q", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if len(srv.Sessions()) != 1 {
		t.Error("a refused logout ended the session")
	}
}

func TestAuth0Logout(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	r.login()
	bad := url.Values{"returnTo": {"http://127.0.0.1/evil"}, "client_id": {testClientID}}
	if resp := r.get(srv.URL(oidctest.EndpointAuth0Logout) + "?" + bad.Encode()); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unregistered returnTo: status %d", resp.StatusCode)
	}
	if resp := r.get(srv.URL(oidctest.EndpointAuth0Logout) + "?returnTo=" + url.QueryEscape(testLogoutURI)); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("returnTo without client_id: status %d", resp.StatusCode)
	}
	good := url.Values{"returnTo": {testLogoutURI}, "client_id": {testClientID}}
	resp := r.get(srv.URL(oidctest.EndpointAuth0Logout) + "?" + good.Encode())
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != testLogoutURI {
		t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if r.loggedIn() {
		t.Fatal("session survived /v2/logout")
	}
	if resp := r.get(srv.URL(oidctest.EndpointAuth0Logout)); resp.StatusCode != http.StatusOK {
		t.Fatalf("without returnTo: status %d", resp.StatusCode)
	}
}
