package authchain

import (
	"context"
	"errors"
	"maps"

	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// applyRefresh returns a copy of s with the refreshed tokens (see applyTokens) and, when the
// answer had an ID token, that token and the user's new claims (filtered as at login, or by
// BeforeSessionSaved). An answer without an ID token keeps the stored one and the user. When
// BeforeSessionSaved refuses, the copy with the new tokens and the previous user is returned
// with the error.
func (c *Client) applyRefresh(ctx context.Context, s *session.Session, t *mw.Tokens, audience, scope string, isDefault bool) (*session.Session, error) {
	ns := c.applyTokens(s, t, audience, scope, isDefault)
	if t.IDToken == "" {
		return ns, nil
	}
	if c.cfg.BeforeSessionSaved == nil {
		ns.TokenSet.IDToken = t.IDToken
		ns.User = session.NewUser(mw.FilterClaims(t.Claims, mw.DefaultUserClaims))
		return ns, nil
	}
	candidate := ns.Clone()
	candidate.TokenSet.IDToken = t.IDToken
	// The refresh result may be shared by concurrent requests: the hook gets its own claims.
	candidate.User = session.NewUser(maps.Clone(t.Claims))
	out, err := c.cfg.BeforeSessionSaved(ctx, BeforeSessionSavedInput{Session: candidate, IDToken: t.IDToken})
	switch {
	case err != nil:
		return ns, err
	case out == nil:
		return ns, errors.New("BeforeSessionSaved returned no session")
	}
	out.Internal = ns.Internal
	return out, nil
}

// applyTokens returns a copy of s with a refresh's tokens: the access token in the default set
// or among the per-audience tokens, and a rotated refresh token.
func (c *Client) applyTokens(s *session.Session, t *mw.Tokens, audience, scope string, isDefault bool) *session.Session {
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
	return ns
}

func upsertAudienceToken(s *session.Session, t token.AudienceToken) {
	for i, old := range s.AccessTokens {
		if old.Audience == t.Audience && old.RequestedScope == t.RequestedScope {
			s.AccessTokens[i] = t
			return
		}
	}
	s.AccessTokens = append(s.AccessTokens, t)
}
