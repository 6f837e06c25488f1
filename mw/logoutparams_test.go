package mw

import (
	"net/http"
	"strings"
	"testing"
)

func TestLogoutPassesStateAndFederatedToTheProvider(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, method, query, form string
		state                     string
		federated                 bool
	}{
		{"nothing", http.MethodGet, "", "", "", false},
		{"state", http.MethodGet, "?state=s1", "", "s1", false},
		{"federated without value", http.MethodGet, "?federated", "", "", true},
		{"federated=true", http.MethodGet, "?federated=true&state=s2", "", "s2", true},
		{"federated=false", http.MethodGet, "?federated=false", "", "", false},
		{"form", http.MethodPost, "", "federated=&state=s3", "s3", true},
		{"form over query", http.MethodPost, "?state=q&federated", "state=f&federated=false", "f", false},
		{"query of a post", http.MethodPost, "?state=q&federated", "", "q", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			rt.idp.logoutTarget = testEndSessionURL
			b := signedInWithLoginInProgress(rt)
			r := b.request(tc.method, "/auth/logout"+tc.query, strings.NewReader(tc.form))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			b.do(rt.logout(), r)
			if len(rt.idp.logouts) != 1 {
				t.Fatalf("LogoutURL called %d times", len(rt.idp.logouts))
			}
			if got := rt.idp.logouts[0]; got.State != tc.state || got.Federated != tc.federated {
				t.Errorf("LogoutURL got state %q federated %v, want %q %v", got.State, got.Federated, tc.state, tc.federated)
			}
		})
	}
}
