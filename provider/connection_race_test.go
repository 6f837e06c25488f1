package provider_test

import (
	"sync"
	"testing"
	"time"

	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/provider"
)

func withCalendar() oidctest.Option {
	return oidctest.WithConnection(oidctest.Connection{Name: "google-oauth2", Scope: "calendar", TokenLifetime: time.Minute})
}

// lastSubjectToken returns the subject_token of the provider's last Token Vault exchange.
func lastSubjectToken(idp *oidctest.Server) string {
	var out string
	for _, r := range idp.Requests() {
		if r.GrantType() == provider.GrantTypeFederatedConnectionAccessToken {
			out = r.Form.Get("subject_token")
		}
	}
	return out
}

// TestExchangeFollowsARotationOfTheRefreshToken: an exchange with a refresh token that a
// refresh has just rotated uses the new one, and reports the rotation, instead of presenting
// the spent token (which a provider with rotation takes for a stolen one, revoking the family).
func TestExchangeFollowsARotationOfTheRefreshToken(t *testing.T) {
	t.Parallel()
	idp := newIdP(t, withCalendar())
	p := newProvider(t, idp, nil)
	tokens := login(t, idp, p)
	refreshed, err := p.Refresh(t.Context(), provider.RefreshRequest{RefreshToken: tokens.RefreshToken, Subject: tokens.Claims["sub"].(string)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.ExchangeForConnection(t.Context(), provider.ConnectionTokenRequest{SubjectToken: tokens.RefreshToken, Connection: "google-oauth2"})
	if err != nil {
		t.Fatalf("exchange with the rotated-out refresh token: %v", err)
	}
	if res.Tokens.AccessToken == "" || len(res.Followed) != 1 || res.Followed[0].Tokens.RefreshToken != refreshed.Tokens.RefreshToken {
		t.Errorf("result %+v, want a token and the one rotation followed", res)
	}
	if got := lastSubjectToken(idp); got != refreshed.Tokens.RefreshToken {
		t.Error("the exchange did not present the newest refresh token")
	}
	if n := idp.RefreshTokenReuses(); n != 0 {
		t.Errorf("%d refresh tokens presented after their rotation", n)
	}
}

// TestConcurrentRefreshesAndExchangesSpendTheRefreshTokenOnce: refreshes and Token Vault
// exchanges of one refresh token at once never present a rotated-out token.
func TestConcurrentRefreshesAndExchangesSpendTheRefreshTokenOnce(t *testing.T) {
	t.Parallel()
	idp := newIdP(t, withCalendar())
	p := newProvider(t, idp, nil)
	tokens := login(t, idp, p)
	sub := tokens.Claims["sub"].(string)
	const requests = 16
	errs := make([]error, requests)
	var wg sync.WaitGroup
	for i := range requests {
		wg.Go(func() {
			if i%2 == 0 {
				_, errs[i] = p.Refresh(t.Context(), provider.RefreshRequest{RefreshToken: tokens.RefreshToken, Subject: sub, Scope: scopes[i%len(scopes)]})
				return
			}
			_, errs[i] = p.ExchangeForConnection(t.Context(), provider.ConnectionTokenRequest{SubjectToken: tokens.RefreshToken, Connection: "google-oauth2"})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
	if n := idp.RefreshTokenReuses(); n != 0 {
		t.Errorf("%d refresh tokens presented after their rotation", n)
	}
}

var scopes = []string{"openid profile offline_access", "openid offline_access"}

// TestCoordinatedExchangeFollowsAnotherInstancesRotation: with a Coordinator, an exchange on
// one instance follows the rotation another instance's refresh made.
func TestCoordinatedExchangeFollowsAnotherInstancesRotation(t *testing.T) {
	t.Parallel()
	idp := newIdP(t, withCalendar())
	coord := newMemoryCoordinator()
	a, b := newProvider(t, idp, coord), newProvider(t, idp, coord)
	tokens := login(t, idp, a)
	refreshed, err := a.Refresh(t.Context(), provider.RefreshRequest{RefreshToken: tokens.RefreshToken, Subject: tokens.Claims["sub"].(string)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.ExchangeForConnection(t.Context(), provider.ConnectionTokenRequest{SubjectToken: tokens.RefreshToken, Connection: "google-oauth2"})
	if err != nil {
		t.Fatalf("exchange on the other instance: %v", err)
	}
	if len(res.Followed) != 1 || res.Followed[0].Tokens.RefreshToken != refreshed.Tokens.RefreshToken {
		t.Errorf("followed %+v, want the other instance's rotation", res.Followed)
	}
	if n := idp.RefreshTokenReuses(); n != 0 {
		t.Errorf("%d refresh tokens presented after their rotation", n)
	}
}
