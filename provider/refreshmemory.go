package provider

import (
	"context"
	"sync"
	"time"
)

// expiring is a map whose entries live until a deadline, with at most limit entries: when it
// is full, expired entries go first, then everything. It is not safe for concurrent use.
type expiring[V any] struct {
	limit   int
	entries map[string]expiringEntry[V]
}

type expiringEntry[V any] struct {
	value V
	until time.Time
}

func newExpiring[V any](limit int) *expiring[V] {
	return &expiring[V]{limit: limit, entries: make(map[string]expiringEntry[V])}
}

// get returns the live entry under key.
func (e *expiring[V]) get(key string, now time.Time) (V, bool) {
	en, ok := e.entries[key]
	if !ok || !now.Before(en.until) {
		var zero V
		return zero, false
	}
	return en.value, true
}

// put keeps v under key until until.
func (e *expiring[V]) put(key string, v V, until, now time.Time) {
	if len(e.entries) >= e.limit {
		for k, en := range e.entries {
			if !now.Before(en.until) {
				delete(e.entries, k)
			}
		}
	}
	if len(e.entries) >= e.limit {
		clear(e.entries)
	}
	e.entries[key] = expiringEntry[V]{value: v, until: until}
}

// tokenLocks serializes the work on each refresh token: one holder at a time per key. An
// entry lives only while someone holds or waits for it, so the map holds at most one entry
// per request in flight.
type tokenLocks struct {
	mu    sync.Mutex
	locks map[string]*tokenLock
}

type tokenLock struct {
	sem   chan struct{}
	users int // holders and waiters
}

func newTokenLocks() *tokenLocks { return &tokenLocks{locks: make(map[string]*tokenLock)} }

// lock waits for the lock of key, or until ctx is done; release it with the returned func.
func (t *tokenLocks) lock(ctx context.Context, key string) (func(), error) {
	t.mu.Lock()
	l := t.locks[key]
	if l == nil {
		l = &tokenLock{sem: make(chan struct{}, 1)}
		t.locks[key] = l
	}
	l.users++
	t.mu.Unlock()
	select {
	case l.sem <- struct{}{}:
		return func() {
			<-l.sem
			t.leave(key, l)
		}, nil
	case <-ctx.Done():
		t.leave(key, l)
		return nil, ctx.Err()
	}
}

func (t *tokenLocks) leave(key string, l *tokenLock) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if l.users--; l.users == 0 {
		delete(t.locks, key)
	}
}
