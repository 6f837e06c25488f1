package mw

import (
	"slices"
	"time"

	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// maxConnectionTokens is how many connection tokens a session keeps, so that a session in
// cookies cannot grow until it no longer fits: the least recently obtained go first.
const maxConnectionTokens = 8

// findConnectionToken returns s's token for connection and loginHint, or nil. A token is
// found only by its own hint: an empty hint finds only a token obtained without one.
func findConnectionToken(s *session.Session, connection, loginHint string) *token.ConnectionToken {
	for i := range s.ConnectionTokens {
		if t := &s.ConnectionTokens[i]; t.Connection == connection && t.LoginHint == loginHint {
			return t
		}
	}
	return nil
}

// setConnectionToken puts t last among s's connection tokens, in place of the token for the
// same connection and hint, and prunes them (see pruneConnectionTokens): a token whose expiry
// is unknown is not kept.
func setConnectionToken(s *session.Session, t token.ConnectionToken, now time.Time) {
	removeConnectionToken(s, t.Connection, t.LoginHint)
	s.ConnectionTokens = append(s.ConnectionTokens, t)
	pruneConnectionTokens(s, now)
}

// removeConnectionToken drops s's token for connection and loginHint.
func removeConnectionToken(s *session.Session, connection, loginHint string) {
	s.ConnectionTokens = slices.DeleteFunc(s.ConnectionTokens, func(t token.ConnectionToken) bool {
		return t.Connection == connection && t.LoginHint == loginHint
	})
	if len(s.ConnectionTokens) == 0 {
		s.ConnectionTokens = nil
	}
}

// pruneConnectionTokens drops s's connection tokens that have expired at now (or whose expiry
// is unknown), then the first ones (the least recently obtained) beyond maxConnectionTokens.
func pruneConnectionTokens(s *session.Session, now time.Time) {
	s.ConnectionTokens = keepRecent(s.ConnectionTokens, now, maxConnectionTokens)
}
