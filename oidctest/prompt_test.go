package oidctest_test

import (
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authchain/authchain/oidctest"
)

type sessionClaims struct {
	SID      string `json:"sid"`
	AuthTime int64  `json:"auth_time"`
}

func claimsOf(t *testing.T, l login) sessionClaims {
	t.Helper()
	var c sessionClaims
	if err := l.idToken.Claims(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSingleSignOnAndPromptLogin(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	srv.QueueLogin(oidctest.User{Subject: "alice"})
	first := r.login()
	srv.QueueLogin(oidctest.User{Subject: "bob"})
	srv.Advance(time.Minute)

	sso := r.login()
	if sso.idToken.Subject != "alice" || claimsOf(t, sso) != claimsOf(t, first) {
		t.Fatalf("second login %q %+v, want alice's session %+v", sso.idToken.Subject, claimsOf(t, sso), claimsOf(t, first))
	}
	forced := r.login(oauth2.SetAuthURLParam("prompt", "login"))
	if forced.idToken.Subject != "bob" || claimsOf(t, forced).SID == claimsOf(t, first).SID || claimsOf(t, forced).AuthTime <= claimsOf(t, first).AuthTime {
		t.Fatalf("prompt=login: %q %+v", forced.idToken.Subject, claimsOf(t, forced))
	}
	if s := srv.Sessions(); len(s) != 1 || s[0].Subject != "bob" {
		t.Errorf("sessions %+v, want only bob's", s)
	}
	none := r.login(oauth2.SetAuthURLParam("prompt", "none"))
	if none.idToken.Subject != "bob" {
		t.Errorf("prompt=none with a session: %q", none.idToken.Subject)
	}
}

func TestMaxAge(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()))
	r := newRP(t, srv, confidentialClient())
	first := claimsOf(t, r.login())
	srv.Advance(10 * time.Minute)
	if got := claimsOf(t, r.login(oauth2.SetAuthURLParam("max_age", "3600"))); got != first {
		t.Errorf("max_age=3600 after 10m: %+v, want the same session %+v", got, first)
	}
	loc := r.authorize(r.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()),
		oauth2.SetAuthURLParam("max_age", "300"), oauth2.SetAuthURLParam("prompt", "none")))
	if loc.Query().Get("error") != "login_required" {
		t.Errorf("prompt=none with max_age exceeded: %s", loc)
	}
	second := claimsOf(t, r.login(oauth2.SetAuthURLParam("max_age", "300")))
	if second.AuthTime <= first.AuthTime {
		t.Errorf("max_age=300 after 10m: auth_time %d, want a new login", second.AuthTime)
	}
	if second.SID == first.SID {
		t.Error("max_age exceeded kept the session")
	}
	if third := claimsOf(t, r.login(oauth2.SetAuthURLParam("max_age", "0"))); third.SID == second.SID {
		t.Error("max_age=0 did not force a login")
	}
}
