package session

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/authchain/authchain/token"
)

// Session is the data of one signed-in user. Its JSON form is the original nextjs-auth0 SDK's
// SessionData: {"user":{…},"tokenSet":{…},"accessTokens":[…],"connectionTokenSets":[…],
// "internal":{…}, …custom keys}.
// A Session is not safe for concurrent use.
type Session struct {
	// User holds the user's claims.
	User User
	// TokenSet is the token set of the last login or refresh.
	TokenSet token.Set
	// AccessTokens holds access tokens for audiences other than the default one.
	AccessTokens []token.AudienceToken
	// ConnectionTokens holds access tokens for connections (identity providers upstream of the
	// OpenID Provider), each for one connection and login hint.
	ConnectionTokens []token.ConnectionToken
	// Internal is the bookkeeping the library needs: the provider's session id and times.
	Internal Internal
	// Custom holds the application's own top-level keys, as raw JSON. They survive every round
	// trip. Use SetCustom and GetCustom to work with Go values.
	Custom map[string]json.RawMessage
}

// Internal is the session's bookkeeping. Its JSON keys are sid, sub, createdAt, updatedAt and
// expiresAt, times in epoch seconds.
type Internal struct {
	// SID is the provider's session id (the ID token's sid claim), used by back-channel logout.
	SID string
	// Subject is the login's subject (the ID token's sub claim), whatever claims User keeps:
	// an ID token from a refresh must name it. Empty in sessions written before it was kept;
	// a cookie of the format "nextjs" records it only when the user's sub claim does not say
	// it, so a session from the original SDK reads with the user's sub claim.
	Subject string
	// CreatedAt is when the user logged in.
	CreatedAt time.Time
	// UpdatedAt is when the session was last written.
	UpdatedAt time.Time
	// ExpiresAt is when the session expires unless it is written again before.
	ExpiresAt time.Time

	// ceiling is the original SDK's sessionExpiresAt: the provider's end of the session, after
	// which (less 30 seconds) it reads as signed out whatever its cookie says.
	ceiling time.Time
	// extra holds the members of the internal object that the library does not use (the
	// original SDK's mcd, sessionExpiresAt, …) as raw JSON members, written back unchanged.
	extra string
}

// reservedKeys are the top-level keys the library owns, and the time claims of the cookie
// format "nextjs", whose claims set holds the session's keys.
var reservedKeys = [...]string{"user", "tokenSet", "accessTokens", "connectionTokenSets", "internal", "exp", "iat", "nbf"}

func isReserved(key string) bool {
	for _, k := range reservedKeys {
		if k == key {
			return true
		}
	}
	return false
}

// SetCustom stores v as JSON under the top-level key. The library's own keys (user, tokenSet,
// accessTokens, connectionTokenSets, internal) and the JWT time claims (exp, iat, nbf) cannot
// be used.
func (s *Session) SetCustom(key string, v any) error {
	if isReserved(key) {
		return fmt.Errorf("session: %q is a reserved key", key)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("session: custom key %q: %w", key, err)
	}
	if s.Custom == nil {
		s.Custom = make(map[string]json.RawMessage)
	}
	s.Custom[key] = raw
	return nil
}

// GetCustom decodes the custom key into dst and reports whether the key was present.
func (s *Session) GetCustom(key string, dst any) (bool, error) {
	raw, ok := s.Custom[key]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return true, fmt.Errorf("session: custom key %q: %w", key, err)
	}
	return true, nil
}

// Subject returns the subject of the login that started s: Internal.Subject, or for a session
// written before the library kept it, the user's sub claim; "" when neither is known.
func (s *Session) Subject() string {
	if s.Internal.Subject != "" {
		return s.Internal.Subject
	}
	return s.User.Subject()
}

// Clone returns a deep copy of s.
func (s *Session) Clone() *Session {
	c := *s
	c.User = s.User.clone()
	c.AccessTokens = append([]token.AudienceToken(nil), s.AccessTokens...)
	c.ConnectionTokens = append([]token.ConnectionToken(nil), s.ConnectionTokens...)
	if s.Custom != nil {
		c.Custom = make(map[string]json.RawMessage, len(s.Custom))
		for k, v := range s.Custom {
			c.Custom[k] = append(json.RawMessage(nil), v...)
		}
	}
	return &c
}
