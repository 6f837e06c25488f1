package mw

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain/session"
)

func TestProfileAnswersTheUsersClaims(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	res := b.get(Profile(ProfileOptions{Sessions: rt.sessions}), "/auth/profile")
	if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %q, want 200 JSON", res.Code, res.Header().Get("Content-Type"))
	}
	if res.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", res.Header().Get("Cache-Control"))
	}
	var user map[string]any
	if err := json.Unmarshal(res.Body.Bytes(), &user); err != nil {
		t.Fatal(err)
	}
	if len(user) != 2 || user["sub"] != "user-1" || user["name"] != "Ada Lovelace" {
		t.Errorf("profile %v, want the session's user", user)
	}
	for _, secret := range []string{"at-1", "rt-1", "idt-1", "sid-1"} {
		if strings.Contains(res.Body.String(), secret) {
			t.Errorf("the profile holds %s", secret)
		}
	}
}

func TestProfileOfASignedOutBrowser(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		cookie    string
		noContent bool
		want      int
	}{
		{"no cookie", "", false, http.StatusUnauthorized},
		{"tampered cookie", "tampered", false, http.StatusUnauthorized},
		{"no cookie, no content", "", true, http.StatusNoContent},
		{"tampered cookie, no content", "tampered", true, http.StatusNoContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rt := newRoutes(t)
			b := newBrowser()
			if tc.cookie != "" {
				b.cookies[testSessionCookie] = tc.cookie
			}
			res := b.get(Profile(ProfileOptions{Sessions: rt.sessions, NoContentProfileResponseWhenUnauthenticated: tc.noContent}), "/auth/profile")
			if res.Code != tc.want || res.Body.Len() != 0 {
				t.Errorf("%d %q, want %d with an empty body", res.Code, res.Body, tc.want)
			}
			if res.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", res.Header().Get("Cache-Control"))
			}
		})
	}
}

func TestProfileDoesNotRollTheSession(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	rt.clk.now = rt.clk.now.Add(session.DefaultRollingThreshold + time.Second)
	res := b.get(Profile(ProfileOptions{Sessions: rt.sessions}), "/auth/profile")
	if res.Code != http.StatusOK || len(res.Header().Values("Set-Cookie")) != 0 {
		t.Errorf("%d, Set-Cookie %q; want 200 without a write", res.Code, res.Header().Values("Set-Cookie"))
	}
}

func TestProfileShowsTheSessionAnEarlierHandlerUpdated(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	profile := Profile(ProfileOptions{Sessions: rt.sessions})
	rename := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := SessionFrom(r.Context()).Clone()
		s.User.Set("name", "Countess of Lovelace")
		if err := UpdateSession(r.Context(), s); err != nil {
			t.Error(err)
		}
		profile.ServeHTTP(w, r)
	})
	res := b.get(RollingSession(RollingSessionOptions{Manager: rt.sessions})(rename), "/auth/profile")
	var user map[string]any
	if err := json.Unmarshal(res.Body.Bytes(), &user); err != nil {
		t.Fatal(err)
	}
	if user["name"] != "Countess of Lovelace" {
		t.Errorf("profile %v, want the updated user", user)
	}
	if s := rt.sessionOf(b); s == nil || s.User.StringClaim("name") != "Countess of Lovelace" {
		t.Error("the updated session was not saved")
	}
}

func TestProfileRefusesOtherMethods(t *testing.T) {
	t.Parallel()
	rt := newRoutes(t)
	b := newBrowser()
	rt.signIn(b, signedInSession(rt.clk.now))
	res := b.do(Profile(ProfileOptions{Sessions: rt.sessions}), b.request(http.MethodPost, "/auth/profile", nil))
	if res.Code != http.StatusMethodNotAllowed || res.Header().Get("Allow") != http.MethodGet {
		t.Errorf("POST: %d, Allow %q; want 405, Allow GET", res.Code, res.Header().Get("Allow"))
	}
}

func TestProfileAnswers503WhenTheStoreFails(t *testing.T) {
	t.Parallel()
	m := failingManager{err: fmt.Errorf("store: %w", session.ErrUnavailable)}
	res := newBrowser().get(Profile(ProfileOptions{Sessions: m}), "/auth/profile")
	if res.Code != http.StatusServiceUnavailable || res.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("store failure: %d %v, want 503 no-store", res.Code, res.Header())
	}
}
