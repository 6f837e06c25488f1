package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/session"
	"github.com/authchain/authchain/session/redisstore"
)

// refresh is the LogoutRecordsRefresh of the tests.
const refresh = 50 * time.Millisecond

// loggedOut calls s.LoggedOut and fails t on an error.
func loggedOut(t *testing.T, s *redisstore.Store, sid, sub string, created time.Time) bool {
	t.Helper()
	out, err := s.LoggedOut(context.Background(), sid, sub, created)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A logout recorded by one instance reaches another instance on the same Redis by its
// refresh, and names the sessions it should.
func TestLogoutRecordReachesAnotherInstance(t *testing.T) {
	eachBackend(t, func(t *testing.T, client func(*testing.T) redis.UniversalClient) {
		ctx := context.Background()
		a := newStore(t, client(t), redisstore.Options{LogoutRecordsRefresh: refresh})
		b := newStore(t, client(t), redisstore.Options{LogoutRecordsRefresh: refresh})
		at := time.Now()
		before, after := at.Add(-time.Minute), at.Add(time.Minute)
		if loggedOut(t, b, "sid-1", "alice", before) {
			t.Fatal("logged out before any logout")
		}
		if err := a.RecordLogout(ctx, session.LogoutRecord{SID: "sid-1", Subject: "alice", At: at}, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if !loggedOut(t, a, "sid-1", "alice", before) {
			t.Error("the recording instance does not see its own record at once")
		}
		eventually(t, "seen by the other instance", func() bool { return loggedOut(t, b, "sid-1", "alice", before) })
		if loggedOut(t, b, "sid-1", "alice", after) {
			t.Error("a session begun after the logout is logged out")
		}
		if loggedOut(t, b, "sid-2", "alice", before) {
			t.Error("a logout of one provider session logged out the user's other session")
		}
		if !loggedOut(t, b, "sid-1", "", at) {
			t.Error("a session begun at the logout's time is not logged out")
		}
	})
}

// A record with only a Subject logs out every session of the user.
func TestLogoutRecordOfAUser(t *testing.T) {
	ctx := context.Background()
	a := newStore(t, singleClient(t), redisstore.Options{LogoutRecordsRefresh: refresh})
	at := time.Now()
	if err := a.RecordLogout(ctx, session.LogoutRecord{Subject: "bob", At: at}, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	b := newStore(t, singleClient(t), redisstore.Options{LogoutRecordsRefresh: refresh})
	for _, sid := range []string{"sid-1", "sid-2", ""} {
		if !loggedOut(t, b, sid, "bob", at.Add(-time.Second)) {
			t.Errorf("bob's session %q is not logged out", sid)
		}
	}
	if loggedOut(t, b, "sid-1", "carol", at.Add(-time.Second)) {
		t.Error("carol is logged out")
	}
}

// A record written twice keeps the later time, whichever write came last.
func TestLogoutRecordKeepsTheLaterTime(t *testing.T) {
	ctx := context.Background()
	c := singleClient(t)
	a := newStore(t, c, redisstore.Options{LogoutRecordsRefresh: refresh})
	later := time.Now()
	earlier := later.Add(-time.Hour)
	for _, at := range []time.Time{later, earlier} {
		if err := a.RecordLogout(ctx, session.LogoutRecord{SID: "sid-1", At: at}, later.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	b := newStore(t, c, redisstore.Options{LogoutRecordsRefresh: refresh})
	if !loggedOut(t, b, "sid-1", "", later.Add(-time.Minute)) {
		t.Error("the earlier record replaced the later one")
	}
}

// Records expire: from Redis, and from every instance's copy.
func TestLogoutRecordsExpire(t *testing.T) {
	eachBackend(t, func(t *testing.T, client func(*testing.T) redis.UniversalClient) {
		ctx := context.Background()
		c := client(t)
		a := newStore(t, c, redisstore.Options{LogoutRecordsRefresh: refresh})
		b := newStore(t, c, redisstore.Options{LogoutRecordsRefresh: refresh})
		at := time.Now()
		if err := a.RecordLogout(ctx, session.LogoutRecord{SID: "sid-1", At: at}, at.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		eventually(t, "seen", func() bool { return loggedOut(t, b, "sid-1", "", at) })
		keys := keysWithPrefix(t, c, prefixFor(t))
		if len(keys) != 3 {
			t.Fatalf("keys %q, want the three of the logout records", keys)
		}
		for _, k := range keys {
			// Times are kept to the millisecond, rounded up.
			if ttl := c.PTTL(ctx, k).Val(); ttl <= 0 || ttl > time.Second+2*time.Millisecond {
				t.Errorf("%s lives %v, want at most the record's second", k, ttl)
			}
		}
		eventually(t, "expired in the copy", func() bool { return !loggedOut(t, b, "sid-1", "", at) })
		eventually(t, "expired in Redis", func() bool { return len(keysWithPrefix(t, c, prefixFor(t))) == 0 })
	})
}

// When the records are lost (expired together, or flushed) and written anew, whose sequence
// starts again, every instance reads them all again.
func TestLogoutRecordsWrittenAfterALoss(t *testing.T) {
	ctx := context.Background()
	c := singleClient(t)
	a := newStore(t, c, redisstore.Options{LogoutRecordsRefresh: refresh})
	b := newStore(t, c, redisstore.Options{LogoutRecordsRefresh: refresh})
	at := time.Now()
	record := func(sid string) {
		t.Helper()
		if err := a.RecordLogout(ctx, session.LogoutRecord{SID: sid, At: at}, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for _, sid := range []string{"old-1", "old-2", "old-3"} {
		record(sid)
	}
	eventually(t, "seen", func() bool { return loggedOut(t, b, "old-3", "", at) })
	if err := c.Del(ctx, keysWithPrefix(t, c, prefixFor(t))...).Err(); err != nil {
		t.Fatal(err)
	}
	for _, sid := range []string{"new-1", "new-2", "new-3", "new-4"} {
		record(sid)
	}
	eventually(t, "the new records seen", func() bool {
		return loggedOut(t, b, "new-1", "", at) && loggedOut(t, b, "new-4", "", at)
	})
	if loggedOut(t, b, "old-1", "", at) {
		t.Error("a lost record is still in the copy")
	}
}

func TestRecordLogoutRefusesARecordOfNothing(t *testing.T) {
	ctx := context.Background()
	c := singleClient(t)
	a := newStore(t, c, redisstore.Options{})
	now := time.Now()
	for name, r := range map[string]session.LogoutRecord{
		"no sid and no sub": {At: now},
		"no time":           {SID: "sid-1"},
	} {
		if err := a.RecordLogout(ctx, r, now.Add(time.Hour)); err == nil {
			t.Errorf("%s: RecordLogout did not fail", name)
		}
	}
	if err := a.RecordLogout(ctx, session.LogoutRecord{SID: "sid-1", At: now}, now.Add(-time.Second)); err != nil {
		t.Errorf("a record already expired: %v", err)
	}
	if keys := keysWithPrefix(t, c, prefixFor(t)); len(keys) != 0 {
		t.Errorf("keys written: %q", keys)
	}
}
