package authchain_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/authchain/authchain/oidctest"
)

func TestLoginEndToEnd(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	app.IdP.QueueLogin(oidctest.User{Subject: "alice", Claims: map[string]any{
		"name": "Alice", "email": "alice@example.com", "department": "R&D",
	}})
	b := newBrowser(t, true)
	resp, body := app.login(b, "/dashboard?tab=1")
	if resp.StatusCode != http.StatusOK || body != "user: alice path: /dashboard" {
		t.Fatalf("after login: %d %q", resp.StatusCode, body)
	}
	if resp.Request.URL.RawQuery != "tab=1" {
		t.Errorf("returnTo query lost: %q", resp.Request.URL.RawQuery)
	}
	if len(app.sessionCookies(b)) == 0 {
		t.Fatal("no session cookie")
	}
	if names := app.txnCookies(b); len(names) != 0 {
		t.Errorf("transaction cookies left behind: %v", names)
	}

	resp, body = b.get(app.URL + "/auth/profile")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("profile: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	var user map[string]any
	if err := json.Unmarshal([]byte(body), &user); err != nil {
		t.Fatal(err)
	}
	if user["sub"] != "alice" || user["name"] != "Alice" || user["email"] != "alice@example.com" {
		t.Errorf("profile = %v", user)
	}
	for _, k := range []string{"department", "nonce", "iss", "aud", "sid", "at_hash"} {
		if _, ok := user[k]; ok {
			t.Errorf("profile shows %q without a BeforeSessionSaved hook", k)
		}
	}
}

func TestProfileSignedOut(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{})
	resp, body := newBrowser(t, true).get(app.URL + "/auth/profile")
	if resp.StatusCode != http.StatusUnauthorized || body != "" {
		t.Errorf("signed-out profile: %d %q", resp.StatusCode, body)
	}
	if !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Error("signed-out profile is cacheable")
	}
}
