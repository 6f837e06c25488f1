package session

import (
	"context"
	"errors"
	"sync"
	"time"
)

// The bounds of the in-memory logout records and replay cache. When one is full, each new
// entry pushes out the oldest: a pushed-out logout record no longer signs its sessions out,
// and a pushed-out jti could be replayed while its token is still valid. Applications that
// may see that many back-channel logouts within a session's absolute duration, or that run
// more than one instance, keep them in a shared store instead (Redis).
const (
	MemoryLogoutRecordsLimit = 1 << 18
	MemoryReplayCacheLimit   = 1 << 16
)

// MemoryLogoutRecords is a LogoutRecorder in the process's memory, for an application that
// runs as one instance: its answers are never stale, but other instances never see them. It
// keeps each record until it expires, and at most MemoryLogoutRecordsLimit records (the
// oldest go first). It is safe for concurrent use.
type MemoryLogoutRecords struct {
	now func() time.Time

	mu      sync.Mutex
	records *expiringMap[time.Time] // "sid "+SID or "sub "+Subject -> the latest logout
}

var _ LogoutRecorder = (*MemoryLogoutRecords)(nil)

// NewMemoryLogoutRecords returns empty records that tell time with now (nil: time.Now).
func NewMemoryLogoutRecords(now func() time.Time) *MemoryLogoutRecords {
	return &MemoryLogoutRecords{now: clock(now), records: newExpiringMap[time.Time](MemoryLogoutRecordsLimit)}
}

// recordKey is where a record is kept: under its SID, or for a record without one under its
// Subject.
func recordKey(sid, sub string) string {
	if sid != "" {
		return "sid " + sid
	}
	return "sub " + sub
}

// RecordLogout keeps r until expires. A later record for the same SID (or Subject) replaces
// an earlier one; the later logout time and expiry win.
func (m *MemoryLogoutRecords) RecordLogout(_ context.Context, r LogoutRecord, expires time.Time) error {
	if r.SID == "" && r.Subject == "" {
		return errors.New("session: a logout record needs a SID or a Subject")
	}
	key := recordKey(r.SID, r.Subject)
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if at, until, ok := m.records.get(key, now); ok {
		if at.After(r.At) {
			r.At = at
		}
		if until.After(expires) {
			expires = until
		}
	}
	m.records.put(key, r.At, expires, now)
	return nil
}

// LoggedOut reports whether a record for sid, or for sub without a sid, is at or after
// created. It never fails.
func (m *MemoryLogoutRecords) LoggedOut(_ context.Context, sid, sub string, created time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if m.records.len() == 0 {
		return false, nil
	}
	if sid != "" {
		if at, _, ok := m.records.get(recordKey(sid, ""), now); ok && !at.Before(created) {
			return true, nil
		}
	}
	if sub != "" {
		if at, _, ok := m.records.get(recordKey("", sub), now); ok && !at.Before(created) {
			return true, nil
		}
	}
	return false, nil
}

// MemoryReplayCache is a ReplayCache in the process's memory, for an application that runs as
// one instance. It keeps each id until its time, and at most MemoryReplayCacheLimit ids (the
// oldest go first). It is safe for concurrent use.
type MemoryReplayCache struct {
	now func() time.Time

	mu  sync.Mutex
	ids *expiringMap[struct{}]
}

var (
	_ ReplayCache     = (*MemoryReplayCache)(nil)
	_ ReplayForgetter = (*MemoryReplayCache)(nil)
)

// NewMemoryReplayCache returns an empty cache that tells time with now (nil: time.Now).
func NewMemoryReplayCache(now func() time.Time) *MemoryReplayCache {
	return &MemoryReplayCache{now: clock(now), ids: newExpiringMap[struct{}](MemoryReplayCacheLimit)}
}

// FirstUse records id until the given time and reports whether this is its first use. It
// never fails.
func (c *MemoryReplayCache) FirstUse(_ context.Context, id string, until time.Time) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if _, _, seen := c.ids.get(id, now); seen {
		return false, nil
	}
	c.ids.put(id, struct{}{}, until, now)
	return true, nil
}

// Forget removes id. It never fails.
func (c *MemoryReplayCache) Forget(_ context.Context, id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.ids.byKey[id]; ok {
		c.ids.remove(el)
	}
	return nil
}
