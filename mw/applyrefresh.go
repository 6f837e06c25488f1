package mw

import (
	"context"
	"slices"
	"time"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// maxAudienceTokens is how many per-audience access tokens a session keeps, so that a session
// in cookies cannot grow until it no longer fits: the least recently obtained go first.
const maxAudienceTokens = 8

// applyRefresh returns a copy of s with the refreshed tokens (see applyTokens) and, when the
// answer had an ID token, that token and the user's new claims (filtered as at login, or by
// BeforeSessionSaved). An answer without an ID token keeps the stored one and the user, and
// so does one for a session whose login subject is unknown: the refresh could not check that
// the ID token names the same user. When BeforeSessionSaved refuses, the copy with the new
// tokens and the previous user is returned with the error.
func (a *AccessTokens) applyRefresh(ctx context.Context, s *session.Session, t *provider.Tokens, audience, scope string, isDefault bool) (*session.Session, error) {
	ns := a.applyTokens(s, t, audience, scope, isDefault)
	if t.IDToken == "" || s.Subject() == "" {
		return ns, nil
	}
	candidate := ns.Clone()
	candidate.TokenSet.IDToken = t.IDToken
	out, err := a.opts.BeforeSessionSaved.withUser(ctx, candidate, t.Claims, t.IDToken)
	if err != nil {
		return ns, err
	}
	pruneAudienceTokens(out, a.opts.Now())
	return out, nil
}

// applyTokens returns a copy of s with a refresh's tokens: the access token in the default set
// or among the per-audience tokens, and a rotated refresh token. Per-audience tokens that have
// expired are dropped, and the oldest beyond maxAudienceTokens.
func (a *AccessTokens) applyTokens(s *session.Session, t *provider.Tokens, audience, scope string, isDefault bool) *session.Session {
	ns := s.Clone()
	if t.RefreshToken != "" {
		ns.TokenSet.RefreshToken = t.RefreshToken
	}
	granted := grantedScope(t.Scope, scope, s)
	if isDefault {
		ts := &ns.TokenSet
		ts.AccessToken, ts.ExpiresAt, ts.Scope = t.AccessToken, t.ExpiresAt, granted
		if t.TokenType != "" {
			ts.TokenType = t.TokenType
		}
	} else {
		upsertAudienceToken(ns, token.AudienceToken{
			AccessToken: t.AccessToken, Audience: audience, Scope: granted, RequestedScope: scope,
			ExpiresAt: t.ExpiresAt, TokenType: t.TokenType,
		})
	}
	pruneAudienceTokens(ns, a.opts.Now())
	return ns
}

// upsertAudienceToken puts t last among s's per-audience tokens, in place of the token for the
// same audience and requested scope.
func upsertAudienceToken(s *session.Session, t token.AudienceToken) {
	s.AccessTokens = slices.DeleteFunc(s.AccessTokens, func(old token.AudienceToken) bool {
		return old.Audience == t.Audience && old.RequestedScope == t.RequestedScope
	})
	s.AccessTokens = append(s.AccessTokens, t)
}

// pruneAudienceTokens drops s's per-audience tokens that have expired at now, then the first
// ones (the least recently obtained) beyond maxAudienceTokens.
func pruneAudienceTokens(s *session.Session, now time.Time) {
	s.AccessTokens = keepRecent(s.AccessTokens, now, maxAudienceTokens)
}

// expiring is a token a session keeps a list of, as a pointer.
type expiring[T any] interface {
	*T
	Expired(now time.Time, buffer time.Duration) bool
}

// keepRecent returns tokens without those expired at now, and without the first ones (the least
// recently obtained) beyond limit; nil when none is left.
func keepRecent[T any, P expiring[T]](tokens []T, now time.Time, limit int) []T {
	tokens = slices.DeleteFunc(tokens, func(t T) bool { return P(&t).Expired(now, 0) })
	if n := len(tokens); n > limit {
		tokens = slices.Delete(tokens, 0, n-limit)
	}
	if len(tokens) == 0 {
		return nil
	}
	return tokens
}
