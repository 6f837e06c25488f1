package authchain

import (
	"context"
	"errors"
	"net/http"

	"github.com/authchain/authchain/mw"
	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/token"
)

// AccessTokenOption tunes one AccessToken call.
type AccessTokenOption interface{ apply(*accessTokenRequest) }

type accessTokenRequest struct {
	audience, scope string
	refresh         bool
}

type accessTokenOption func(*accessTokenRequest)

func (o accessTokenOption) apply(q *accessTokenRequest) { o(q) }

// WithAudience asks for a token for another API than the session's default: the provider
// issues it from the refresh token (Auth0's multi-resource refresh tokens) and the session
// keeps it until it expires.
func WithAudience(audience string) AccessTokenOption {
	return accessTokenOption(func(q *accessTokenRequest) { q.audience = audience })
}

// WithScope asks for a token with this scope (space-separated).
func WithScope(scope string) AccessTokenOption {
	return accessTokenOption(func(q *accessTokenRequest) { q.scope = scope })
}

// WithRefresh refreshes the token even when it has not expired.
func WithRefresh() AccessTokenOption {
	return accessTokenOption(func(q *accessTokenRequest) { q.refresh = true })
}

// AccessToken returns an access token of the signed-in user, refreshed with the refresh token
// when it has expired (or expires within Config.TokenRefreshBuffer). The refreshes of one
// refresh token run one at a time, whatever audience or scope they ask for: requests that need
// the same refresh at the same moment share one call to the provider, and a request whose
// refresh token another request has just rotated continues with the new one (and saves both
// refreshes' tokens). A rotated refresh token and new user claims are saved in the session:
// inside Client.Middleware when the response starts (call AccessToken before writing),
// elsewhere at once into w's headers.
//
// Errors are *token.Error with Code missing_session, missing_refresh_token,
// failed_to_refresh_token (the session is kept; the cause holds the provider's
// *provider.Error when it sent one), failed_to_save_session (the provider rotated the refresh
// token but the session cannot be saved: the response has started, ErrHeadersWritten, or
// the session no longer fits its cookies, session.ErrTooLarge) or session_expired.
func (c *Client) AccessToken(w http.ResponseWriter, r *http.Request, opts ...AccessTokenOption) (*token.AccessToken, error) {
	var q accessTokenRequest
	for _, o := range opts {
		o.apply(&q)
	}
	ctx := r.Context()
	st := mw.StateFrom(ctx)
	var l *session.Loaded
	var s *session.Session
	if st != nil {
		s = st.Session()
	} else {
		var err error
		if l, err = c.sessions.Load(ctx, r); err != nil {
			return nil, err
		}
		s = l.Session
	}
	if s == nil {
		return nil, &token.Error{Code: token.CodeMissingSession, Message: "the user does not have an active session"}
	}
	at, updated, err := c.obtain(ctx, r, s, q)
	if updated != nil {
		// Saved even when obtain failed after the refresh: the provider has rotated the
		// refresh token, and the old one must never be spent again.
		if perr := c.persist(w, r, st, l, s, updated); perr != nil && err == nil {
			err = perr
		}
	}
	if err != nil {
		return nil, err
	}
	return at, nil
}

// obtain returns the token q asks for from s, refreshing when needed; updated is the session
// to save, nil when nothing changed.
func (c *Client) obtain(ctx context.Context, r *http.Request, s *session.Session, q accessTokenRequest) (*token.AccessToken, *session.Session, error) {
	if at := c.stored(s, q); at != nil {
		return at, nil, nil
	}
	if c.cfg.SessionStore != nil {
		// Another instance may have refreshed this session already: use its tokens rather than
		// spend a refresh token it rotated out.
		latest, err := c.latest(ctx, r, s)
		if err != nil {
			return nil, nil, err
		}
		if latest != s {
			if at := c.stored(latest, q); at != nil {
				return at, latest, nil
			}
			s = latest
		}
	}
	at, updated, err := c.refresh(ctx, s, q)
	if err != nil && isInvalidGrant(err) && c.cfg.SessionStore != nil {
		// The refresh token was rotated by another instance between the read and the refresh.
		latest, lerr := c.latest(ctx, r, s)
		if lerr != nil {
			return nil, nil, lerr
		}
		if latest != s {
			return c.refresh(ctx, latest, q)
		}
	}
	return at, updated, err
}

// stored returns the session's token for q when it is valid beyond the refresh buffer and no
// refresh is asked for.
func (c *Client) stored(s *session.Session, q accessTokenRequest) *token.AccessToken {
	audience, isDefault := targetAudience(s, q)
	current := findToken(s, audience, q.scope, isDefault)
	if current == nil || current.Token == "" || q.refresh {
		return nil
	}
	if !c.cfg.Now().Add(c.cfg.TokenRefreshBuffer).Before(current.ExpiresAt) {
		return nil
	}
	return current
}

