package redisstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/session/redisstore"
	"github.com/authchain/authchain/token"
)

// The session ids and tokens of the tests: none of them may show in Redis or in an error.
const (
	sessionID    = "session-id-0123456789abcdef"
	accessToken  = "access-token-0123456789abcdef"
	refreshToken = "refresh-token-0123456789abcdef"
)

// testSession returns a session of the provider session sid and the user sub, holding tokens.
func testSession(sid, sub string) *session.Session {
	s := &session.Session{
		User:     session.NewUser(map[string]any{"sub": sub, "name": "Alice"}),
		TokenSet: token.Set{AccessToken: accessToken, RefreshToken: refreshToken, IDToken: "id-token"},
	}
	s.Internal.SID = sid
	s.Internal.Subject = sub
	s.Internal.CreatedAt = time.Unix(1_700_000_000, 0)
	return s
}

func sessionJSON(t *testing.T, s *session.Session) []byte {
	t.Helper()
	b, err := s.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSetGetDelete(t *testing.T) {
	eachBackend(t, func(t *testing.T, client func(*testing.T) redis.UniversalClient) {
		ctx := context.Background()
		store := newStore(t, client(t), redisstore.Options{})
		if s, err := store.Get(ctx, sessionID); s != nil || err != nil {
			t.Fatalf("Get before Set = %v, %v; want nil, nil", s, err)
		}
		want := testSession("sid-1", "alice")
		if err := store.Set(ctx, sessionID, want, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err := store.Get(ctx, sessionID)
		if err != nil || got == nil {
			t.Fatalf("Get after Set = %v, %v", got, err)
		}
		if !bytes.Equal(sessionJSON(t, got), sessionJSON(t, want)) {
			t.Errorf("Get = %s, want %s", sessionJSON(t, got), sessionJSON(t, want))
		}
		if err := store.Delete(ctx, sessionID); err != nil {
			t.Fatal(err)
		}
		if s, err := store.Get(ctx, sessionID); s != nil || err != nil {
			t.Fatalf("Get after Delete = %v, %v; want nil, nil", s, err)
		}
		if err := store.Delete(ctx, sessionID); err != nil {
			t.Errorf("deleting nothing: %v", err)
		}
		if keys := keysWithPrefix(t, client(t), prefixFor(t)); len(keys) != 0 {
			t.Errorf("keys left after Delete: %q", keys)
		}
	})
}

func TestSetReplacesTheSession(t *testing.T) {
	ctx := context.Background()
	store := newStore(t, singleClient(t), redisstore.Options{})
	if err := store.Set(ctx, sessionID, testSession("sid-1", "alice"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := store.Set(ctx, sessionID, testSession("sid-2", "bob"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := store.Get(ctx, sessionID)
	if err != nil || got == nil || got.Subject() != "bob" {
		t.Fatalf("Get = %v, %v; want bob's session", got, err)
	}
	// The replaced session's index no longer names it.
	if n, err := store.DeleteByLogoutToken(ctx, session.LogoutToken{SID: "sid-1"}); n != 0 || err != nil {
		t.Errorf("logout of the replaced sid = %d, %v; want 0", n, err)
	}
}

func TestSessionsExpire(t *testing.T) {
	eachBackend(t, func(t *testing.T, client func(*testing.T) redis.UniversalClient) {
		ctx := context.Background()
		store := newStore(t, client(t), redisstore.Options{})
		if err := store.Set(ctx, sessionID, testSession("sid-1", "alice"), time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if s, err := store.Get(ctx, sessionID); s == nil || err != nil {
			t.Fatalf("Get before expiry = %v, %v", s, err)
		}
		eventually(t, "expired", func() bool {
			s, err := store.Get(ctx, sessionID)
			if err != nil {
				t.Fatal(err)
			}
			return s == nil
		})
	})
}

func TestSetWithAPastExpiryStoresNothing(t *testing.T) {
	ctx := context.Background()
	c := singleClient(t)
	store := newStore(t, c, redisstore.Options{})
	if err := store.Set(ctx, sessionID, testSession("sid-1", "alice"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := store.Set(ctx, sessionID, testSession("sid-1", "alice"), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if s, err := store.Get(ctx, sessionID); s != nil || err != nil {
		t.Fatalf("Get = %v, %v; want nil, nil", s, err)
	}
}

func TestUpdate(t *testing.T) {
	eachBackend(t, func(t *testing.T, client func(*testing.T) redis.UniversalClient) {
		ctx := context.Background()
		c := client(t)
		store := newStore(t, c, redisstore.Options{})
		if ok, err := store.Update(ctx, sessionID, testSession("sid-1", "alice"), time.Now().Add(time.Hour)); ok || err != nil {
			t.Fatalf("Update of nothing = %v, %v; want false, nil", ok, err)
		}
		if err := store.Set(ctx, sessionID, testSession("sid-1", "alice"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		changed := testSession("sid-1", "alice")
		changed.TokenSet.AccessToken = "a-new-access-token"
		if ok, err := store.Update(ctx, sessionID, changed, time.Now().Add(time.Hour)); !ok || err != nil {
			t.Fatalf("Update of a stored session = %v, %v; want true, nil", ok, err)
		}
		got, err := store.Get(ctx, sessionID)
		if err != nil || got == nil || got.TokenSet.AccessToken != "a-new-access-token" {
			t.Fatalf("Get after Update = %v, %v", got, err)
		}

		if err := store.Delete(ctx, sessionID); err != nil {
			t.Fatal(err)
		}
		if ok, err := store.Update(ctx, sessionID, changed, time.Now().Add(time.Hour)); ok || err != nil {
			t.Fatalf("Update of a deleted session = %v, %v; want false, nil", ok, err)
		}
		if keys := keysWithPrefix(t, c, prefixFor(t)); len(keys) != 0 {
			t.Errorf("Update of a deleted session wrote %q", keys)
		}
	})
}

// An Update racing a back-channel logout either lands before the deletion (and is deleted) or
// finds no session: it never brings the session back.
func TestUpdateRacingALogoutNeverResurrects(t *testing.T) {
	ctx := context.Background()
	store := newStore(t, singleClient(t), redisstore.Options{})
	for i := range 50 {
		if err := store.Set(ctx, sessionID, testSession("sid-1", "alice"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			if _, err := store.Update(ctx, sessionID, testSession("sid-1", "alice"), time.Now().Add(time.Hour)); err != nil {
				t.Error(err)
			}
		})
		n, err := store.DeleteByLogoutToken(ctx, session.LogoutToken{SID: "sid-1"})
		wg.Wait()
		if n != 1 || err != nil {
			t.Fatalf("round %d: DeleteByLogoutToken = %d, %v; want 1", i, n, err)
		}
		if s, err := store.Get(ctx, sessionID); s != nil || err != nil {
			t.Fatalf("round %d: the session is back after the logout: %v, %v", i, s, err)
		}
	}
}

// Sessions hold tokens: Redis holds them sealed, and no key shows the session id.
func TestStoredSessionsAreSealed(t *testing.T) {
	ctx := context.Background()
	c := singleClient(t)
	store := newStore(t, c, redisstore.Options{})
	if err := store.Set(ctx, sessionID, testSession("sid-1", "alice"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	keys := keysWithPrefix(t, c, prefixFor(t))
	if len(keys) == 0 {
		t.Fatal("no keys written")
	}
	for _, k := range keys {
		for _, secret := range []string{sessionID, "sid-1", "alice"} {
			if strings.Contains(k, secret) {
				t.Errorf("key %q shows %q", k, secret)
			}
		}
		dump, err := c.Dump(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{accessToken, refreshToken, sessionID, "Alice"} {
			if strings.Contains(dump, secret) {
				t.Errorf("key %q holds %q in the clear", k, secret)
			}
		}
	}
}

// A sealed session copied under another key does not open there.
func TestASealedSessionOpensOnlyUnderItsKey(t *testing.T) {
	ctx := context.Background()
	c := singleClient(t)
	store := newStore(t, c, redisstore.Options{})
	for _, id := range []string{"victim", "attacker"} {
		if err := store.Set(ctx, id, testSession("sid-"+id, id), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	victimKey, attackerKey := digestKey(t, "session:", "victim"), digestKey(t, "session:", "attacker")
	if got, _ := store.Get(ctx, "victim"); got == nil {
		t.Fatal("no victim session")
	}
	v, err := c.HGet(ctx, attackerKey, "v").Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.HSet(ctx, victimKey, "v", v).Err(); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"victim", "attacker"} {
		got, err := store.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got != nil && got.Subject() != id {
			t.Errorf("Get(%q) opened %q's session", id, got.Subject())
		}
	}
}

func TestRetiredSecretsOpenSessions(t *testing.T) {
	ctx := context.Background()
	c := singleClient(t)
	const newSecret = "another-secret-of-at-least-32-bytes-987654"
	old := newStore(t, c, redisstore.Options{})
	if err := old.Set(ctx, sessionID, testSession("sid-1", "alice"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	rotated := newStore(t, c, redisstore.Options{Secret: newSecret, RetiredSecrets: []string{testSecret}})
	if s, err := rotated.Get(ctx, sessionID); s == nil || err != nil {
		t.Errorf("Get with the old secret retired = %v, %v; want the session", s, err)
	}
	other := newStore(t, c, redisstore.Options{Secret: newSecret})
	if s, err := other.Get(ctx, sessionID); s != nil || err != nil {
		t.Errorf("Get with another secret = %v, %v; want nil, nil", s, err)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer c.Close()
	for name, tc := range map[string]struct {
		client redis.UniversalClient
		opts   redisstore.Options
	}{
		"no client":        {nil, redisstore.Options{Secret: testSecret}},
		"no secret":        {c, redisstore.Options{}},
		"short secret":     {c, redisstore.Options{Secret: "short"}},
		"short retired":    {c, redisstore.Options{Secret: testSecret, RetiredSecrets: []string{"short"}}},
		"negative refresh": {c, redisstore.Options{Secret: testSecret, LogoutRecordsRefresh: -time.Second}},
	} {
		if s, err := redisstore.New(tc.client, tc.opts); err == nil || s != nil {
			t.Errorf("%s: New = %v, %v; want an error", name, s, err)
		}
	}
}

// digestKey returns the key of kind for id, as the package documents its layout.
func digestKey(t *testing.T, kind, id string) string {
	sum := sha256.Sum256([]byte(id))
	return prefixFor(t) + kind + base64.RawURLEncoding.EncodeToString(sum[:])
}
