package provider

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// sharedRefresh is what a Coordinator publishes of a refresh: what it asked for and what it
// got.
type sharedRefresh struct {
	Audience string       `json:"audience,omitempty"`
	Scope    string       `json:"scope,omitempty"`
	Tokens   sharedTokens `json:"tokens"`
}

// sharedTokens is Tokens in JSON.
type sharedTokens struct {
	AccessToken  string         `json:"access_token"`
	RefreshToken string         `json:"refresh_token,omitempty"`
	IDToken      string         `json:"id_token,omitempty"`
	TokenType    string         `json:"token_type,omitempty"`
	Scope        string         `json:"scope,omitempty"`
	ExpiresAt    int64          `json:"expires_at,omitempty"`
	Claims       map[string]any `json:"claims,omitempty"`
}

func shareTokens(t *Tokens) sharedTokens {
	s := sharedTokens{
		AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, IDToken: t.IDToken,
		TokenType: t.TokenType, Scope: t.Scope, Claims: t.Claims,
	}
	if !t.ExpiresAt.IsZero() {
		s.ExpiresAt = t.ExpiresAt.Unix()
	}
	return s
}

func (s sharedTokens) tokens() *Tokens {
	t := &Tokens{
		AccessToken: s.AccessToken, RefreshToken: s.RefreshToken, IDToken: s.IDToken,
		TokenType: s.TokenType, Scope: s.Scope, Claims: s.Claims,
	}
	if s.ExpiresAt != 0 {
		t.ExpiresAt = time.Unix(s.ExpiresAt, 0)
	}
	return t
}

// coordinated runs the refresh of q holding the Coordinator's lock of its refresh token (tk),
// so that no other instance refreshes it meanwhile. Under the lock it first reads what another
// instance published for the token: the same request's result, which it adopts, or a rotation
// of the token, to follow. Otherwise it refreshes and publishes the result.
func (f *refresher) coordinated(ctx context.Context, q RefreshRequest, tk string) (*Tokens, Rotation, error) {
	key := sharedKey(tk)
	release, err := f.lockShared(ctx, key)
	if err != nil {
		return nil, Rotation{}, err
	}
	defer release()
	if t, rot, ok, err := f.adopt(ctx, q, tk, key); err != nil || ok {
		return t, rot, err
	}
	t, err := f.once(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil, Rotation{}, err
	}
	f.remember(q, tk, t)
	// A failure to publish leaves the other instances to refresh on their own; the refresh
	// itself succeeded, and its tokens are this request's.
	_ = f.publish(context.WithoutCancel(ctx), key, q, t)
	return t, Rotation{}, nil
}

// sharedKey is the Coordinator's key of the refresh token whose tokenKey is tk.
func sharedKey(tk string) string { return hex.EncodeToString([]byte(tk)) }

// lockShared takes the Coordinator's lock of key, waiting for another instance that holds it.
func (f *refresher) lockShared(ctx context.Context, key string) (func(), error) {
	// A holder that went away frees the lock when its lease ends: wait a little longer.
	wait, cancel := context.WithTimeout(ctx, f.lease+time.Second)
	defer cancel()
	release, err := f.coord.Lock(wait, key, f.lease)
	if err != nil {
		return nil, fmt.Errorf("provider: waiting for another instance's refresh: %w", err)
	}
	return release, nil
}

// published returns what another instance published for key, nil when nothing.
func (f *refresher) published(ctx context.Context, key string) (*sharedRefresh, error) {
	raw, err := f.coord.Published(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("provider: reading another instance's refresh: %w", err)
	}
	if raw == nil {
		return nil, nil
	}
	var rec sharedRefresh
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("provider: another instance's refresh does not decode: %w", err)
	}
	return &rec, nil
}

// adopt returns what another instance published for tk: q's own result, or a rotation to
// follow (ok true); ok is false when there is nothing to adopt.
func (f *refresher) adopt(ctx context.Context, q RefreshRequest, tk, key string) (*Tokens, Rotation, bool, error) {
	rec, err := f.published(ctx, key)
	if err != nil || rec == nil {
		return nil, Rotation{}, false, err
	}
	if rec.Audience == q.Audience && rec.Scope == q.Scope {
		t := rec.Tokens.tokens()
		f.remember(q, tk, t)
		return t, Rotation{}, true, nil
	}
	if rot, ok := rec.rotationOf(q.RefreshToken); ok {
		f.rememberRotation(tk, rot)
		return nil, rot, true, nil
	}
	return nil, Rotation{}, false, nil
}

// rotationOf returns the rotation a published refresh made of the refresh token rt, when it
// replaced it; rec may be nil (nothing published).
func (rec *sharedRefresh) rotationOf(rt string) (Rotation, bool) {
	if rec == nil || rec.Tokens.RefreshToken == "" || rec.Tokens.RefreshToken == rt {
		return Rotation{}, false
	}
	return Rotation{Audience: rec.Audience, Scope: rec.Scope, Tokens: rec.Tokens.tokens()}, true
}

// publish makes the refresh of q known to the other instances for refreshResultTTL.
func (f *refresher) publish(ctx context.Context, key string, q RefreshRequest, t *Tokens) error {
	raw, err := json.Marshal(sharedRefresh{Audience: q.Audience, Scope: q.Scope, Tokens: shareTokens(t)})
	if err != nil {
		return err
	}
	return f.coord.Publish(ctx, key, raw, refreshResultTTL)
}