// latest reads the stored session again; it returns s itself when the store holds the same
// refresh token.
func (c *Client) latest(ctx context.Context, r *http.Request, s *session.Session) (*session.Session, error) {
	fresh, err := c.sessions.Load(ctx, r)
	if err != nil {
		return nil, err
	}
	if fresh.Session == nil {
		return nil, &token.Error{Code: token.CodeSessionExpired, Message: "the session ended while the token was refreshed"}
	}
	if fresh.Session.TokenSet.RefreshToken == s.TokenSet.RefreshToken {
		return s, nil
	}
	return fresh.Session, nil
}

// refresh refreshes the token q asks for with s's refresh token.
func (c *Client) refresh(ctx context.Context, s *session.Session, q accessTokenRequest) (*token.AccessToken, *session.Session, error) {
	audience, isDefault := targetAudience(s, q)
	rt := s.TokenSet.RefreshToken
	if rt == "" {
		return nil, nil, &token.Error{Code: token.CodeMissingRefreshToken,
			Message: "the access token is missing or expired and the session has no refresh token"}
	}
	req := provider.RefreshRequest{RefreshToken: rt, Scope: q.scope, Subject: s.Subject()}
	if !isDefault || q.audience != "" {
		req.Audience = audience
	}
	out, err := c.provider.Refresh(ctx, req)
	// Other requests' refreshes replaced this session's refresh token first: their tokens go
	// into the session too, so that it is no older than theirs, even when this refresh fails.
	base := s
	for _, rot := range out.Followed {
		a, d := targetAudience(base, accessTokenRequest{audience: rot.Audience, scope: rot.Scope})
		base = c.applyTokens(base, rot.Tokens, a, rot.Scope, d)
	}
	if err != nil {
		var updated *session.Session
		if base != s {
			updated = base
		}
		return nil, updated, &token.Error{Code: token.CodeFailedToRefreshToken,
			Message: "refreshing the access token failed", Err: err}
	}
	tokens := out.Tokens
	updated, err := c.applyRefresh(ctx, base, tokens, audience, q.scope, isDefault)
	if err != nil {
		return nil, updated, &token.Error{Code: token.CodeFailedToRefreshToken,
			Message: "BeforeSessionSaved refused the refreshed session; the new tokens were kept with the previous user", Err: err}
	}
	return &token.AccessToken{Token: tokens.AccessToken, ExpiresAt: tokens.ExpiresAt, Scope: grantedScope(tokens.Scope, q.scope, s),
		TokenType: tokens.TokenType, Audience: audience}, updated, nil
}

// isInvalidGrant reports the provider refusing a refresh token (RFC 6749 §5.2).
func isInvalidGrant(err error) bool {
	var pe *provider.Error
	return errors.As(err, &pe) && pe.Code == "invalid_grant"
}

// persist saves a refreshed session: through the request's state inside the middleware, or
// straight into w's headers elsewhere. When the refresh token changed (the provider rotated
// it) and the session cannot be saved, the caller gets an error: handing out the token would
// lose the new refresh token, and the next refresh would spend the old one again.
func (c *Client) persist(w http.ResponseWriter, r *http.Request, st *mw.State, l *session.Loaded, before, s *session.Session) error {
	ctx := r.Context()
	err := c.save(ctx, w, st, l, s)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, session.ErrSessionGone), errors.Is(err, mw.ErrNoSession):
		return &token.Error{Code: token.CodeSessionExpired, Message: "the session ended while the token was refreshed"}
	case s.TokenSet.RefreshToken != before.TokenSet.RefreshToken:
		return &token.Error{Code: token.CodeFailedToSaveSession,
			Message: "the session with the rotated refresh token could not be saved", Err: err}
	default:
		c.logger.WarnContext(ctx, "authchain: saving the refreshed tokens failed", "error", err)
		return nil
	}
}

// save writes s as the request's session. Inside the middleware it is written when the
// response starts; that it will fit its cookies then is checked now.
func (c *Client) save(ctx context.Context, w http.ResponseWriter, st *mw.State, l *session.Loaded, s *session.Session) error {
	if st != nil {
		if ch, ok := c.sessions.(session.Checker); ok {
			if err := ch.Check(s); err != nil {
				return err
			}
		}
		return st.Update(s)
	}
	if l == nil {
		return nil
	}
	return c.sessions.Save(ctx, w.Header(), l, s, session.SaveOptions{})
}
