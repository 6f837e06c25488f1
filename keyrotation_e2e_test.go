package authchain_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/authchain/authchain/internal/jwks"
	"github.com/authchain/authchain/oidctest"
)

func TestUnknownKeysAreFetchedAtMostOncePerInterval(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, appOptions{idp: []oidctest.Option{oidctest.WithClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))}})
	fetches := func() int { return app.IdP.Count(oidctest.EndpointJWKS, "") }
	sub := oidctest.DefaultUser().Subject

	b := newBrowser(t, true)
	app.login(b, "/")
	checkSignedInAs(t, app, b, sub)
	if n := fetches(); n != 1 {
		t.Fatalf("%d JWKS fetches for the first login, want 1", n)
	}

	// ID tokens naming keys the provider never published are refused without a fetch.
	for range 5 {
		b := newBrowser(t, false)
		f := startToCallback(t, app, b, "")
		app.IdP.QueueIDTokenDefect(oidctest.DefectUnknownKID)
		resp, body := b.get(f.callback)
		checkErrorPage(t, resp, body, http.StatusBadGateway, "authorization_code_grant_error")
	}
	if n := fetches(); n != 1 {
		t.Errorf("%d JWKS fetches after tokens with unknown kids, want still 1", n)
	}

	// A real key rotation, later than the refetch interval, costs one fetch.
	app.IdP.RotateKeys()
	app.IdP.Advance(jwks.DefaultRefetchInterval)
	b = newBrowser(t, true)
	app.login(b, "/")
	checkSignedInAs(t, app, b, sub)
	app.login(b, "/")
	if n := fetches(); n != 2 {
		t.Errorf("%d JWKS fetches after a key rotation, want 2", n)
	}
}
