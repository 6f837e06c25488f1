package authchain

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/authchain/authchain/internal/oauthhttp"
	"github.com/authchain/authchain/mw"
)

// Refresh results, and the rotations they made, are kept this long, so that a request still
// carrying a rotated-out refresh token gets the new tokens instead of spending the old one; at
// most this many of each are kept.
const (
	refreshResultTTL   = 30 * time.Second
	refreshResultLimit = 4096
)

// refreshRequest is one refresh: the refresh token and what it asks for. An empty audience
// asks for the session's default one. subject is the login's; a refreshed ID token must name
// it (when it is unknown, the caller must not use the ID token).
type refreshRequest struct {
	refreshToken, audience, scope, subject string
}

// key identifies the refresh (token, audience and scope) without holding the token itself.
func (q refreshRequest) key() string {
	sum := sha256.Sum256([]byte(q.refreshToken + "\x00" + q.audience + "\x00" + q.scope))
	return string(sum[:])
}

// tokenKey identifies the refresh token without holding it.
func tokenKey(refreshToken string) string {
	sum := sha256.Sum256([]byte(refreshToken))
	return string(sum[:])
}

// rotation is a refresh that replaced a refresh token: what it asked for and what it got,
// the new refresh token included.
type rotation struct {
	audience, scope string
	tokens          *mw.Tokens
}

// refreshOutcome is what a refresh gives one request: its own tokens, and the rotations it
// followed first (other requests' refreshes that had replaced its refresh token), oldest
// first. When the refresh fails after following rotations, tokens is nil.
type refreshOutcome struct {
	tokens   *mw.Tokens
	followed []rotation
}

// refresher serializes the refreshes of each refresh token, whatever audience or scope they
// ask for, so that a provider that rotates refresh tokens never sees one spent twice. A
// request whose refresh token was rotated by another request follows the rotation to the
// newest token; requests asking for the same thing share one result for a short while.
type refresher struct {
	provider *provider
	now      func() time.Time
	locks    *tokenLocks

	mu        sync.Mutex
	results   *expiring[*mw.Tokens] // by refreshRequest.key
	rotations *expiring[rotation]   // by tokenKey of the replaced refresh token
}

func newRefresher(p *provider, now func() time.Time) *refresher {
	return &refresher{
		provider: p, now: now, locks: newTokenLocks(),
		results:   newExpiring[*mw.Tokens](refreshResultLimit),
		rotations: newExpiring[rotation](refreshResultLimit),
	}
}

// refresh returns the tokens for q: a recent result for the same request, or a refresh made
// while holding the refresh token's lock, after following any rotation of the token to the
// newest one. The refresh runs to its end even when the caller goes away, so that a rotation
// the provider made is never lost; a caller whose context ends while it waits for the lock
// stops waiting. On failure the outcome still lists the rotations followed, whose tokens the
// caller must save.
func (f *refresher) refresh(ctx context.Context, q refreshRequest) (*refreshOutcome, error) {
	if t := f.recent(q.key()); t != nil {
		return &refreshOutcome{tokens: t}, nil
	}
	out := &refreshOutcome{}
	seen := map[string]bool{}
	for {
		tk := tokenKey(q.refreshToken)
		if seen[tk] {
			return out, errors.New("authchain: the provider's refresh-token rotations form a loop")
		}
		seen[tk] = true
		release, err := f.locks.lock(ctx, tk)
		if err != nil {
			return out, err
		}
		t, rot, err := f.refreshLocked(ctx, q, tk)
		release()
		switch {
		case err != nil:
			return out, err
		case t != nil:
			out.tokens = t
			return out, nil
		}
		out.followed = append(out.followed, rot)
		q.refreshToken = rot.tokens.RefreshToken
	}
}

// refreshLocked runs with the lock of q's refresh token (tk) held. It returns a recent result
// for q, or the rotation that replaced the token (to follow), or a new refresh's tokens.
func (f *refresher) refreshLocked(ctx context.Context, q refreshRequest, tk string) (*mw.Tokens, rotation, error) {
	if t := f.recent(q.key()); t != nil {
		return t, rotation{}, nil
	}
	if rot, ok := f.rotated(tk); ok {
		return nil, rot, nil
	}
	t, err := f.provider.Refresh(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil, rotation{}, err
	}
	f.remember(q, tk, t)
	return t, rotation{}, nil
}

func (f *refresher) recent(key string) *mw.Tokens {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, _ := f.results.get(key, f.now())
	return t
}

func (f *refresher) rotated(tk string) (rotation, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rotations.get(tk, f.now())
}

// remember keeps the result of q, and the rotation when the provider replaced the token.
func (f *refresher) remember(q refreshRequest, tk string, t *mw.Tokens) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	until := now.Add(refreshResultTTL)
	f.results.put(q.key(), t, until, now)
	if t.RefreshToken != "" && t.RefreshToken != q.refreshToken {
		f.rotations.put(tk, rotation{audience: q.audience, scope: q.scope, tokens: t}, until, now)
	}
}

// Refresh asks the token endpoint for new tokens with a refresh token (RFC 6749 §6), for an
// audience and scope when given. An ID token in the answer is verified (OpenID Connect Core
// §12.2: same issuer, audience and subject); an answer without one is fine.
func (p *provider) Refresh(ctx context.Context, q refreshRequest) (*mw.Tokens, error) {
	m, auth, err := p.tokenEndpoint(ctx)
	if err != nil {
		return nil, err
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {q.refreshToken}}
	if q.scope != "" {
		form.Set("scope", q.scope)
	}
	if q.audience != "" {
		form.Set("audience", q.audience)
	}
	var resp oauthhttp.TokenResponse
	if err := oauthhttp.PostForm(ctx, p.http, m.TokenEndpoint, form, auth, &resp); err != nil {
		return nil, refreshError(err)
	}
	if resp.AccessToken == "" {
		return nil, fmt.Errorf("%w: the token response has no access token", mw.ErrProviderUnavailable)
	}
	t := &mw.Tokens{
		AccessToken: resp.AccessToken, RefreshToken: resp.RefreshToken, IDToken: resp.IDToken,
		TokenType: resp.TokenType, Scope: resp.Scope,
	}
	if resp.ExpiresIn > 0 {
		t.ExpiresAt = p.now().Add(time.Duration(resp.ExpiresIn) * time.Second).Truncate(time.Second)
	}
	if resp.IDToken != "" {
		check := mw.IDTokenCheck{Refresh: true, Subject: q.subject, MaxAge: -1}
		if t.Claims, err = p.verifyIDToken(ctx, m, resp.IDToken, resp.AccessToken, check); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// refreshError classifies a failed refresh like a failed code exchange.
func refreshError(err error) error {
	var oe *oauthhttp.Error
	if errors.As(err, &oe) && oe.Code != "" && oe.StatusCode < 500 {
		return &mw.OAuthError{Code: oe.Code, Description: oe.Description}
	}
	return fmt.Errorf("%w: token endpoint: %w", mw.ErrProviderUnavailable, err)
}
