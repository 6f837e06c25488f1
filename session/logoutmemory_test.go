package session

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestMemoryLogoutRecordsMatchSessionsThatBeganBefore(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	ctx := context.Background()
	r := NewMemoryLogoutRecords(clk.Now)
	at := clk.Now()
	before, after := at.Add(-time.Hour), at.Add(time.Second)
	if err := r.RecordLogout(ctx, LogoutRecord{SID: "sid-1", Subject: "alice", At: at}, at.Add(72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := r.RecordLogout(ctx, LogoutRecord{Subject: "bob", At: at}, at.Add(72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sid, sub string
		created  time.Time
		want     bool
	}{
		{"sid-1", "alice", before, true},
		{"sid-1", "alice", at, true}, // at the logout's moment: logged out
		{"sid-1", "alice", after, false},
		{"sid-1", "", before, true},
		{"sid-2", "alice", before, false}, // a record with a sid names only that session
		{"", "alice", before, false},
		{"sid-9", "bob", before, true}, // a record without a sid names every session of the user
		{"", "bob", before, true},
		{"sid-9", "bob", after, false},
		{"", "", before, false},
		{"sid-1x", "carol", before, false},
	} {
		got, err := r.LoggedOut(ctx, tc.sid, tc.sub, tc.created)
		if err != nil || got != tc.want {
			t.Errorf("LoggedOut(%q, %q, %v) = %v, %v; want %v", tc.sid, tc.sub, tc.created.Sub(at), got, err, tc.want)
		}
	}
	if err := r.RecordLogout(ctx, LogoutRecord{At: at}, at.Add(time.Hour)); err == nil {
		t.Error("a record without SID or Subject was kept")
	}
}

func TestMemoryLogoutRecordsExpire(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	ctx := context.Background()
	r := NewMemoryLogoutRecords(clk.Now)
	created := clk.Now().Add(-time.Minute)
	_ = r.RecordLogout(ctx, LogoutRecord{Subject: "alice", At: clk.Now()}, clk.Now().Add(time.Hour))
	clk.Advance(59 * time.Minute)
	if out, _ := r.LoggedOut(ctx, "", "alice", created); !out {
		t.Fatal("the record was gone before it expired")
	}
	clk.Advance(time.Minute)
	if out, _ := r.LoggedOut(ctx, "", "alice", created); out {
		t.Error("an expired record still signs out")
	}
	if n := r.records.len(); n != 0 {
		t.Errorf("%d records held after expiry", n)
	}
}

func TestMemoryLogoutRecordsKeepTheLaterLogout(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	ctx := context.Background()
	r := NewMemoryLogoutRecords(clk.Now)
	t0 := clk.Now()
	_ = r.RecordLogout(ctx, LogoutRecord{Subject: "alice", At: t0.Add(time.Hour)}, t0.Add(10*time.Hour))
	_ = r.RecordLogout(ctx, LogoutRecord{Subject: "alice", At: t0}, t0.Add(2*time.Hour)) // older, shorter
	if out, _ := r.LoggedOut(ctx, "", "alice", t0.Add(30*time.Minute)); !out {
		t.Error("an older record replaced a later logout")
	}
	clk.Advance(5 * time.Hour)
	if out, _ := r.LoggedOut(ctx, "", "alice", t0.Add(30*time.Minute)); !out {
		t.Error("an older record shortened a later record's life")
	}
}

func TestMemoryLogoutRecordsAreBounded(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	ctx := context.Background()
	r := NewMemoryLogoutRecords(clk.Now)
	r.records.limit = 3
	created := clk.Now().Add(-time.Minute)
	for i := range 5 {
		_ = r.RecordLogout(ctx, LogoutRecord{Subject: fmt.Sprint("user-", i), At: clk.Now()}, clk.Now().Add(time.Hour))
	}
	if n := r.records.len(); n != 3 {
		t.Fatalf("%d records held, want the limit 3", n)
	}
	for i, want := range []bool{false, false, true, true, true} {
		if out, _ := r.LoggedOut(ctx, "", fmt.Sprint("user-", i), created); out != want {
			t.Errorf("user-%d logged out %v, want %v (the oldest go first)", i, out, want)
		}
	}
}

func TestMemoryReplayCache(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	ctx := context.Background()
	c := NewMemoryReplayCache(clk.Now)
	until := clk.Now().Add(10 * time.Minute)
	for i, want := range []bool{true, false, false} {
		if first, err := c.FirstUse(ctx, "jti-1", until); err != nil || first != want {
			t.Errorf("use %d: FirstUse = %v, %v; want %v", i+1, first, err, want)
		}
	}
	if first, _ := c.FirstUse(ctx, "jti-2", until); !first {
		t.Error("another id is not a first use")
	}
	clk.Advance(10 * time.Minute)
	if first, _ := c.FirstUse(ctx, "jti-1", until); !first {
		t.Error("an id is remembered past its time")
	}
}

func TestMemoryReplayCacheIsBounded(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	ctx := context.Background()
	c := NewMemoryReplayCache(clk.Now)
	c.ids.limit = 2
	until := clk.Now().Add(time.Hour)
	for _, id := range []string{"a", "b", "c"} {
		_, _ = c.FirstUse(ctx, id, until)
	}
	if n := c.ids.len(); n != 2 {
		t.Errorf("%d ids held, want the limit 2", n)
	}
	if first, _ := c.FirstUse(ctx, "c", until); first {
		t.Error("the newest id was pushed out")
	}
	// Ids whose time has passed are dropped as new ones come, before the limit bites.
	clk.Advance(2 * time.Hour)
	_, _ = c.FirstUse(ctx, "d", clk.Now().Add(time.Hour))
	if n := c.ids.len(); n != 1 {
		t.Errorf("%d ids held, want only the live one", n)
	}
}

func TestMemoryLogoutRecordsAndReplayCacheConcurrentUse(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	ctx := context.Background()
	r := NewMemoryLogoutRecords(clk.Now)
	c := NewMemoryReplayCache(clk.Now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	for i := range 16 {
		wg.Go(func() {
			for j := range 50 {
				sub := fmt.Sprint("user-", j)
				_ = r.RecordLogout(ctx, LogoutRecord{Subject: sub, At: clk.Now()}, clk.Now().Add(time.Hour))
				_, _ = r.LoggedOut(ctx, fmt.Sprint("sid-", i), sub, clk.Now())
				if first, _ := c.FirstUse(ctx, sub, clk.Now().Add(time.Hour)); first {
					mu.Lock()
					firsts++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if firsts != 50 {
		t.Errorf("%d first uses of 50 ids", firsts)
	}
}
