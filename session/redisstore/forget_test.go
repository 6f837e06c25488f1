package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/session/redisstore"
)

var _ session.ReplayForgetter = (*redisstore.Store)(nil)

// TestForgetAllowsTheIDAgain: an id forgotten after a failed request is a first use again.
func TestForgetAllowsTheIDAgain(t *testing.T) {
	eachBackend(t, func(t *testing.T, client func(*testing.T) redis.UniversalClient) {
		ctx := context.Background()
		store := newStore(t, client(t), redisstore.Options{})
		until := time.Now().Add(time.Hour)
		if first, err := store.FirstUse(ctx, "jti-1", until); !first || err != nil {
			t.Fatalf("FirstUse = %v, %v", first, err)
		}
		if err := store.Forget(ctx, "jti-1"); err != nil {
			t.Fatal(err)
		}
		if first, err := store.FirstUse(ctx, "jti-1", until); !first || err != nil {
			t.Errorf("after Forget: FirstUse = %v, %v; want a first use", first, err)
		}
		if err := store.Forget(ctx, "never-seen"); err != nil {
			t.Errorf("forgetting an unknown id: %v", err)
		}
	})
}
