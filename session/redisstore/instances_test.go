package redisstore_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// A session begun on one instance is the session of every instance: B shows the user and
// answers the profile route, and a session B writes again (rolled) works on A.
func TestSessionFromAWorksOnB(t *testing.T) {
	eachSessionMode(t, func(t *testing.T, mode sessionMode) {
		d := newDeployment(t, mode, singleClient)
		browser := d.login(d.A, "user_42")

		for _, on := range []*instance{d.B, d.A, d.B} {
			if r := d.get(browser, on, "/"); r.status != http.StatusOK || r.body != "user: user_42" {
				t.Fatalf("page on %s: %d %q", on.name, r.status, r.body)
			}
		}
		r := d.get(browser, d.B, "/auth/profile")
		var profile map[string]any
		if err := json.Unmarshal([]byte(r.body), &profile); err != nil || r.status != http.StatusOK || profile["sub"] != "user_42" {
			t.Errorf("profile on B: %d %q", r.status, r.body)
		}

		// Past the rolling threshold, B writes the session again; A reads what B wrote.
		d.IdP.Advance(2 * time.Minute)
		if r := d.get(browser, d.B, "/"); r.body != "user: user_42" || len(r.header.Values("Set-Cookie")) == 0 {
			t.Fatalf("rolled on B: %q, Set-Cookie %q", r.body, r.header.Values("Set-Cookie"))
		}
		if r := d.get(browser, d.A, "/"); r.body != "user: user_42" {
			t.Errorf("on A after B rolled the session: %d %q", r.status, r.body)
		}
		// Through the load balancer, taking turns.
		served := map[string]bool{}
		for range 4 {
			r := d.get(browser, nil, "/")
			if r.body != "user: user_42" {
				t.Errorf("page from %s: %d %q", r.servedBy, r.status, r.body)
			}
			served[r.servedBy] = true
		}
		if !served["A"] || !served["B"] {
			t.Errorf("the load balancer used %v, want both instances", served)
		}
	})
}

// 20 requests of one session whose access token has expired, spread over both instances at
// once, make one refresh at the provider, spend no refresh token twice, and all get the same
// new token; the session keeps it and the rotated refresh token, on both instances.
func TestConcurrentRefreshesOverTwoInstancesRefreshOnce(t *testing.T) {
	eachSessionMode(t, func(t *testing.T, mode sessionMode) {
		d := newDeployment(t, mode, singleClient)
		browser := d.login(d.A, "user_42")
		old := d.get(browser, d.A, "/token").body
		d.IdP.Advance(11 * time.Minute) // past the access token's 10 minutes

		const n = 20
		got := make([]response, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				got[i] = d.get(browser, nil, "/token")
			})
		}
		close(start)
		wg.Wait()

		if n := d.refreshes(); n != 1 {
			t.Errorf("%d refreshes at the provider, want 1", n)
		}
		if reuses := d.IdP.RefreshTokenReuses(); reuses != 0 {
			t.Errorf("the provider saw %d refresh-token reuses", reuses)
		}
		served := map[string]int{}
		for i, r := range got {
			served[r.servedBy]++
			if r.status != http.StatusOK || r.body == old || strings.HasPrefix(r.body, "error") {
				t.Errorf("request %d, from %s: %d %q", i, r.servedBy, r.status, r.body)
			} else if r.body != got[0].body {
				t.Errorf("request %d, from %s, got another token than request 0", i, r.servedBy)
			}
		}
		if served["A"] == 0 || served["B"] == 0 {
			t.Errorf("requests served: %v, want both instances", served)
		}

		// Within the new token's lifetime, both instances answer it from the session.
		d.IdP.Advance(time.Minute)
		for _, on := range []*instance{d.A, d.B} {
			if r := d.get(browser, on, "/token"); r.body != got[0].body {
				t.Errorf("the token on %s a minute later: %d %.20q", on.name, r.status, r.body)
			}
		}
		// The session holds the rotated refresh token: the next refresh works.
		d.IdP.Advance(11 * time.Minute)
		if r := d.get(browser, d.B, "/token"); r.status != http.StatusOK || r.body == got[0].body {
			t.Errorf("the next refresh, on B: %d %.20q", r.status, r.body)
		}
		if n, reuses := d.refreshes(), d.IdP.RefreshTokenReuses(); n != 2 || reuses != 0 {
			t.Errorf("after the next refresh: %d refreshes, %d reuses; want 2, 0", n, reuses)
		}
	})
}

