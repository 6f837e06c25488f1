package redisstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/session/redisstore"
)

func TestDeleteByLogoutToken(t *testing.T) {
	// The sessions of every case: id -> provider session id and user.
	sessions := map[string][2]string{
		"a1": {"sid-a", "alice"}, // alice on device 1
		"a2": {"sid-a", "alice"}, // alice, the same provider session on another device
		"a3": {"sid-b", "alice"}, // alice's other provider session
		"b1": {"sid-c", "bob"},
		"n1": {"", "nosid"}, // a provider that sends no sid
	}
	cases := []struct {
		name  string
		token session.LogoutToken
		gone  []string
	}{
		{"by sid", session.LogoutToken{SID: "sid-a"}, []string{"a1", "a2"}},
		{"by sub", session.LogoutToken{Subject: "alice"}, []string{"a1", "a2", "a3"}},
		{"by sid and sub", session.LogoutToken{SID: "sid-b", Subject: "alice"}, []string{"a3"}},
		{"sid of another sub", session.LogoutToken{SID: "sid-c", Subject: "alice"}, nil},
		{"sub without sid", session.LogoutToken{Subject: "nosid"}, []string{"n1"}},
		{"unknown sid", session.LogoutToken{SID: "sid-z"}, nil},
		{"names nothing", session.LogoutToken{Issuer: "https://idp.example"}, nil},
	}
	eachBackend(t, func(t *testing.T, client func(*testing.T) redis.UniversalClient) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ctx := context.Background()
				store := newStore(t, client(t), redisstore.Options{})
				for id, s := range sessions {
					if err := store.Set(ctx, id, testSession(s[0], s[1]), time.Now().Add(time.Hour)); err != nil {
						t.Fatal(err)
					}
				}
				n, err := store.DeleteByLogoutToken(ctx, tc.token)
				if err != nil || n != len(tc.gone) {
					t.Errorf("DeleteByLogoutToken = %d, %v; want %d", n, err, len(tc.gone))
				}
				for id := range sessions {
					s, err := store.Get(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					if gone := slices.Contains(tc.gone, id); gone != (s == nil) {
						t.Errorf("session %s: deleted = %v, want %v", id, s == nil, gone)
					}
				}
			})
		}
	})
}

// Delete and DeleteByLogoutToken take the sessions they delete out of the index sets.
func TestDeletingUnindexes(t *testing.T) {
	ctx := context.Background()
	c := singleClient(t)
	store := newStore(t, c, redisstore.Options{})
	for _, id := range []string{"s1", "s2"} {
		if err := store.Set(ctx, id, testSession("sid-"+id, "alice"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.Delete(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Exists(ctx, digestKey(t, "sid:", "sid-s1")).Result(); n != 0 || err != nil {
		t.Errorf("the sid set of a deleted session is still there: %d, %v", n, err)
	}
	if n, err := c.SCard(ctx, digestKey(t, "sub:", "alice")).Result(); n != 1 || err != nil {
		t.Errorf("the sub set has %d members, %v; want 1", n, err)
	}
	if _, err := store.DeleteByLogoutToken(ctx, session.LogoutToken{Subject: "alice"}); err != nil {
		t.Fatal(err)
	}
	if keys := keysWithPrefix(t, c, prefixFor(t)); len(keys) != 1 || keys[0] != digestKey(t, "sid:", "sid-s2") {
		// The sid set of s2 stays until it expires: DeleteByLogoutToken by sub cleans the
		// sub set only.
		t.Errorf("keys left: %q", keys)
	}
}

// An index set lives as long as the longest-lived session it holds, then expires.
func TestIndexSetsExpire(t *testing.T) {
	eachBackend(t, func(t *testing.T, client func(*testing.T) redis.UniversalClient) {
		ctx := context.Background()
		c := client(t)
		store := newStore(t, c, redisstore.Options{})
		if err := store.Set(ctx, "long", testSession("sid-long", "alice"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := store.Set(ctx, "short", testSession("sid-short", "alice"), time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if ttl := c.PTTL(ctx, digestKey(t, "sub:", "alice")).Val(); ttl < 30*time.Minute {
			t.Errorf("the sub set lives %v, less than its longest session", ttl)
		}
		sidSet := digestKey(t, "sid:", "sid-short")
		if ttl := c.PTTL(ctx, sidSet).Val(); ttl <= 0 || ttl > time.Second {
			t.Errorf("the sid set of a 1 s session lives %v", ttl)
		}
		eventually(t, "expired", func() bool { return c.Exists(ctx, sidSet).Val() == 0 })
		if s, err := store.Get(ctx, "long"); s == nil || err != nil {
			t.Errorf("the long session: %v, %v", s, err)
		}
	})
}
