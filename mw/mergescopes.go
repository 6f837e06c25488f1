package mw

import (
	"slices"
	"strings"

	"github.com/authchain/authchain/session"
)

// requestedScope returns the scope q asks for once AudienceScopes is applied: the audience's
// scope when q names an audience but no scope, the audience's scope merged with q's otherwise
// (unless NoMergeScopes). A request for the session's default token set without a scope is
// left as it is, so that it gets that token set.
func (a *AccessTokens) requestedScope(s *session.Session, q AccessTokenRequest) string {
	audience := q.Audience
	if audience == "" {
		audience = s.TokenSet.Audience
	}
	configured, ok := a.opts.AudienceScopes[audience]
	switch {
	case !ok:
		return q.Scope
	case q.Scope == "":
		if audience == s.TokenSet.Audience {
			return ""
		}
		return configured
	case q.NoMergeScopes:
		return q.Scope
	default:
		return MergeScopes(configured, q.Scope)
	}
}

// MergeScopes returns the words of the space-separated scopes, each once, in the order they
// first appear.
func MergeScopes(scopes ...string) string {
	var words []string
	for _, scope := range scopes {
		for w := range strings.FieldsSeq(scope) {
			if !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
	}
	return strings.Join(words, " ")
}
