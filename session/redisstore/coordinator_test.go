package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/session/redisstore"
)

// Two instances contending for one lock: exactly one holds it at a time.
func TestLockExcludes(t *testing.T) {
	eachBackend(t, func(t *testing.T, client func(*testing.T) redis.UniversalClient) {
		ctx := context.Background()
		stores := []*redisstore.Store{newStore(t, client(t), redisstore.Options{}), newStore(t, client(t), redisstore.Options{})}
		var holders, most, total atomic.Int32
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				for range 5 {
					release, err := stores[i%2].Lock(ctx, "refresh-token-hash", time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					n := holders.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					total.Add(1)
					time.Sleep(time.Millisecond)
					holders.Add(-1)
					release()
				}
			})
		}
		wg.Wait()
		if m := most.Load(); m != 1 {
			t.Errorf("%d holders at once, want 1", m)
		}
		if n := total.Load(); n != 50 {
			t.Errorf("%d locks taken, want 50", n)
		}
	})
}

// Locks of different keys do not exclude each other.
func TestLocksOfDifferentKeysAreIndependent(t *testing.T) {
	ctx := context.Background()
	store := newStore(t, singleClient(t), redisstore.Options{})
	release, err := store.Lock(ctx, "key-1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	release2, err := store.Lock(ctx, "key-2", time.Minute)
	if err != nil {
		t.Fatalf("the lock of another key: %v", err)
	}
	release2()
}

func TestLockWaitEndsWithTheContext(t *testing.T) {
	store := newStore(t, singleClient(t), redisstore.Options{})
	release, err := store.Lock(context.Background(), "key", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r, err := store.Lock(ctx, "key", time.Minute)
	if !errors.Is(err, context.DeadlineExceeded) || r != nil {
		t.Errorf("Lock of a held lock = release %v, %v; want nil and the context's error", r != nil, err)
	}
	if errors.Is(err, session.ErrUnavailable) {
		t.Errorf("an ended wait is not an unavailable store: %v", err)
	}
}

// A lease that passes frees the lock, and the late release of the former holder does not
// free the lock of the next.
func TestLeaseExpiryAndReleaseByANonHolder(t *testing.T) {
	eachBackend(t, func(t *testing.T, client func(*testing.T) redis.UniversalClient) {
		ctx := context.Background()
		a := newStore(t, client(t), redisstore.Options{})
		b := newStore(t, client(t), redisstore.Options{})
		releaseA, err := a.Lock(ctx, "key", 200*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		releaseB, err := b.Lock(waitCtx, "key", time.Minute) // waits for a's lease to pass
		if err != nil {
			t.Fatalf("the lock after a's lease passed: %v", err)
		}
		releaseA() // a no longer holds it: this must do nothing
		if held(t, a, "key") == false {
			t.Fatal("a's late release freed b's lock")
		}
		releaseB()
		if held(t, a, "key") {
			t.Error("b's release did not free the lock")
		}
	})
}

// held reports whether someone holds the lock of key, by trying to take it briefly.
func held(t *testing.T, s *redisstore.Store, key string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	release, err := s.Lock(ctx, key, time.Minute)
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	release()
	return false
}

func TestLockRefusesALeaseOfZero(t *testing.T) {
	store := newStore(t, singleClient(t), redisstore.Options{})
	if r, err := store.Lock(context.Background(), "key", 0); err == nil || r != nil {
		t.Errorf("Lock with no lease = release %v, %v; want nil and an error", r != nil, err)
	}
}

func TestPublished(t *testing.T) {
	eachBackend(t, func(t *testing.T, client func(*testing.T) redis.UniversalClient) {
		ctx := context.Background()
		c := client(t)
		a := newStore(t, c, redisstore.Options{})
		b := newStore(t, c, redisstore.Options{})
		if got, err := b.Published(ctx, "key"); got != nil || err != nil {
			t.Fatalf("Published before Publish = %q, %v; want nil, nil", got, err)
		}
		result := []byte(`{"refresh_token":"` + refreshToken + `"}`)
		if err := a.Publish(ctx, "key", result, time.Minute); err != nil {
			t.Fatal(err)
		}
		got, err := b.Published(ctx, "key")
		if err != nil || !bytes.Equal(got, result) {
			t.Fatalf("Published = %q, %v; want %q", got, err, result)
		}
		keys := keysWithPrefix(t, c, prefixFor(t))
		if len(keys) != 1 {
			t.Fatalf("keys %q, want one", keys)
		}
		raw, err := c.Get(ctx, keys[0]).Result()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(raw, refreshToken) || strings.Contains(raw, "refresh_token") {
			t.Errorf("Redis holds the result in the clear: %q", raw)
		}
		if ttl := c.PTTL(ctx, keys[0]).Val(); ttl <= 0 || ttl > time.Minute {
			t.Errorf("the result lives %v, want at most a minute", ttl)
		}
		if err := a.Publish(ctx, "key", result, 0); err != nil {
			t.Fatal(err)
		}
		if got, err := b.Published(ctx, "key"); got != nil || err != nil {
			t.Errorf("Published after a Publish with no ttl = %q, %v; want nil, nil", got, err)
		}
	})
}

// What another secret sealed is not published.
func TestPublishedNeedsTheSecret(t *testing.T) {
	ctx := context.Background()
	c := singleClient(t)
	a := newStore(t, c, redisstore.Options{})
	other := newStore(t, c, redisstore.Options{Secret: "another-secret-of-at-least-32-bytes-987654"})
	if err := a.Publish(ctx, "key", []byte("result"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, err := other.Published(ctx, "key"); got != nil || err != nil {
		t.Errorf("Published with another secret = %q, %v; want nil, nil", got, err)
	}
}
