package mw

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Provider is the OpenID Provider as the route handlers need it. authchain's Client supplies
// one built from discovery; tests may supply their own.
type Provider interface {
	// Issuer returns the provider's issuer identifier.
	Issuer() string
	// AuthorizationURL returns the URL that sends the browser to log in with params, which
	// hold every authorization request parameter (RFC 6749 §4.1.1). With pushed
	// authorization requests (RFC 9126) it pushes them first and returns a URL with only
	// client_id and request_uri.
	AuthorizationURL(ctx context.Context, params url.Values) (string, error)
	// CheckIssuer checks the iss parameter of an authorization response (RFC 9207): when
	// present it must be the issuer, and it must be present when the provider says it sends it.
	CheckIssuer(ctx context.Context, response url.Values) error
	// Exchange trades an authorization code for tokens (RFC 6749 §4.1.3) and verifies the ID
	// token (OpenID Connect Core §3.1.3.7) against check.
	Exchange(ctx context.Context, code, codeVerifier string, check IDTokenCheck) (*Tokens, error)
	// LogoutURL returns where to send the browser to log out at the provider, or "" when the
	// logout is local only.
	LogoutURL(ctx context.Context, req LogoutRequest) (string, error)
	// Revoke revokes a refresh token (RFC 7009). A provider without a revocation endpoint
	// returns nil.
	Revoke(ctx context.Context, refreshToken string) error
}

// IDTokenCheck is what the ID token of a login must match beyond signature, issuer, audience
// and expiry.
type IDTokenCheck struct {
	// Nonce is the nonce the login sent.
	Nonce string
	// MaxAge is the max_age the login asked for; negative when none.
	MaxAge time.Duration
	// Refresh marks the ID token of a refresh (OpenID Connect Core §12.2): no nonce is
	// expected, and its subject must be Subject.
	Refresh bool
	// Subject is the subject a refreshed ID token must name: the login's. When it is unknown
	// (empty), only the rest is checked, and the caller must not take the ID token's claims
	// for the user's.
	Subject string
}

// Tokens is a verified token response.
type Tokens struct {
	AccessToken  string
	RefreshToken string
	IDToken      string
	TokenType    string
	Scope        string
	ExpiresAt    time.Time
	// Claims are the ID token's claims, verified.
	Claims map[string]any
}

// LogoutRequest is what a logout tells the provider.
type LogoutRequest struct {
	// ReturnTo is where the provider sends the browser back (absolute URL).
	ReturnTo string
	// IDTokenHint is the session's ID token, if any.
	IDTokenHint string
	// LogoutHint is the provider's session id, if any.
	LogoutHint string
}

// ErrProviderUnavailable is wrapped by Provider errors that mean the provider could not be
// used: unreachable, timed out, answering 5xx or malformed documents, discovery failing. The
// route handlers answer them with 502 Bad Gateway.
var ErrProviderUnavailable = errors.New("the OpenID Provider is unavailable")

// ErrInvalidIDToken is wrapped by Exchange errors about the ID token: bad signature, issuer,
// audience, expiry, nonce, azp, iat or auth_time.
var ErrInvalidIDToken = errors.New("the ID token is invalid")

// OAuthError is an error response of the provider (RFC 6749 §4.1.2.1 and §5.2).
type OAuthError struct {
	// Code is the OAuth error code, such as access_denied or invalid_grant.
	Code string
	// Description is the provider's error_description: text an attacker may control; escape it
	// wherever it is shown.
	Description string
}

// Error returns the code and the description.
func (e *OAuthError) Error() string {
	if e.Description == "" {
		return "oauth error " + e.Code
	}
	return fmt.Sprintf("oauth error %s: %s", e.Code, e.Description)
}
