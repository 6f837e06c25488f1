package authchain_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/oidctest"
)

// Version is a semantic version without a "v", as Go module tags carry it.
func TestVersionIsSemantic(t *testing.T) {
	if !regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`).MatchString(authchain.Version) {
		t.Fatalf("Version = %q, want MAJOR.MINOR.PATCH", authchain.Version)
	}
}

// Every request the application makes to the provider names authchain and its version, even
// through an HTTP client of the application's.
func TestUserAgentNamesVersion(t *testing.T) {
	a := newTestApp(t, appOptions{config: func(c *authchain.Config) { c.HTTPClient = &http.Client{} }})
	resp, body := a.login(newBrowser(t, true), "/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	want := "authchain/" + authchain.Version
	seen := map[oidctest.Endpoint]bool{}
	for _, r := range a.IdP.Requests() {
		switch r.Endpoint {
		case oidctest.EndpointDiscovery, oidctest.EndpointJWKS, oidctest.EndpointToken:
			seen[r.Endpoint] = true
			if got := r.Header.Get("User-Agent"); got != want {
				t.Errorf("%s request: User-Agent %q, want %q", r.Endpoint, got, want)
			}
		}
	}
	for _, e := range []oidctest.Endpoint{oidctest.EndpointDiscovery, oidctest.EndpointJWKS, oidctest.EndpointToken} {
		if !seen[e] {
			t.Errorf("no %s request recorded", e)
		}
	}
}
