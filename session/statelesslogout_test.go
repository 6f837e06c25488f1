package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// failingRecords is a LogoutRecorder whose reads fail with err.
type failingRecords struct{ err error }

func (f failingRecords) RecordLogout(context.Context, LogoutRecord, time.Time) error { return f.err }
func (f failingRecords) LoggedOut(context.Context, string, string, time.Time) (bool, error) {
	return false, f.err
}

func TestStatelessLoadSignsOutSessionsTheLogoutRecordsName(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, tc := range map[string]struct {
		record LogoutRecord
		change func(*Session)
		out    bool
	}{
		"its sid":                  {record: LogoutRecord{SID: "sid_1", Subject: "user_123"}, out: true},
		"its user":                 {record: LogoutRecord{Subject: "user_123"}, out: true},
		"its user, sub only in it": {record: LogoutRecord{Subject: "user_123"}, change: func(s *Session) { s.Internal.Subject = "" }, out: true},
		"another sid":              {record: LogoutRecord{SID: "sid_2", Subject: "user_123"}},
		"another user":             {record: LogoutRecord{Subject: "user_456"}},
		"a later login":            {record: LogoutRecord{Subject: "user_123"}, change: func(s *Session) { s.Internal.CreatedAt = s.Internal.CreatedAt.Add(2 * time.Second) }},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clk := newTestClock()
			records := NewMemoryLogoutRecords(clk.Now)
			m := newStateless(t, clk, func(c *StatelessConfig) { c.LogoutRecords = records })
			s := smallSession(clk.Now().Add(-time.Hour))
			if tc.change != nil {
				tc.change(s)
			}
			r := requestWith(save(t, m, nil, s))
			tc.record.At = clk.Now().Add(-time.Hour)
			if err := records.RecordLogout(ctx, tc.record, clk.Now().Add(DefaultAbsoluteDuration)); err != nil {
				t.Fatal(err)
			}
			l := load(t, m, r)
			if got := l.Session == nil; got != tc.out {
				t.Fatalf("signed out %v, want %v", got, tc.out)
			}
			if l.NeedsClearing() != tc.out {
				t.Errorf("NeedsClearing %v, want %v: a logged-out session's cookies are cleared", l.NeedsClearing(), tc.out)
			}
		})
	}
}

func TestStatelessLogoutRecordsFailClosed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newTestClock()
	for name, cause := range map[string]error{
		"unavailable":   errors.Join(ErrUnavailable, errors.New("dial tcp: refused")),
		"another error": errors.New("WRONGTYPE"),
	} {
		m := newStateless(t, clk, func(c *StatelessConfig) { c.LogoutRecords = failingRecords{cause} })
		r := requestWith(save(t, m, nil, smallSession(clk.Now())))
		l, err := m.Load(ctx, r)
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s: Load error %v, want one wrapping ErrUnavailable", name, err)
		}
		if l != nil && l.Session != nil {
			t.Errorf("%s: Load returned the session with its error", name)
		}
		if strings.Count(err.Error(), ErrUnavailable.Error()) != 1 {
			t.Errorf("%s: error %q", name, err)
		}
		// A request without a session never asks the records.
		if _, err := m.Load(ctx, requestWith(nil)); err != nil {
			t.Errorf("%s: a signed-out request failed: %v", name, err)
		}
	}
}

func TestStatelessLogoutRecordsFailOpen(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m := newStateless(t, clk, func(c *StatelessConfig) {
		c.LogoutRecords, c.LogoutRecordsFailOpen = failingRecords{ErrUnavailable}, true
	})
	l := load(t, m, requestWith(save(t, m, nil, smallSession(clk.Now()))))
	if l.Session == nil || l.Session.Subject() != "user_123" {
		t.Errorf("fail-open: the session did not load: %+v", l)
	}
}
