package provider

import "time"

// Tokens is a token endpoint answer (RFC 6749 §5.1), its ID token verified.
type Tokens struct {
	// AccessToken is the access token.
	AccessToken string
	// RefreshToken is the refresh token; a refresh answer without one leaves the old one in
	// use.
	RefreshToken string
	// IDToken is the raw ID token; a refresh answer may have none.
	IDToken string
	// TokenType is the access token's type, usually "Bearer".
	TokenType string
	// Scope is the scope the provider granted; empty when it did not say.
	Scope string
	// ExpiresAt is when the access token expires; zero when the provider did not say.
	ExpiresAt time.Time
	// Claims are the ID token's claims, verified; nil without an ID token.
	Claims map[string]any
}
