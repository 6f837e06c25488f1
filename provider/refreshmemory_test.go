package provider

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestTokenLockWaiterStopsWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	locks := newTokenLocks()
	release, err := locks.lock(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := locks.lock(ctx, "k")
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled waiter got %v", err)
	}
	release()
	if n := len(locks.locks); n != 0 {
		t.Errorf("%d locks left with no holder or waiter", n)
	}
	// The lock is free again.
	release, err = locks.lock(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	release()
}

func TestExpiringStaysBounded(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	e := newExpiring[int](3)
	for i, k := range []string{"a", "b", "c"} {
		e.put(k, i, now.Add(time.Duration(i)*time.Minute), now)
	}
	if _, ok := e.get("a", now); ok {
		t.Error("an entry is live at its deadline")
	}
	if v, ok := e.get("c", now); !ok || v != 2 {
		t.Errorf("c = %d, %v", v, ok)
	}
	e.put("d", 3, now.Add(time.Hour), now) // full: the expired "a" goes
	if len(e.entries) != 3 {
		t.Fatalf("%d entries, limit 3", len(e.entries))
	}
	e.put("e", 4, now.Add(time.Hour), now) // full of live entries: all go
	if _, ok := e.get("e", now); !ok || len(e.entries) != 1 {
		t.Errorf("%d entries after a full map took a new one", len(e.entries))
	}
}
