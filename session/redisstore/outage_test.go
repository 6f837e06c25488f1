package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/session/redisstore"
)

// fakeClock is a clock that tests move by hand, starting at the real time.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// With Redis stopped, every operation fails with an error wrapping session.ErrUnavailable
// (never a "not found"), LoggedOut answers from its copy until the copy is too old, and once
// Redis is back everything works again with the data written before.
func TestRedisOutage(t *testing.T) {
	ctx := context.Background()
	srv := startRedis(t)
	clock := newFakeClock()
	store := newStore(t, srv.client(t), redisstore.Options{LogoutRecordsRefresh: refresh, Now: clock.Now})
	at := clock.Now()
	created := at.Add(-time.Minute)
	sess := testSession("sid-1", "alice")
	if err := store.Set(ctx, sessionID, sess, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := store.RecordLogout(ctx, session.LogoutRecord{SID: "sid-9", At: at}, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !loggedOut(t, store, "sid-9", "", created) {
		t.Fatal("the record is not in the copy")
	}
	if err := store.Publish(ctx, "key", []byte(refreshToken), time.Hour); err != nil {
		t.Fatal(err)
	}
	if first, err := store.FirstUse(ctx, "jti-1", at.Add(time.Hour)); !first || err != nil {
		t.Fatal(first, err)
	}

	srv.stop()
	ops := map[string]func() (found bool, err error){
		"Get": func() (bool, error) {
			s, err := store.Get(ctx, sessionID)
			return s != nil, err
		},
		"Set": func() (bool, error) { return false, store.Set(ctx, sessionID, sess, at.Add(time.Hour)) },
		"Update": func() (bool, error) {
			return store.Update(ctx, sessionID, sess, at.Add(time.Hour))
		},
		"Delete": func() (bool, error) { return false, store.Delete(ctx, sessionID) },
		"DeleteByLogoutToken": func() (bool, error) {
			n, err := store.DeleteByLogoutToken(ctx, session.LogoutToken{SID: "sid-1"})
			return n > 0, err
		},
		"RecordLogout": func() (bool, error) {
			return false, store.RecordLogout(ctx, session.LogoutRecord{SID: "sid-1", At: at}, at.Add(time.Hour))
		},
		"FirstUse": func() (bool, error) { return store.FirstUse(ctx, "jti-2", at.Add(time.Hour)) },
		"Lock": func() (bool, error) {
			release, err := store.Lock(ctx, "key", time.Minute)
			return release != nil, err
		},
		"Publish": func() (bool, error) { return false, store.Publish(ctx, "key", []byte("x"), time.Hour) },
		"Published": func() (bool, error) {
			v, err := store.Published(ctx, "key")
			return v != nil, err
		},
	}
	for name, op := range ops {
		found, err := op()
		if !errors.Is(err, session.ErrUnavailable) {
			t.Errorf("%s with Redis down: %v; want an error wrapping session.ErrUnavailable", name, err)
			continue
		}
		if found {
			t.Errorf("%s with Redis down returned a result with its error", name)
		}
		for _, secret := range []string{sessionID, accessToken, refreshToken} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: the error shows %q: %v", name, secret, err)
			}
		}
	}

	// LoggedOut never asks Redis on the caller's path: it answers from its copy…
	if out, err := store.LoggedOut(ctx, "sid-9", "", created); !out || err != nil {
		t.Errorf("LoggedOut with Redis down and a fresh copy = %v, %v; want true, nil", out, err)
	}
	// …until the copy is older than ten refreshes.
	clock.Advance(11 * refresh)
	if out, err := store.LoggedOut(ctx, "sid-9", "", created); !errors.Is(err, session.ErrUnavailable) {
		t.Errorf("LoggedOut with a stale copy = %v, %v; want an error wrapping session.ErrUnavailable", out, err)
	}

	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	// The client dials again on its own schedule after failed dials.
	var got *session.Session
	eventually(t, "reachable again", func() bool {
		var err error
		got, err = store.Get(ctx, sessionID)
		return err == nil
	})
	if got == nil || got.TokenSet.AccessToken != accessToken {
		t.Errorf("Get after the restart = %v; want the session", got)
	}
	if v, err := store.Published(ctx, "key"); string(v) != refreshToken || err != nil {
		t.Errorf("Published after the restart = %q, %v", v, err)
	}
	if first, err := store.FirstUse(ctx, "jti-1", at.Add(time.Hour)); first || err != nil {
		t.Errorf("FirstUse of a used id after the restart = %v, %v; want false, nil", first, err)
	}
	eventually(t, "answering again", func() bool {
		out, err := store.LoggedOut(ctx, "sid-9", "", created)
		return out && err == nil
	})
}

// A LoggedOut whose first read of the records fails says the store is unavailable.
func TestLoggedOutWithoutRedisFromTheStart(t *testing.T) {
	srv := startRedis(t)
	store := newStore(t, srv.client(t), redisstore.Options{LogoutRecordsRefresh: refresh})
	srv.stop()
	out, err := store.LoggedOut(context.Background(), "sid-1", "alice", time.Now())
	if !errors.Is(err, session.ErrUnavailable) || out {
		t.Errorf("LoggedOut = %v, %v; want false and an error wrapping session.ErrUnavailable", out, err)
	}
}

// After Close, LoggedOut no longer refreshes: its copy ages until it is unavailable.
func TestClosedStoreStopsRefreshing(t *testing.T) {
	clock := newFakeClock()
	store := newStore(t, singleClient(t), redisstore.Options{LogoutRecordsRefresh: refresh, Now: clock.Now})
	if loggedOut(t, store, "sid-1", "", clock.Now()) {
		t.Fatal("logged out")
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	clock.Advance(11 * refresh)
	time.Sleep(2 * refresh) // room for a refresh that should not happen
	if _, err := store.LoggedOut(context.Background(), "sid-1", "", clock.Now()); !errors.Is(err, session.ErrUnavailable) {
		t.Errorf("LoggedOut after Close and a stale copy: %v; want session.ErrUnavailable", err)
	}
	fresh := newStore(t, singleClient(t), redisstore.Options{LogoutRecordsRefresh: refresh})
	_ = fresh.Close()
	if _, err := fresh.LoggedOut(context.Background(), "sid-1", "", time.Now()); !errors.Is(err, session.ErrUnavailable) {
		t.Errorf("LoggedOut of a store closed before its first use: %v; want session.ErrUnavailable", err)
	}
}
