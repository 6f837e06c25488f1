package session

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func newStateful(t *testing.T, clk *testClock, store Store) *Stateful {
	t.Helper()
	m, err := NewStateful(StatefulConfig{Store: store, Secret: testSecret, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestStatefulRoundTrip(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	store := NewMemoryStore(clk.Now)
	m := newStateful(t, clk, store)
	h := save(t, m, nil, realisticSession(clk.Now()))
	cookies := setCookies(t, h)
	c := cookies["__session"]
	if len(cookies) != 1 || c == nil {
		t.Fatalf("cookies = %v", keys(cookies))
	}
	if len(c.Value) > 200 || strings.Contains(c.Value, "Jane") {
		t.Errorf("the id cookie carries more than an id: %d bytes", len(c.Value))
	}
	if store.Len() != 1 {
		t.Fatalf("store holds %d sessions", store.Len())
	}
	l := load(t, m, requestWith(h))
	if l.Session == nil || l.Session.User.StringClaim("name") != "Jane Doe" {
		t.Fatal("stored session not read back")
	}
}

func TestStatefulNewSessionRotatesTheID(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	store := NewMemoryStore(clk.Now)
	m := newStateful(t, clk, store)
	first := save(t, m, nil, smallSession(clk.Now()))
	l := load(t, m, requestWith(first))

	h := http.Header{}
	if err := m.Save(context.Background(), h, l, smallSession(clk.Now()), SaveOptions{NewSession: true}); err != nil {
		t.Fatal(err)
	}
	if setCookies(t, h)["__session"].Value == setCookies(t, first)["__session"].Value {
		t.Error("a login kept the old session id")
	}
	if load(t, m, requestWith(first)).Session != nil {
		t.Error("the session under the old id survived a login (session fixation)")
	}
	if store.Len() != 1 || load(t, m, requestWith(h)).Session == nil {
		t.Error("the new session is not stored alone")
	}
	// An ordinary write keeps the id.
	l = load(t, m, requestWith(h))
	h2 := save(t, m, l, l.Session)
	if setCookies(t, h2)["__session"].Value == "" || load(t, m, requestWith(h2)).Session == nil {
		t.Error("an update lost the session")
	}
	if store.Len() != 1 {
		t.Errorf("an update added a record: %d", store.Len())
	}
}

func TestStatefulClearDeletesTheRecord(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	store := NewMemoryStore(clk.Now)
	m := newStateful(t, clk, store)
	h := save(t, m, nil, smallSession(clk.Now()))
	l := load(t, m, requestWith(h))
	del := http.Header{}
	if err := m.Clear(context.Background(), del, l); err != nil {
		t.Fatal(err)
	}
	if store.Len() != 0 {
		t.Error("record survived Clear")
	}
	if c := setCookies(t, del)["__session"]; c == nil || c.MaxAge >= 0 {
		t.Error("cookie not deleted")
	}
	if load(t, m, requestWith(h)).Session != nil {
		t.Error("the old cookie still signs in")
	}
}

// getSetStore is a Store without the Updater capability.
type getSetStore struct{ inner *MemoryStore }

func (s getSetStore) Get(ctx context.Context, id string) (*Session, error) {
	return s.inner.Get(ctx, id)
}
func (s getSetStore) Set(ctx context.Context, id string, v *Session, exp time.Time) error {
	return s.inner.Set(ctx, id, v, exp)
}
func (s getSetStore) Delete(ctx context.Context, id string) error { return s.inner.Delete(ctx, id) }

func TestStatefulNeverRevivesADeletedSession(t *testing.T) {
	t.Parallel()
	for name, mk := range map[string]func(*MemoryStore) Store{
		"store with Update":    func(m *MemoryStore) Store { return m },
		"store without Update": func(m *MemoryStore) Store { return getSetStore{m} },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clk := newTestClock()
			mem := NewMemoryStore(clk.Now)
			m := newStateful(t, clk, mk(mem))
			h := save(t, m, nil, smallSession(clk.Now()))
			l := load(t, m, requestWith(h))
			// A back-channel logout deletes the session while the request is running.
			if n, _ := mem.DeleteByLogoutToken(context.Background(), LogoutToken{SID: "sid_1"}); n != 1 {
				t.Fatalf("deleted %d", n)
			}
			l.Session.User.Set("late", "write")
			out := http.Header{}
			err := m.Save(context.Background(), out, l, l.Session, SaveOptions{})
			if !errors.Is(err, ErrSessionGone) {
				t.Fatalf("Save = %v, want ErrSessionGone", err)
			}
			if mem.Len() != 0 || len(out) != 0 {
				t.Error("a write racing a logout brought the session back")
			}
		})
	}
}

func TestStatefulExpiredRecordIsDeleted(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	store := NewMemoryStore(clk.Now)
	m := newStateful(t, clk, store)
	h := save(t, m, nil, smallSession(clk.Now()))
	clk.Advance(25 * time.Hour)
	if l := load(t, m, requestWith(h)); l.Session != nil || !l.NeedsClearing() {
		t.Error("an expired stored session reads as signed in")
	}
	if store.Len() != 0 {
		t.Error("an expired record is kept")
	}
}

func TestStatefulNeedsAStore(t *testing.T) {
	t.Parallel()
	if _, err := NewStateful(StatefulConfig{Secret: testSecret}); err == nil {
		t.Error("no error without a store")
	}
}

// failingStore fails every call.
type failingStore struct{}

var errStoreDown = errors.New("store down")

func (failingStore) Get(context.Context, string) (*Session, error)          { return nil, errStoreDown }
func (failingStore) Set(context.Context, string, *Session, time.Time) error { return errStoreDown }
func (failingStore) Delete(context.Context, string) error                   { return errStoreDown }

func TestStatefulReportsStoreFailures(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	good := newStateful(t, clk, NewMemoryStore(clk.Now))
	h := save(t, good, nil, smallSession(clk.Now()))
	m := newStateful(t, clk, failingStore{})
	l, err := m.Load(context.Background(), requestWith(h))
	if !errors.Is(err, errStoreDown) {
		t.Errorf("Load = %v, want the store's error", err)
	}
	if l == nil || l.Session != nil {
		t.Error("a failed load returned a session")
	}
	if err := m.Save(context.Background(), http.Header{}, nil, smallSession(clk.Now()), SaveOptions{}); !errors.Is(err, errStoreDown) {
		t.Errorf("Save = %v", err)
	}
}
