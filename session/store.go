package session

import (
	"context"
	"time"
)

// Store keeps sessions on the server for the Stateful manager. Implementations must be safe
// for concurrent use.
type Store interface {
	// Get returns the session stored under id, or nil, nil when there is none (never stored,
	// deleted or expired): "not found" is not an error.
	Get(ctx context.Context, id string) (*Session, error)
	// Set stores s under id until expiresAt, replacing what was there.
	Set(ctx context.Context, id string, s *Session, expiresAt time.Time) error
	// Delete removes the session stored under id; deleting nothing is not an error.
	Delete(ctx context.Context, id string) error
}

// Updater is an optional Store capability: replace a session only if it still exists, in one
// atomic step. With it, a write racing a logout can never bring the session back; without it
// the Stateful manager checks with Get before Set, which leaves a small window.
type Updater interface {
	// Update stores s under id until expiresAt if a session is stored under id, and reports
	// whether it did.
	Update(ctx context.Context, id string, s *Session, expiresAt time.Time) (bool, error)
}

// LogoutToken identifies the sessions an OpenID Provider ends with a back-channel logout: the
// provider's session id, the user, or both (OpenID Connect Back-Channel Logout 1.0 §2.4).
type LogoutToken struct {
	// Issuer is the provider that sent the token.
	Issuer string
	// SID is the provider's session id (the ID token's sid); empty when not given.
	SID string
	// Subject is the user (the ID token's sub); empty when not given.
	Subject string
}

// LogoutDeleter is an optional Store capability that back-channel logout needs: delete every
// session that a logout token names. With both SID and Subject set, a session must match both.
type LogoutDeleter interface {
	// DeleteByLogoutToken deletes the matching sessions and returns how many it deleted.
	DeleteByLogoutToken(ctx context.Context, t LogoutToken) (int, error)
}

// matches reports whether a session with sid and sub is named by t.
func (t LogoutToken) matches(sid, sub string) bool {
	if t.SID == "" && t.Subject == "" {
		return false
	}
	return (t.SID == "" || t.SID == sid) && (t.Subject == "" || t.Subject == sub)
}
