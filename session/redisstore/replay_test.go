package redisstore_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/session/redisstore"
)

func TestFirstUse(t *testing.T) {
	eachBackend(t, func(t *testing.T, client func(*testing.T) redis.UniversalClient) {
		ctx := context.Background()
		store := newStore(t, client(t), redisstore.Options{})
		until := time.Now().Add(time.Hour)
		for i, want := range []bool{true, false, false} {
			if first, err := store.FirstUse(ctx, "jti-1", until); first != want || err != nil {
				t.Errorf("use %d: FirstUse = %v, %v; want %v", i+1, first, err, want)
			}
		}
		if first, err := store.FirstUse(ctx, "jti-2", until); !first || err != nil {
			t.Errorf("another id: FirstUse = %v, %v; want true", first, err)
		}
	})
}

// Of instances given one id at once, exactly one is told it is the first use.
func TestFirstUseAcrossInstances(t *testing.T) {
	ctx := context.Background()
	c := singleClient(t)
	stores := []*redisstore.Store{newStore(t, c, redisstore.Options{}), newStore(t, c, redisstore.Options{})}
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			first, err := stores[i%2].FirstUse(ctx, "jti-1", time.Now().Add(time.Hour))
			if err != nil {
				t.Error(err)
			}
			if first {
				firsts.Add(1)
			}
		})
	}
	wg.Wait()
	if n := firsts.Load(); n != 1 {
		t.Errorf("%d first uses, want 1", n)
	}
}

func TestFirstUseForgetsAfterUntil(t *testing.T) {
	ctx := context.Background()
	store := newStore(t, singleClient(t), redisstore.Options{})
	if first, err := store.FirstUse(ctx, "jti-1", time.Now().Add(time.Second)); !first || err != nil {
		t.Fatalf("FirstUse = %v, %v", first, err)
	}
	eventually(t, "forgotten", func() bool {
		first, err := store.FirstUse(ctx, "jti-1", time.Now().Add(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		return first
	})
}
