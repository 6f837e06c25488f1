package session

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestMemoryStoreBasics(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	st := NewMemoryStore(clk.Now)
	ctx := context.Background()
	if s, err := st.Get(ctx, "nope"); s != nil || err != nil {
		t.Errorf("missing id = %v, %v; want nil, nil", s, err)
	}
	s := smallSession(clk.Now())
	if err := st.Set(ctx, "a", s, clk.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Get(ctx, "a")
	got.User.Set("name", "changed")
	again, _ := st.Get(ctx, "a")
	if again.User.StringClaim("name") != "Jane" {
		t.Error("Get returns the stored session itself, not a copy")
	}
	clk.Advance(time.Hour)
	if s, _ := st.Get(ctx, "a"); s != nil {
		t.Error("an expired session is returned")
	}
	if ok, _ := st.Update(ctx, "a", s, clk.Now().Add(time.Hour)); ok {
		t.Error("Update wrote a session that had expired")
	}
}

func TestMemoryStoreDeleteByLogoutToken(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	ctx := context.Background()
	st := NewMemoryStore(clk.Now)
	put := func(id, sid, sub string) {
		s := smallSession(clk.Now())
		s.Internal.SID, s.Internal.Subject = sid, sub
		s.User.Set("sub", sub)
		if id == "2" {
			s.User.Delete("sub") // a BeforeSessionSaved hook kept fewer claims
		}
		if err := st.Set(ctx, id, s, clk.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	put("1", "sidA", "alice")
	put("2", "sidB", "alice")
	put("3", "sidC", "bob")
	put("4", "sidA", "mallory")

	for _, tc := range []struct {
		tok  LogoutToken
		want int
		left int
	}{
		{LogoutToken{}, 0, 4},
		{LogoutToken{SID: "sidA", Subject: "alice"}, 1, 3},
		{LogoutToken{Subject: "alice"}, 1, 2},
		{LogoutToken{SID: "sidC", Subject: "alice"}, 0, 2},
		{LogoutToken{SID: "sidC"}, 1, 1},
		{LogoutToken{SID: "sidA"}, 1, 0},
	} {
		n, err := st.DeleteByLogoutToken(ctx, tc.tok)
		if err != nil || n != tc.want || st.Len() != tc.left {
			t.Errorf("%+v: deleted %d (want %d), %d left (want %d), %v", tc.tok, n, tc.want, st.Len(), tc.left, err)
		}
	}
}

func TestMemoryStoreConcurrentUse(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	ctx := context.Background()
	st := NewMemoryStore(clk.Now)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				id := fmt.Sprintf("%d-%d", g, i)
				s := smallSession(clk.Now())
				s.Internal.SID = id
				_ = st.Set(ctx, id, s, clk.Now().Add(time.Minute))
				_, _ = st.Get(ctx, id)
				_, _ = st.Update(ctx, id, s, clk.Now().Add(time.Minute))
				if i%2 == 0 {
					_, _ = st.DeleteByLogoutToken(ctx, LogoutToken{SID: id})
				}
			}
		})
	}
	wg.Wait()
	if st.Len() != 8*100 {
		t.Errorf("%d sessions left, want 800", st.Len())
	}
}

func TestMemoryStoreSweepsExpiredEntries(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	ctx := context.Background()
	st := NewMemoryStore(clk.Now)
	for i := range sweepEvery - 1 {
		_ = st.Set(ctx, fmt.Sprint(i), smallSession(clk.Now()), clk.Now().Add(time.Minute))
	}
	clk.Advance(time.Hour)
	_ = st.Set(ctx, "last", smallSession(clk.Now()), clk.Now().Add(time.Minute))
	if st.Len() != 1 {
		t.Errorf("%d entries after a sweep, want 1", st.Len())
	}
}
