package session

import (
	"encoding/json"
	"maps"

	"github.com/authchain/authchain/internal/fastjson"
)

// User holds the signed-in user's claims (by default the ID token's sub, name, nickname,
// given_name, family_name, picture, email, email_verified and org_id). It keeps the JSON it was
// read from and decodes it only when a claim is read, so a request that only checks whether a
// user is signed in never pays for it.
type User struct {
	raw    string         // the claims as read; "" once claims is authoritative
	claims map[string]any // decoded or set claims; nil until then
}

// NewUser returns a User holding claims (not copied), to put in a Session.
func NewUser(claims map[string]any) User { return User{claims: claims} }

// Clone returns a copy of u whose changes do not reach u.
func (u *User) Clone() User { return u.clone() }

// Claims returns the user's claims. The map is the User's own: changes to it are kept and
// saved with the session when the session is next written.
func (u *User) Claims() map[string]any {
	if u.claims == nil {
		u.claims = make(map[string]any)
		if len(u.raw) > 0 {
			// The raw claims were checked to be a well-formed object when they were read.
			_ = json.Unmarshal([]byte(u.raw), &u.claims)
		}
		u.raw = ""
	}
	return u.claims
}

// Get returns the claim's value, or nil.
func (u *User) Get(name string) any { return u.Claims()[name] }

// StringClaim returns the claim when it is a string, or "". Claims not yet decoded are not:
// the claim is found in their JSON.
func (u *User) StringClaim(name string) string {
	if u.claims == nil {
		return u.scanString(name)
	}
	s, _ := u.claims[name].(string)
	return s
}

// scanString returns the top-level string member name of the raw claims, or "".
func (u *User) scanString(name string) string {
	if len(u.raw) == 0 {
		return ""
	}
	return scanStringMember(fastjson.NewStringReader([]byte(u.raw), u.raw), name)
}

// scanStringMember returns the top-level string member name of the object r is at, or "".
func scanStringMember(r *fastjson.Reader, name string) string {
	found := ""
	_ = r.Object(func(key []byte) error {
		if string(key) != name {
			return r.Skip()
		}
		if found = ""; r.Peek() != '"' {
			return r.Skip()
		}
		v, err := r.String()
		found = v
		return err
	})
	return found
}

// Set sets a claim.
func (u *User) Set(name string, value any) { u.Claims()[name] = value }

// Delete removes a claim.
func (u *User) Delete(name string) { delete(u.Claims(), name) }

// IsZero reports whether the user has no claims.
func (u *User) IsZero() bool {
	if u.claims != nil {
		return len(u.claims) == 0
	}
	return len(u.raw) == 0 || u.raw == "{}" || u.raw == "null"
}

// MarshalJSON writes the claims as a JSON object.
func (u User) MarshalJSON() ([]byte, error) { return u.appendJSON(nil) }

// UnmarshalJSON reads the claims from a JSON object.
func (u *User) UnmarshalJSON(b []byte) error {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*u = User{claims: m}
	return nil
}

func (u *User) appendJSON(b []byte) ([]byte, error) {
	if u.claims == nil {
		if len(u.raw) == 0 {
			return append(b, '{', '}'), nil
		}
		return append(b, u.raw...), nil
	}
	return fastjson.AppendMap(b, u.claims)
}

// clone returns a deep copy: decoded claims are copied through their JSON form.
func (u User) clone() User {
	if u.claims != nil {
		if raw, err := json.Marshal(u.claims); err == nil {
			return User{raw: string(raw)}
		}
		return User{claims: maps.Clone(u.claims)}
	}
	return User{raw: u.raw}
}
