package mw

import (
	"context"
	"errors"
	"net/http"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// refresh refreshes the token q asks for with s's refresh token.
func (a *AccessTokens) refresh(ctx context.Context, s *session.Session, q AccessTokenRequest) (*token.AccessToken, *session.Session, error) {
	audience, isDefault := targetAudience(s, q)
	rt := s.TokenSet.RefreshToken
	if rt == "" {
		return nil, nil, &token.Error{Code: token.CodeMissingRefreshToken,
			Message: "the access token is missing or expired and the session has no refresh token"}
	}
	req := provider.RefreshRequest{RefreshToken: rt, Scope: q.Scope, Subject: s.Subject()}
	if !isDefault || q.Audience != "" {
		req.Audience = audience
	}
	out, err := a.opts.Provider.Refresh(ctx, req)
	// Other requests' refreshes replaced this session's refresh token first: their tokens go
	// into the session too, so that it is no older than theirs, even when this refresh fails.
	base := s
	if out != nil {
		base = a.applyRotations(base, out.Followed)
	}
	if err != nil {
		var updated *session.Session
		if base != s {
			updated = base
		}
		if mfa := a.mfaRequired(err, audience, q.Scope); mfa != nil {
			return nil, updated, mfa
		}
		return nil, updated, &token.Error{Code: token.CodeFailedToRefreshToken,
			Message: "refreshing the access token failed", Err: err}
	}
	tokens := out.Tokens
	updated, err := a.applyRefresh(ctx, base, tokens, audience, q.Scope, isDefault)
	if err != nil {
		return nil, updated, &token.Error{Code: token.CodeFailedToRefreshToken,
			Message: "BeforeSessionSaved refused the refreshed session; the new tokens were kept with the previous user", Err: err}
	}
	return &token.AccessToken{Token: tokens.AccessToken, ExpiresAt: tokens.ExpiresAt, Scope: grantedScope(tokens.Scope, q.Scope, s),
		TokenType: tokens.TokenType, Audience: audience}, updated, nil
}

// applyRotations returns s with the tokens of the rotations followed (other requests'
// refreshes of its refresh token), or s itself when there are none.
func (a *AccessTokens) applyRotations(s *session.Session, followed []provider.Rotation) *session.Session {
	for _, rot := range followed {
		aud, d := targetAudience(s, AccessTokenRequest{Audience: rot.Audience, Scope: rot.Scope})
		s = a.applyTokens(s, rot.Tokens, aud, rot.Scope, d)
	}
	return s
}

// isInvalidGrant reports the provider refusing a refresh token (RFC 6749 §5.2).
func isInvalidGrant(err error) bool {
	var pe *provider.Error
	return errors.As(err, &pe) && pe.Code == "invalid_grant"
}

// persist saves a refreshed session: through the request's state behind RollingSession, or
// straight into w's headers elsewhere. When the refresh token changed (the provider rotated
// it) and the session cannot be saved, the caller gets an error: handing out the token would
// lose the new refresh token, and the next refresh would spend the old one again.
func (a *AccessTokens) persist(w http.ResponseWriter, r *http.Request, st *requestState, l *session.Loaded, before, s *session.Session) error {
	ctx := r.Context()
	err := a.save(ctx, w, st, l, s)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, session.ErrSessionGone), errors.Is(err, ErrNoSession):
		return &token.Error{Code: token.CodeSessionExpired, Message: "the session ended while the token was refreshed"}
	case s.TokenSet.RefreshToken != before.TokenSet.RefreshToken:
		return &token.Error{Code: token.CodeFailedToSaveSession,
			Message: "the session with the rotated refresh token could not be saved", Err: err}
	default:
		a.opts.Logger.WarnContext(ctx, "authchain: saving the refreshed tokens failed", "error", err)
		return nil
	}
}

// save writes s as the request's session. Behind RollingSession it is written when the
// response starts; that it will fit its cookies then is checked now.
func (a *AccessTokens) save(ctx context.Context, w http.ResponseWriter, st *requestState, l *session.Loaded, s *session.Session) error {
	if st != nil {
		if ch, ok := a.opts.Sessions.(session.Checker); ok {
			if err := ch.Check(s); err != nil {
				return err
			}
		}
		return st.Update(s)
	}
	if l == nil {
		return nil
	}
	return a.opts.Sessions.Save(ctx, w.Header(), l, s, session.SaveOptions{})
}
