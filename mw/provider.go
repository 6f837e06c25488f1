package mw

import (
	"context"
	"net/url"

	"github.com/authchain/authchain/provider"
)

// The route handlers each need a small part of the OpenID Provider. *provider.Provider has
// every part; tests may supply fakes.

// LoginProvider is the provider as the login route needs it.
type LoginProvider interface {
	// AuthorizationURL returns the URL that sends the browser to log in with params, which
	// hold every authorization request parameter (see provider.Provider.AuthorizationURL).
	AuthorizationURL(ctx context.Context, params url.Values) (string, error)
}

// CallbackProvider is the provider as the callback route needs it.
type CallbackProvider interface {
	// CheckIssuer checks the iss parameter of an authorization response (RFC 9207).
	CheckIssuer(ctx context.Context, response url.Values) error
	// Exchange trades an authorization code for tokens and verifies the ID token against
	// check (see provider.Provider.Exchange); opts may name the redirect_uri of the login.
	Exchange(ctx context.Context, code, codeVerifier string, check provider.IDTokenCheck, opts ...provider.ExchangeOption) (*provider.Tokens, error)
}

// LogoutProvider is the provider as the logout route needs it.
type LogoutProvider interface {
	// LogoutURL returns where to send the browser to log out at the provider, or "" when the
	// logout is local only.
	LogoutURL(ctx context.Context, req provider.LogoutRequest) (string, error)
	// Revoke revokes a refresh token (RFC 7009); nil when the provider cannot.
	Revoke(ctx context.Context, refreshToken string) error
}

// RefreshProvider is the provider as the access tokens need it.
type RefreshProvider interface {
	// Refresh returns new tokens for a refresh token, one refresh at a time per refresh token
	// (see provider.Provider.Refresh).
	Refresh(ctx context.Context, q provider.RefreshRequest) (*provider.RefreshResult, error)
}

// ConnectionTokenProvider is the provider as the access tokens of connections need it.
type ConnectionTokenProvider interface {
	// ExchangeForConnection exchanges a refresh token or access token for an access token of
	// a connection (see provider.Provider.ExchangeForConnection).
	ExchangeForConnection(ctx context.Context, q provider.ConnectionTokenRequest) (*provider.ConnectionTokenResult, error)
}

// LogoutTokenVerifier is the provider as the back-channel logout route needs it.
type LogoutTokenVerifier interface {
	// VerifyLogoutToken verifies a back-channel logout token (see
	// provider.Provider.VerifyLogoutToken): errors wrap provider.ErrInvalidLogoutToken, or
	// provider.ErrUnavailable when the provider's keys could not be fetched.
	VerifyLogoutToken(ctx context.Context, raw string) (*provider.LogoutToken, error)
}

var (
	_ LogoutTokenVerifier     = (*provider.Provider)(nil)
	_ LoginProvider           = (*provider.Provider)(nil)
	_ CallbackProvider        = (*provider.Provider)(nil)
	_ LogoutProvider          = (*provider.Provider)(nil)
	_ RefreshProvider         = (*provider.Provider)(nil)
	_ ConnectionTokenProvider = (*provider.Provider)(nil)
)
