package oidctest_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain/oidctest"
)

var interactionField = regexp.MustCompile(`name="interaction" value="([^"]+)"`)

// openForm starts a login and returns the form's interaction id.
func openForm(t *testing.T, r *rp, authURL string) string {
	t.Helper()
	resp, err := r.browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := interactionField.FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || m == nil {
		t.Fatalf("status %d %q: no login form", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`name="name"`, `name="email"`, `value="cancel"`, `action="/login"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("form lacks %s", want)
		}
	}
	return string(m[1])
}

func submitForm(t *testing.T, r *rp, form url.Values) *http.Response {
	t.Helper()
	resp, err := r.browser.PostForm(r.srv.URL(oidctest.EndpointLogin), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestLoginForm(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithLoginForm())
	r := newRP(t, srv, confidentialClient())
	verifier := oauth2.GenerateVerifier()
	authURL := r.conf.AuthCodeURL("form-state", oauth2.S256ChallengeOption(verifier))
	id := openForm(t, r, authURL)

	if resp := submitForm(t, r, url.Values{"interaction": {id}, "action": {"login"}, "name": {"  "}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("empty name: status %d", resp.StatusCode)
	}
	id = openForm(t, r, authURL)
	resp := submitForm(t, r, url.Values{"interaction": {id}, "action": {"login"}, "name": {"Ada Lovelace"}, "email": {"ada@example.com"}})
	loc, err := resp.Location()
	if err != nil || loc.Query().Get("state") != "form-state" {
		t.Fatalf("status %d location %v", resp.StatusCode, loc)
	}
	tok, err := r.conf.Exchange(r.ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := r.verifier.Verify(r.ctx, tok.Extra("id_token").(string))
	if err != nil {
		t.Fatal(err)
	}
	var claims struct{ Name, Email string }
	_ = idt.Claims(&claims)
	if idt.Subject != "Ada Lovelace" || claims.Name != "Ada Lovelace" || claims.Email != "ada@example.com" {
		t.Errorf("sub %q claims %+v", idt.Subject, claims)
	}
	// The interaction is used up.
	if resp := submitForm(t, r, url.Values{"interaction": {id}, "action": {"login"}, "name": {"Eve"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("reused form: status %d", resp.StatusCode)
	}
	// Single sign-on: the second login shows no form.
	if cb := r.authorize(authURL); cb.Query().Get("code") == "" {
		t.Errorf("second login: %s", cb)
	}
}

func TestLoginFormCancel(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithLoginForm())
	r := newRP(t, srv, confidentialClient())
	id := openForm(t, r, r.conf.AuthCodeURL("cancel-state", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	resp := submitForm(t, r, url.Values{"interaction": {id}, "action": {"cancel"}})
	loc, err := resp.Location()
	if err != nil {
		t.Fatal(err)
	}
	if q := loc.Query(); q.Get("error") != "access_denied" || q.Get("state") != "cancel-state" || q.Get("iss") != srv.Issuer() {
		t.Fatalf("redirect %s", loc)
	}
	if len(srv.Sessions()) != 0 {
		t.Error("a cancelled login created a session")
	}
}

func TestLoginFormSubjectComesFromTheOption(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithLoginForm(),
		oidctest.WithLoginFormSubject(func(name string) string { return "demo|" + strings.ToLower(name) }))
	r := newRP(t, srv, confidentialClient())
	verifier := oauth2.GenerateVerifier()
	id := openForm(t, r, r.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)))
	resp := submitForm(t, r, url.Values{"interaction": {id}, "action": {"login"}, "name": {" Ada "}})
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	tok, err := r.conf.Exchange(r.ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := r.verifier.Verify(r.ctx, tok.Extra("id_token").(string))
	if err != nil {
		t.Fatal(err)
	}
	var claims struct{ Name string }
	_ = idt.Claims(&claims)
	if idt.Subject != "demo|ada" || claims.Name != "Ada" {
		t.Errorf("sub %q name %q, want demo|ada and Ada", idt.Subject, claims.Name)
	}
}
