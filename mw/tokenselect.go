package mw

import (
	"strings"

	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// targetAudience returns the audience q asks for and whether it is the session's default
// token set.
func targetAudience(s *session.Session, q AccessTokenRequest) (string, bool) {
	audience := q.Audience
	if audience == "" {
		audience = s.TokenSet.Audience
	}
	requested := s.TokenSet.RequestedScope
	if requested == "" {
		requested = s.TokenSet.Scope
	}
	return audience, audience == s.TokenSet.Audience && scopeCovers(requested, q.Scope)
}

// findToken returns the session's token for audience and scope, or nil.
func findToken(s *session.Session, audience, scope string, isDefault bool) *token.AccessToken {
	if isDefault {
		ts := s.TokenSet
		return &token.AccessToken{Token: ts.AccessToken, ExpiresAt: ts.ExpiresAt, Scope: ts.Scope, TokenType: ts.TokenType, Audience: ts.Audience}
	}
	for _, t := range s.AccessTokens {
		if t.Audience == audience && scopeCovers(t.RequestedScope+" "+t.Scope, scope) {
			return &token.AccessToken{Token: t.AccessToken, ExpiresAt: t.ExpiresAt, Scope: t.Scope, TokenType: t.TokenType, Audience: t.Audience}
		}
	}
	return nil
}

// scopeCovers reports whether every scope in want is in have.
func scopeCovers(have, want string) bool {
	for w := range strings.FieldsSeq(want) {
		if !hasWord(have, w) {
			return false
		}
	}
	return true
}

func hasWord(list, word string) bool {
	for f := range strings.FieldsSeq(list) {
		if f == word {
			return true
		}
	}
	return false
}

func grantedScope(granted, requested string, s *session.Session) string {
	switch {
	case granted != "":
		return granted
	case requested != "":
		return requested
	default:
		return s.TokenSet.Scope
	}
}
