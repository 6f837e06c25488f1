package token

import (
	"time"

	"github.com/authchain/authchain/internal/fastjson"
)

// AudienceToken is an access token obtained with the session's refresh token for an audience
// or scope other than the session's default (the original's "accessTokens" entries).
type AudienceToken struct {
	// AccessToken is the access token.
	AccessToken string
	// Audience is the API the token is for.
	Audience string
	// Scope is the scope the provider granted.
	Scope string
	// RequestedScope is the scope that was asked for.
	RequestedScope string
	// ExpiresAt is when the token expires, to the second.
	ExpiresAt time.Time
	// TokenType is the token type the provider named.
	TokenType string
}

// Expired reports whether the token has expired at now, or expires within buffer.
func (t *AudienceToken) Expired(now time.Time, buffer time.Duration) bool {
	if t.ExpiresAt.IsZero() {
		return false
	}
	return !now.Add(buffer).Before(t.ExpiresAt)
}

// MarshalJSON writes the token in the original SDK's shape.
func (t AudienceToken) MarshalJSON() ([]byte, error) { return t.AppendJSON(nil), nil }

// UnmarshalJSON reads the token from the original SDK's shape.
func (t *AudienceToken) UnmarshalJSON(b []byte) error {
	r := fastjson.NewReader(b)
	if err := t.readJSON(r); err != nil {
		return err
	}
	return r.End()
}

// AppendJSON appends the token's JSON to b.
func (t *AudienceToken) AppendJSON(b []byte) []byte {
	o := fastjson.OpenObject(b)
	o.String("accessToken", t.AccessToken)
	o.String("audience", t.Audience)
	o.StringOmitEmpty("scope", t.Scope)
	o.StringOmitEmpty("requestedScope", t.RequestedScope)
	o.Int("expiresAt", fastjson.Unix(t.ExpiresAt))
	o.StringOmitEmpty("token_type", t.TokenType)
	return o.Close()
}

// readJSON reads the token from r, which must be at the token's object.
func (t *AudienceToken) readJSON(r *fastjson.Reader) error {
	return r.Object(func(key []byte) error {
		var err error
		switch string(key) {
		case "accessToken":
			t.AccessToken, err = r.String()
		case "audience":
			t.Audience, err = r.String()
		case "scope":
			t.Scope, err = r.String()
		case "requestedScope":
			t.RequestedScope, err = r.String()
		case "expiresAt":
			t.ExpiresAt, err = r.Unix()
		case "token_type":
			t.TokenType, err = r.String()
		default:
			err = r.Skip()
		}
		return err
	})
}
