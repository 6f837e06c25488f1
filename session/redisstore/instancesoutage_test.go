package redisstore_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session"
)

// outageBound fails a test whose Redis has not been seen down, or back, by then: go-redis
// redials on its own schedule, and the logout records are refreshed every
// logoutRecordsRefresh.
const outageBound = 20 * time.Second

// With Redis stopped in the middle of a run, every request that needs it is answered 503, on
// both instances: never a 500, never a signed-in user served as signed out. Sessions in cookies
// are served from the copy of the logout records until it is too old, then 503 (fail-closed)
// or served regardless (fail-open). Once Redis is back, with its data, the same sessions work
// again, the logout made before the outage still holds, and the refresh that could not be
// made is made once.
func TestRedisOutageAnswers503AndRecovers(t *testing.T) {
	eachSessionMode(t, func(t *testing.T, mode sessionMode) {
		t.Parallel() // each with a Redis of its own
		srv := startRedis(t)
		d := newDeployment(t, mode, func(t *testing.T) redis.UniversalClient { return srv.client(t) })
		user := d.cookies(d.login(d.A, "user_42"))
		gone := d.cookies(d.login(d.B, "user_7"))
		if status, body := d.postLogoutToken(d.B, d.logoutToken(d.sessionID("user_7"), "user_7")); status != http.StatusNoContent {
			t.Fatalf("the logout of user_7: %d %s", status, body)
		}
		for _, on := range d.instances {
			within(t, outageBound, "user_7 signed out on "+on.name, func() bool { return d.getWith(gone, on, "/").body == "signed out" })
			if r := d.getWith(user, on, "/"); r.body != "user: user_42" {
				t.Fatalf("before the outage, on %s: %d %q", on.name, r.status, r.body)
			}
		}
		d.IdP.Advance(11 * time.Minute) // the access token needs a refresh: the lock is in Redis

		srv.stop()
		failOpen := mode.name == statelessFailOpen.name
		if mode.name != stateful.name {
			waitUntilTheRecordsAreStale(t, d, user, "user_42", failOpen)
		}
		signedIn := func(r response) bool { return r.status == http.StatusOK && r.body == "user: user_42" }
		unavailable := func(r response) bool { return r.status == http.StatusServiceUnavailable && keepsTheSession(r) }
		wantPage := unavailable
		if failOpen {
			wantPage = signedIn
		}
		for _, on := range d.instances {
			checkAnswer(t, "the page", on, d.getWith(user, on, "/"), wantPage)
			if failOpen {
				r := d.getWith(user, on, "/auth/profile")
				checkAnswer(t, "the profile route", on, r, func(r response) bool {
					return r.status == http.StatusOK && strings.Contains(r.body, `"sub":"user_42"`)
				})
			} else {
				checkAnswer(t, "the profile route", on, d.getWith(user, on, "/auth/profile"), unavailable)
			}
			checkAnswer(t, "a page that refreshes the access token", on, d.getWith(user, on, "/token"), unavailable)
			checkAnswer(t, "the access-token route", on, d.getWith(user, on, "/auth/access-token"), unavailable)
			status, body := d.postLogoutToken(on, d.logoutToken("", "user_42"))
			checkAnswer(t, "the back-channel logout", on, response{status: status, body: body}, func(r response) bool {
				return r.status == http.StatusServiceUnavailable
			})
		}
		// A login: a stored session cannot be saved (503); a session in a cookie can, and the
		// page it lands on is answered as the others are.
		d.IdP.QueueLogin(oidctest.User{Subject: "user_9"})
		r := d.get(newBrowser(), d.A, "/auth/login?returnTo=/")
		if failOpen && (r.status != http.StatusOK || r.body != "user: user_9") || !failOpen && r.status != http.StatusServiceUnavailable {
			t.Errorf("a login during the outage: %d %q", r.status, r.body)
		}
		if n := d.refreshes(); n != 0 {
			t.Errorf("%d refreshes during the outage, want none (the lock cannot be taken)", n)
		}

		if err := srv.start(); err != nil {
			t.Fatal(err)
		}
		for _, on := range d.instances {
			within(t, outageBound, "signed in again on "+on.name, func() bool {
				r := d.getWith(user, on, "/")
				if !signedIn(r) && !unavailable(r) {
					t.Fatalf("on %s while Redis comes back: %d %q", on.name, r.status, r.body)
				}
				return signedIn(r)
			})
		}
		for _, on := range d.instances {
			// Fail-open serves every session until the records are read again.
			within(t, outageBound, "user_7 still signed out on "+on.name, func() bool {
				r := d.getWith(gone, on, "/")
				if r.body != "signed out" && !(failOpen && r.body == "user: user_7") {
					t.Fatalf("user_7 on %s after the outage: %d %q", on.name, r.status, r.body)
				}
				return r.body == "signed out"
			})
		}
		browser := newBrowser()
		setCookies(d, browser, user)
		token := d.get(browser, d.B, "/token")
		if token.status != http.StatusOK || strings.HasPrefix(token.body, "error") {
			t.Fatalf("the refresh after the outage, on B: %d %q", token.status, token.body)
		}
		if r := d.get(browser, d.A, "/token"); r.body != token.body {
			t.Errorf("the token on A after B refreshed it: %d %.20q", r.status, r.body)
		}
		if n, reuses := d.refreshes(), d.IdP.RefreshTokenReuses(); n != 1 || reuses != 0 {
			t.Errorf("after the outage: %d refreshes, %d reuses; want 1, 0", n, reuses)
		}
	}, stateful, stateless, statelessFailOpen)
}

// waitUntilTheRecordsAreStale waits until neither instance answers from its copy of the logout
// records, checking meanwhile that the requests of the user sub are served signed in, or
// (fail-closed) 503.
func waitUntilTheRecordsAreStale(t *testing.T, d *deployment, user []*http.Cookie, sub string, failOpen bool) {
	t.Helper()
	for _, on := range d.instances {
		within(t, outageBound, "the logout records stale on "+on.name, func() bool {
			r := d.getWith(user, on, "/")
			switch {
			case r.status == http.StatusOK && r.body == "user: "+sub:
			case !failOpen && r.status == http.StatusServiceUnavailable:
			default:
				t.Fatalf("on %s while the copy of the records ages: %d %q", on.name, r.status, r.body)
			}
			_, err := on.Store.LoggedOut(context.Background(), "sid", "sub", time.Now())
			return errors.Is(err, session.ErrUnavailable)
		})
	}
}

// keepsTheSession reports whether r leaves the session's cookies as they are, or rolled: it
// deletes none.
func keepsTheSession(r response) bool {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			return false
		}
	}
	return true
}

// checkAnswer reports an answer of the instance on that ok refuses.
func checkAnswer(t *testing.T, what string, on *instance, r response, ok func(response) bool) {
	t.Helper()
	if !ok(r) {
		t.Errorf("%s on %s during the outage: %d %q, Set-Cookie %q", what, on.name, r.status, r.body, r.header.Values("Set-Cookie"))
	}
}

// setCookies puts cookies in the browser's jar for the application.
func setCookies(d *deployment, browser *http.Client, cookies []*http.Cookie) {
	u, err := url.Parse(d.URL)
	if err != nil {
		d.t.Fatal(err)
	}
	browser.Jar.SetCookies(u, cookies)
}
