package provider

import (
	"context"
	"errors"
	"testing"
)

// TestExchangeSendsTheLoginsRedirectURI: the code exchange sends the redirect_uri that
// WithRedirectURI names (the login's, on another origin), and Config.RedirectURI without it.
func TestExchangeSendsTheLoginsRedirectURI(t *testing.T) {
	for _, tc := range []struct {
		opts []ExchangeOption
		want string
	}{
		{nil, "https://app.example.com/auth/callback"},
		{[]ExchangeOption{WithRedirectURI("")}, "https://app.example.com/auth/callback"},
		{[]ExchangeOption{WithRedirectURI("https://preview.example.com/auth/callback")}, "https://preview.example.com/auth/callback"},
	} {
		p, rec := op(t, 400, `{"error":"invalid_grant"}`)
		_, err := p.Exchange(context.Background(), "code", "verifier", IDTokenCheck{MaxAge: -1}, tc.opts...)
		var pe *Error
		if !errors.As(err, &pe) || pe.Code != "invalid_grant" {
			t.Fatalf("Exchange: %v, want the provider's invalid_grant", err)
		}
		if _, _, form := rec.get(); form.Get("redirect_uri") != tc.want {
			t.Errorf("redirect_uri = %q, want %q", form.Get("redirect_uri"), tc.want)
		}
	}
}
