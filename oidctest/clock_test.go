package oidctest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/authchain/authchain/oidctest"
)

func TestClockIsPerServerAndStampsTokens(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := newServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithClock(start))
	other := newServer(t)
	if !srv.Now().Equal(start) {
		t.Fatalf("Now %v, want the frozen start %v", srv.Now(), start)
	}
	srv.Advance(90 * time.Minute)
	if want := start.Add(90 * time.Minute); !srv.Now().Equal(want) {
		t.Fatalf("Now %v, want %v", srv.Now(), want)
	}
	if d := time.Since(other.Now()); d < -time.Second || d > time.Second {
		t.Fatalf("another server's clock moved: off by %v", d)
	}
	l := newRP(t, srv, confidentialClient()).login()
	if !l.idToken.IssuedAt.Equal(start.Add(90 * time.Minute)) {
		t.Errorf("iat %v, want the server's clock", l.idToken.IssuedAt)
	}
}

func TestAdvanceExpiresIDTokens(t *testing.T) {
	t.Parallel()
	srv := newServer(t, oidctest.WithClient(confidentialClient()), oidctest.WithIDTokenLifetime(10*time.Minute))
	r := newRP(t, srv, confidentialClient())
	l := r.login()
	srv.Advance(11 * time.Minute)
	var expired *oidc.TokenExpiredError
	if _, err := r.verifier.Verify(r.ctx, l.rawID); !errors.As(err, &expired) {
		t.Fatalf("after Advance: %v, want TokenExpiredError", err)
	}
}
