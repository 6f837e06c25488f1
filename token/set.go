package token

import (
	"time"

	"github.com/authchain/authchain/internal/fastjson"
)

// Set is the token set of a session: what the token endpoint answered at login or at the last
// refresh. Its JSON names are accessToken, idToken, refreshToken, expiresAt (epoch seconds),
// scope (granted), requestedScope, audience and token_type.
type Set struct {
	// AccessToken is the access token for the session's default audience.
	AccessToken string
	// IDToken is the raw ID token (a JWT) of the last login or refresh that returned one.
	IDToken string
	// RefreshToken is the refresh token, when the provider issued one (scope offline_access).
	RefreshToken string
	// ExpiresAt is when AccessToken expires, to the second.
	ExpiresAt time.Time
	// Scope is the scope the provider granted.
	Scope string
	// RequestedScope is the scope that was asked for.
	RequestedScope string
	// Audience is the audience the access token was requested for, if any.
	Audience string
	// TokenType is the token type the provider named, such as "Bearer".
	TokenType string
}

// Expired reports whether the access token has expired at now, or expires within buffer.
// A set without an expiry never expires by this test.
func (s *Set) Expired(now time.Time, buffer time.Duration) bool {
	if s.ExpiresAt.IsZero() {
		return false
	}
	return !now.Add(buffer).Before(s.ExpiresAt)
}

// MarshalJSON writes the set in the original SDK's shape.
func (s Set) MarshalJSON() ([]byte, error) { return s.AppendJSON(nil), nil }

// UnmarshalJSON reads the set from the original SDK's shape; unknown members are ignored.
func (s *Set) UnmarshalJSON(b []byte) error {
	r := fastjson.NewReader(b)
	if err := s.readJSON(r); err != nil {
		return err
	}
	return r.End()
}

// ReadJSON reads the set from r, which is at the set's object (or null), in one pass: the
// session reader calls it. Unknown members are ignored.
func (s *Set) ReadJSON(r *fastjson.Reader) error { return s.readJSON(r) }

// AppendJSON appends the set's JSON to b.
func (s *Set) AppendJSON(b []byte) []byte {
	o := fastjson.OpenObject(b)
	o.String("accessToken", s.AccessToken)
	o.StringOmitEmpty("idToken", s.IDToken)
	o.StringOmitEmpty("refreshToken", s.RefreshToken)
	o.Int("expiresAt", fastjson.Unix(s.ExpiresAt))
	o.StringOmitEmpty("scope", s.Scope)
	o.StringOmitEmpty("requestedScope", s.RequestedScope)
	o.StringOmitEmpty("audience", s.Audience)
	o.StringOmitEmpty("token_type", s.TokenType)
	return o.Close()
}

// readJSON reads the set from r, which must be at the set's object (or null).
func (s *Set) readJSON(r *fastjson.Reader) error {
	if r.IsNull() {
		*s = Set{}
		return nil
	}
	return r.Object(func(key []byte) error {
		var err error
		switch string(key) {
		case "accessToken":
			s.AccessToken, err = r.String()
		case "idToken":
			s.IDToken, err = r.String()
		case "refreshToken":
			s.RefreshToken, err = r.String()
		case "expiresAt":
			s.ExpiresAt, err = r.Unix()
		case "scope":
			s.Scope, err = r.String()
		case "requestedScope":
			s.RequestedScope, err = r.String()
		case "audience":
			s.Audience, err = r.String()
		case "token_type":
			s.TokenType, err = r.String()
		default:
			err = r.Skip()
		}
		return err
	})
}
