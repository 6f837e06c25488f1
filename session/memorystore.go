package session

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// MemoryStore is a Store in the process's memory, for tests, development and single-instance
// applications. It expires sessions by the clock it is given, and indexes them by the
// provider's session id and subject for back-channel logout.
type MemoryStore struct {
	now func() time.Time

	mu      sync.Mutex
	entries map[string]memoryEntry
	bySID   map[string]map[string]struct{} // provider session id -> session ids
	bySub   map[string]map[string]struct{} // subject -> session ids
	writes  int
}

type memoryEntry struct {
	data      []byte
	sid, sub  string
	expiresAt time.Time
}

// sweepEvery is how many writes pass between sweeps of expired entries.
const sweepEvery = 256

var (
	_ Store         = (*MemoryStore)(nil)
	_ Updater       = (*MemoryStore)(nil)
	_ LogoutDeleter = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty MemoryStore that tells time with now (nil: time.Now).
func NewMemoryStore(now func() time.Time) *MemoryStore {
	return &MemoryStore{
		now:     clock(now),
		entries: make(map[string]memoryEntry),
		bySID:   make(map[string]map[string]struct{}),
		bySub:   make(map[string]map[string]struct{}),
	}
}

// Get returns a copy of the session stored under id, or nil when there is none.
func (m *MemoryStore) Get(_ context.Context, id string) (*Session, error) {
	m.mu.Lock()
	e, ok := m.entries[id]
	if ok && !m.now().Before(e.expiresAt) {
		m.removeLocked(id)
		ok = false
	}
	m.mu.Unlock()
	if !ok {
		return nil, nil
	}
	s := new(Session)
	if err := s.UnmarshalJSON(e.data); err != nil {
		return nil, fmt.Errorf("session: memory store: %w", err)
	}
	return s, nil
}

// Set stores a copy of s under id until expiresAt.
func (m *MemoryStore) Set(_ context.Context, id string, s *Session, expiresAt time.Time) error {
	e, err := newMemoryEntry(s, expiresAt)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.removeLocked(id)
	m.putLocked(id, e)
	m.sweepLocked()
	return nil
}

// Update stores a copy of s under id only if a live session is stored there.
func (m *MemoryStore) Update(_ context.Context, id string, s *Session, expiresAt time.Time) (bool, error) {
	e, err := newMemoryEntry(s, expiresAt)
	if err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.entries[id]
	if !ok || !m.now().Before(old.expiresAt) {
		m.removeLocked(id)
		return false, nil
	}
	m.removeLocked(id)
	m.putLocked(id, e)
	return true, nil
}

// Delete removes the session stored under id.
func (m *MemoryStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	m.removeLocked(id)
	m.mu.Unlock()
	return nil
}

// DeleteByLogoutToken deletes every session the token names.
func (m *MemoryStore) DeleteByLogoutToken(_ context.Context, t LogoutToken) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	candidates := m.bySID[t.SID]
	if t.SID == "" {
		candidates = m.bySub[t.Subject]
	}
	var doomed []string
	for id := range candidates {
		if e := m.entries[id]; t.matches(e.sid, e.sub) {
			doomed = append(doomed, id)
		}
	}
	for _, id := range doomed {
		m.removeLocked(id)
	}
	return len(doomed), nil
}

// Len returns how many sessions are stored, expired ones included until they are swept.
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

func newMemoryEntry(s *Session, expiresAt time.Time) (memoryEntry, error) {
	data, err := s.appendJSON(nil)
	if err != nil {
		return memoryEntry{}, err
	}
	return memoryEntry{data: data, sid: s.Internal.SID, sub: s.Subject(), expiresAt: expiresAt}, nil
}

// sweepLocked drops expired entries every sweepEvery writes.
func (m *MemoryStore) sweepLocked() {
	m.writes++
	if m.writes%sweepEvery != 0 {
		return
	}
	now := m.now()
	for id, e := range m.entries {
		if !now.Before(e.expiresAt) {
			m.removeLocked(id)
		}
	}
}

func (m *MemoryStore) putLocked(id string, e memoryEntry) {
	m.entries[id] = e
	addIndex(m.bySID, e.sid, id)
	addIndex(m.bySub, e.sub, id)
}

func (m *MemoryStore) removeLocked(id string) {
	e, ok := m.entries[id]
	if !ok {
		return
	}
	delete(m.entries, id)
	dropIndex(m.bySID, e.sid, id)
	dropIndex(m.bySub, e.sub, id)
}

func addIndex(index map[string]map[string]struct{}, key, id string) {
	if key == "" {
		return
	}
	ids := index[key]
	if ids == nil {
		ids = make(map[string]struct{})
		index[key] = ids
	}
	ids[id] = struct{}{}
}

func dropIndex(index map[string]map[string]struct{}, key, id string) {
	if ids := index[key]; ids != nil {
		delete(ids, id)
		if len(ids) == 0 {
			delete(index, key)
		}
	}
}