// A logout token posted to A signs the session out on B: stored sessions at once, sessions in
// cookies within LogoutRecordsRefresh and a read of Redis. Another session lives on.
func TestBackChannelLogoutOnAReachesB(t *testing.T) {
	eachSessionMode(t, func(t *testing.T, mode sessionMode) {
		d := newDeployment(t, mode, singleClient)
		cookies := d.cookies(d.login(d.A, "user_42"))
		other := d.cookies(d.login(d.B, "user_7"))
		for _, on := range d.instances { // both instances have read the session
			if r := d.getWith(cookies, on, "/"); r.body != "user: user_42" {
				t.Fatalf("before the logout, on %s: %d %q", on.name, r.status, r.body)
			}
		}

		if status, body := d.postLogoutToken(d.A, d.logoutToken(d.sessionID("user_42"), "user_42")); status != http.StatusNoContent {
			t.Fatalf("the logout token posted to A: %d %s", status, body)
		}
		if r := d.getWith(cookies, d.A, "/"); r.body != "signed out" {
			t.Errorf("on A after the logout: %d %q", r.status, r.body)
		}
		if mode.name == "stateful" {
			if r := d.getWith(cookies, d.B, "/"); r.body != "signed out" {
				t.Errorf("on B after the logout: %d %q", r.status, r.body)
			}
		} else {
			// The bound is LogoutRecordsRefresh and a read; the deadline only fails the test.
			within(t, 10*time.Second, "signed out on B", func() bool {
				r := d.getWith(cookies, d.B, "/")
				if r.body != "signed out" && r.body != "user: user_42" {
					t.Fatalf("on B after the logout: %d %q", r.status, r.body)
				}
				return r.body == "signed out"
			})
		}
		for _, on := range d.instances {
			if r := d.getWith(other, on, "/"); r.body != "user: user_7" {
				t.Errorf("another user's session on %s: %d %q", on.name, r.status, r.body)
			}
		}
	})
}

// A logout token A acted on is refused by B (400): the jti is shared. The replay ends nothing:
// a later session of the same provider session lives on.
func TestReplayedLogoutTokenIsRefusedByTheOtherInstance(t *testing.T) {
	eachSessionMode(t, func(t *testing.T, mode sessionMode) {
		d := newDeployment(t, mode, singleClient)
		browser := d.login(d.A, "user_42")
		sid := d.sessionID("user_42")
		raw := d.logoutToken(sid, "user_42")
		if status, body := d.postLogoutToken(d.A, raw); status != http.StatusNoContent {
			t.Fatalf("first use, on A: %d %s", status, body)
		}

		// A new login, in a later second, is single sign-on at the provider: the same sid.
		d.IdP.Advance(2 * time.Second)
		d.loginWith(browser, d.A, "user_42")
		if got := d.sessionID("user_42"); got != sid {
			t.Fatalf("the new login has another provider session")
		}
		for _, on := range []*instance{d.B, d.A} {
			status, body := d.postLogoutToken(on, raw)
			checkRefused(t, "the replay to "+on.name, status, body, raw)
		}
		for _, on := range d.instances {
			if r := d.get(browser, on, "/"); r.body != "user: user_42" {
				t.Errorf("the replay signed out the later session, on %s: %d %q", on.name, r.status, r.body)
			}
		}
	})
}

// checkRefused checks a 400 invalid_request answer that does not hold the token.
func checkRefused(t *testing.T, what string, status int, body, raw string) {
	t.Helper()
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || status != http.StatusBadRequest || e.Error != "invalid_request" {
		t.Errorf("%s: %d %s, want 400 invalid_request", what, status, body)
	}
	for _, part := range strings.Split(raw, ".") {
		if len(part) > 8 && strings.Contains(body, part) {
			t.Errorf("%s: the answer holds the token: %s", what, body)
		}
	}
}
