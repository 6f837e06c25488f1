package provider

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/url"
	"sync"
	"time"
)

// Refresh results, and the rotations they made, are kept this long, so that a request still
// carrying a rotated-out refresh token gets the new tokens instead of spending the old one; at
// most this many of each are kept.
const (
	refreshResultTTL   = 30 * time.Second
	refreshResultLimit = 4096
)

// RefreshRequest is one refresh: the refresh token and what it asks for.
type RefreshRequest struct {
	// RefreshToken is the refresh token to spend.
	RefreshToken string
	// Audience asks for an access token for another API (Auth0's multi-resource refresh
	// tokens); empty asks for the login's.
	Audience string
	// Scope asks for this scope; empty asks for the login's.
	Scope string
	// Subject is the login's subject: a refreshed ID token must name it. When it is empty,
	// the caller must not take a refreshed ID token's claims for the user's.
	Subject string
}

// key identifies the refresh (token, audience and scope) without holding the token itself.
func (q RefreshRequest) key() string {
	sum := sha256.Sum256([]byte(q.RefreshToken + "\x00" + q.Audience + "\x00" + q.Scope))
	return string(sum[:])
}

// tokenKey identifies a refresh token without holding it.
func tokenKey(refreshToken string) string {
	sum := sha256.Sum256([]byte(refreshToken))
	return string(sum[:])
}

// Rotation is an earlier refresh that replaced the request's refresh token: what it asked for
// and what it got, the new refresh token included.
type Rotation struct {
	// Audience and Scope are what that refresh asked for.
	Audience, Scope string
	// Tokens are its answer.
	Tokens *Tokens
}

// RefreshResult is what a refresh gives one request.
type RefreshResult struct {
	// Tokens are the tokens the request asked for; nil when the refresh failed.
	Tokens *Tokens
	// Followed are the rotations of other requests that had replaced the request's refresh
	// token, oldest first. Their tokens belong in the session too, even when the refresh
	// failed: the refresh token they replaced is spent.
	Followed []Rotation
}

// Refresh returns new tokens for q (RFC 6749 §6). An ID token in the answer is verified
// (OpenID Connect Core §12.2: same issuer, audience and subject); an answer without one is
// fine.
//
// The refreshes of one refresh token run one at a time, whatever audience or scope they ask
// for, so a provider that rotates refresh tokens never sees one spent twice: a request whose
// refresh token another request has just rotated continues with the new one (see
// RefreshResult.Followed), and requests asking for the same thing within 30 seconds share one
// answer. With Config.Coordinator, the same holds across the instances of the application. Each refresh runs to its end even when its caller goes away, so that a rotation is
// never lost; a caller whose context ends while it waits stops waiting.
//
// The result is never nil: on failure it still lists the rotations followed. A refusal (an
// expired or revoked refresh token) is an *Error with Code invalid_grant.
func (p *Provider) Refresh(ctx context.Context, q RefreshRequest) (*RefreshResult, error) {
	return p.refresher.refresh(ctx, q)
}

// refreshOnce is one call to the token endpoint.
func (p *Provider) refreshOnce(ctx context.Context, q RefreshRequest) (*Tokens, error) {
	m, err := p.metadata(ctx)
	if err != nil {
		return nil, err
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {q.RefreshToken}}
	if q.Scope != "" {
		form.Set("scope", q.Scope)
	}
	if q.Audience != "" {
		form.Set("audience", q.Audience)
	}
	resp, err := p.tokenRequest(ctx, m, form)
	if err != nil {
		return nil, err
	}
	t := resp.tokens(p.cfg.Now())
	if resp.IDToken != "" {
		check := IDTokenCheck{Refresh: true, Subject: q.Subject, MaxAge: -1}
		if t.Claims, err = p.verifyIDToken(ctx, m, resp.IDToken, resp.AccessToken, check); err != nil {
			return nil, err
		}
	}
	return t, nil
}

var errRotationLoop = errors.New("provider: the provider's refresh-token rotations form a loop")

// refresher serializes the refreshes of each refresh token and remembers their results and
// rotations for a short while.
type refresher struct {
	once  func(context.Context, RefreshRequest) (*Tokens, error)
	now   func() time.Time
	locks *tokenLocks
	// coord, when set, coordinates the refreshes with other instances; lease bounds how long
	// one holds its lock, and how long another waits for it.
	coord Coordinator
	lease time.Duration

	mu        sync.Mutex
	results   *expiring[*Tokens]  // by RefreshRequest.key
	rotations *expiring[Rotation] // by tokenKey of the replaced refresh token
}

func newRefresher(once func(context.Context, RefreshRequest) (*Tokens, error), now func() time.Time, coord Coordinator, lease time.Duration) *refresher {
	return &refresher{
		once: once, now: now, locks: newTokenLocks(), coord: coord, lease: lease,
		results:   newExpiring[*Tokens](refreshResultLimit),
		rotations: newExpiring[Rotation](refreshResultLimit),
	}
}

// refresh returns the tokens for q: a recent result for the same request, or a refresh made
// while holding the refresh token's lock, after following any rotation of the token to the
// newest one.
func (f *refresher) refresh(ctx context.Context, q RefreshRequest) (*RefreshResult, error) {
	out := &RefreshResult{}
	if t := f.recent(q.key()); t != nil {
		out.Tokens = t
		return out, nil
	}
	var err error
	out.Followed, err = f.follow(ctx, q.RefreshToken, func(ctx context.Context, rt, tk string) (Rotation, bool, error) {
		q.RefreshToken = rt
		t, rot, err := f.refreshLocked(ctx, q, tk)
		if err != nil || t != nil {
			out.Tokens = t
			return Rotation{}, false, err
		}
		return rot, true, nil
	})
	return out, err
}

// refreshLocked runs with the lock of q's refresh token (tk) held. It returns a recent result
// for q, or the rotation that replaced the token (to follow), or a new refresh's tokens.
func (f *refresher) refreshLocked(ctx context.Context, q RefreshRequest, tk string) (*Tokens, Rotation, error) {
	if t := f.recent(q.key()); t != nil {
		return t, Rotation{}, nil
	}
	if rot, ok := f.rotated(tk); ok {
		return nil, rot, nil
	}
	if f.coord != nil {
		return f.coordinated(ctx, q, tk)
	}
	t, err := f.once(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil, Rotation{}, err
	}
	f.remember(q, tk, t)
	return t, Rotation{}, nil
}

func (f *refresher) recent(key string) *Tokens {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, _ := f.results.get(key, f.now())
	return t
}

func (f *refresher) rotated(tk string) (Rotation, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rotations.get(tk, f.now())
}

// rememberRotation keeps a rotation of the refresh token tk that another instance made.
func (f *refresher) rememberRotation(tk string, rot Rotation) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	f.rotations.put(tk, rot, now.Add(refreshResultTTL), now)
}

// remember keeps the result of q, and the rotation when the provider replaced the token.
func (f *refresher) remember(q RefreshRequest, tk string, t *Tokens) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	until := now.Add(refreshResultTTL)
	f.results.put(q.key(), t, until, now)
	if t.RefreshToken != "" && t.RefreshToken != q.RefreshToken {
		f.rotations.put(tk, Rotation{Audience: q.Audience, Scope: q.Scope, Tokens: t}, until, now)
	}
}
