package token

import (
	"time"

	"github.com/authchain/authchain/internal/fastjson"
)

// ConnectionToken is an access token for a connection: an identity provider upstream of the
// OpenID Provider (such as Auth0's "google-oauth2"), obtained by exchanging the session's
// refresh token at the provider's token vault (the original's ConnectionTokenSet).
type ConnectionToken struct {
	// AccessToken is the connection's access token, for the connection's own APIs.
	AccessToken string
	// Connection names the connection.
	Connection string
	// LoginHint names the account of the connection the token is for, when the request named
	// one; tokens for different hints are kept apart.
	LoginHint string
	// Scope is the scope the connection granted; empty when the provider did not say.
	Scope string
	// ExpiresAt is when the token expires, to the second; zero when the provider did not say.
	ExpiresAt time.Time
	// TokenType is the token type the provider named, such as "Bearer".
	TokenType string
}

// Expired reports whether the token has expired at now, or expires within buffer. A token
// whose expiry is unknown counts as expired: it is never reused.
func (t *ConnectionToken) Expired(now time.Time, buffer time.Duration) bool {
	return t.ExpiresAt.IsZero() || !now.Add(buffer).Before(t.ExpiresAt)
}

// MarshalJSON writes the token in the original SDK's shape.
func (t ConnectionToken) MarshalJSON() ([]byte, error) { return t.AppendJSON(nil), nil }

// UnmarshalJSON reads the token from the original SDK's shape; members it does not know are
// skipped.
func (t *ConnectionToken) UnmarshalJSON(b []byte) error {
	r := fastjson.NewReader(b)
	if err := t.readJSON(r); err != nil {
		return err
	}
	return r.End()
}

// AppendJSON appends the token's JSON to b: {"accessToken","scope","expiresAt","connection",
// "loginHint","token_type"}, the empty ones of scope, loginHint and token_type left out.
func (t *ConnectionToken) AppendJSON(b []byte) []byte {
	o := fastjson.OpenObject(b)
	o.String("accessToken", t.AccessToken)
	o.StringOmitEmpty("scope", t.Scope)
	o.Int("expiresAt", fastjson.Unix(t.ExpiresAt))
	o.String("connection", t.Connection)
	o.StringOmitEmpty("loginHint", t.LoginHint)
	o.StringOmitEmpty("token_type", t.TokenType)
	return o.Close()
}

// readJSON reads the token from r, which must be at the token's object.
func (t *ConnectionToken) readJSON(r *fastjson.Reader) error {
	return r.Object(func(key []byte) error {
		var err error
		switch string(key) {
		case "accessToken":
			t.AccessToken, err = r.String()
		case "scope":
			t.Scope, err = r.String()
		case "expiresAt":
			t.ExpiresAt, err = r.Unix()
		case "connection":
			t.Connection, err = r.String()
		case "loginHint":
			t.LoginHint, err = r.String()
		case "token_type":
			t.TokenType, err = r.String()
		default:
			err = r.Skip()
		}
		return err
	})
}
