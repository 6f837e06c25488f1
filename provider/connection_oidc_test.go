package provider_test

import (
	"errors"
	"testing"
	"time"

	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/provider"
)

// TestExchangeForConnectionAtAProvider: the provider issues a connection's token for the
// user, by refresh token or access token, and its refusals are *provider.Error.
func TestExchangeForConnectionAtAProvider(t *testing.T) {
	t.Parallel()
	idp := newIdP(t, oidctest.WithConnection(oidctest.Connection{Name: "google-oauth2", Scope: "calendar", TokenLifetime: time.Minute}))
	p := newProvider(t, idp, nil)
	login := login(t, idp, p)
	for _, q := range []provider.ConnectionTokenRequest{
		{SubjectToken: login.RefreshToken, Connection: "google-oauth2", LoginHint: "ada@example.test"},
		{SubjectToken: login.AccessToken, SubjectTokenType: provider.SubjectTokenTypeAccessToken, Connection: "google-oauth2"},
	} {
		res, err := p.ExchangeForConnection(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		got := res.Tokens
		issued, ok := idp.ConnectionToken(got.AccessToken)
		if !ok || issued.Connection != "google-oauth2" || issued.Subject != login.Claims["sub"] || issued.LoginHint != q.LoginHint {
			t.Errorf("the provider issued %+v, %v", issued, ok)
		}
		if got.Scope != "calendar" || got.TokenType != "Bearer" || !got.ExpiresAt.Equal(idp.Now().Truncate(time.Second).Add(time.Minute)) {
			t.Errorf("tokens %+v", got)
		}
	}
	if n := idp.Count(oidctest.EndpointToken, provider.GrantTypeFederatedConnectionAccessToken); n != 2 {
		t.Errorf("%d exchanges, want 2", n)
	}

	for _, tc := range []struct {
		name string
		q    provider.ConnectionTokenRequest
		code string
	}{
		{"an unknown connection", provider.ConnectionTokenRequest{SubjectToken: login.RefreshToken, Connection: "github"}, "invalid_request"},
		{"an unknown refresh token", provider.ConnectionTokenRequest{SubjectToken: "nope", Connection: "google-oauth2"}, "invalid_grant"},
	} {
		_, err := p.ExchangeForConnection(t.Context(), tc.q)
		var pe *provider.Error
		if !errors.As(err, &pe) || pe.Code != tc.code {
			t.Errorf("%s: %v, want *provider.Error %s", tc.name, err, tc.code)
		}
	}
}

func TestExchangeForConnectionWithoutTheGrant(t *testing.T) {
	t.Parallel()
	idp := newIdP(t)
	p := newProvider(t, idp, nil)
	login := login(t, idp, p)
	_, err := p.ExchangeForConnection(t.Context(), provider.ConnectionTokenRequest{SubjectToken: login.RefreshToken, Connection: "google-oauth2"})
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Code != "unsupported_grant_type" || errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("%v, want the provider's unsupported_grant_type", err)
	}
}
