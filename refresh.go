package authchain

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/authchain/authchain/internal/oauthhttp"
	"github.com/authchain/authchain/mw"
)

// Refresh results are kept this long, so that a request still carrying a rotated-out refresh
// token gets the new tokens instead of spending the old one; at most this many are kept.
const (
	refreshResultTTL   = 30 * time.Second
	refreshResultLimit = 4096
)

// refreshRequest is one refresh: the refresh token and what it asks for.
type refreshRequest struct {
	refreshToken, audience, scope, subject string
}

// key identifies the refresh without holding the token itself.
func (q refreshRequest) key() string {
	sum := sha256.Sum256([]byte(q.refreshToken + "\x00" + q.audience + "\x00" + q.scope))
	return string(sum[:])
}

// refresher makes sure the requests that need the same refresh at the same moment share one
// call to the provider, and keeps each result for a short while.
type refresher struct {
	provider *provider
	now      func() time.Time
	flight   singleflight.Group

	mu      sync.Mutex
	results map[string]refreshResult
}

type refreshResult struct {
	tokens *mw.Tokens
	until  time.Time
}

func newRefresher(p *provider, now func() time.Time) *refresher {
	return &refresher{provider: p, now: now, results: make(map[string]refreshResult)}
}

// refresh returns the tokens for q: a recent result for the same refresh token, or a new
// refresh shared with every concurrent caller. The refresh runs to its end even when the
// caller that started it goes away, since the others wait for it.
func (f *refresher) refresh(ctx context.Context, q refreshRequest) (*mw.Tokens, error) {
	key := q.key()
	if t := f.recent(key); t != nil {
		return t, nil
	}
	v, err, _ := f.flight.Do(key, func() (any, error) {
		if t := f.recent(key); t != nil {
			return t, nil
		}
		t, err := f.provider.Refresh(context.WithoutCancel(ctx), q)
		if err != nil {
			return nil, err
		}
		f.remember(key, t)
		return t, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*mw.Tokens), nil
}

func (f *refresher) recent(key string) *mw.Tokens {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.results[key]
	if !ok || !f.now().Before(r.until) {
		return nil
	}
	return r.tokens
}

func (f *refresher) remember(key string, t *mw.Tokens) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if len(f.results) >= refreshResultLimit {
		for k, r := range f.results {
			if !now.Before(r.until) {
				delete(f.results, k)
			}
		}
	}
	if len(f.results) >= refreshResultLimit {
		clear(f.results)
	}
	f.results[key] = refreshResult{tokens: t, until: now.Add(refreshResultTTL)}
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
