package session

import (
	"testing"
	"time"
)

func TestLifetimeExpiry(t *testing.T) {
	t.Parallel()
	created := time.Unix(1_800_000_000, 0)
	rolling := Lifetime{}.WithDefaults()
	fixed := Lifetime{DisableRolling: true}.WithDefaults()
	for _, tc := range []struct {
		name string
		l    Lifetime
		now  time.Time
		want time.Time
	}{
		{"rolling at login: now + inactivity", rolling, created, created.Add(24 * time.Hour)},
		{"rolling later: now + inactivity", rolling, created.Add(30 * time.Hour), created.Add(54 * time.Hour)},
		{"rolling capped by absolute", rolling, created.Add(60 * time.Hour), created.Add(72 * time.Hour)},
		{"rolling exactly at the cap", rolling, created.Add(48 * time.Hour), created.Add(72 * time.Hour)},
		{"not rolling: createdAt + absolute, at login", fixed, created, created.Add(72 * time.Hour)},
		{"not rolling: createdAt + absolute, later", fixed, created.Add(50 * time.Hour), created.Add(72 * time.Hour)},
	} {
		if got := tc.l.Expiry(created, tc.now); !got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got.Sub(created), tc.want.Sub(created))
		}
	}
}

func TestLifetimeExpiredAtTheBoundaries(t *testing.T) {
	t.Parallel()
	l := Lifetime{}.WithDefaults()
	created := time.Unix(1_800_000_000, 0)
	in := Internal{CreatedAt: created}
	l.stamp(&in, created)
	if l.Expired(&in, created.Add(24*time.Hour-time.Second)) {
		t.Error("expired a second before the inactivity limit")
	}
	if !l.Expired(&in, created.Add(24*time.Hour)) {
		t.Error("alive at the inactivity limit")
	}
	// A session written within its inactivity window lives on, but never past the absolute limit.
	l.stamp(&in, created.Add(71*time.Hour))
	if l.Expired(&in, created.Add(72*time.Hour-time.Second)) {
		t.Error("expired before the absolute limit")
	}
	if !l.Expired(&in, created.Add(72*time.Hour)) {
		t.Error("alive at the absolute limit")
	}
	// A recorded expiry beyond the absolute limit (forged or misconfigured) does not extend it.
	in = Internal{CreatedAt: created, ExpiresAt: created.Add(1000 * time.Hour)}
	if !l.Expired(&in, created.Add(72*time.Hour)) {
		t.Error("recorded expiry extended the absolute limit")
	}
	if !l.Expired(&Internal{}, created) {
		t.Error("a session without createdAt is alive")
	}
}

func TestLifetimeWithoutRecordedExpiry(t *testing.T) {
	t.Parallel()
	// Sessions written by other tools carry only createdAt.
	l := Lifetime{}.WithDefaults()
	created := time.Unix(1_800_000_000, 0)
	in := Internal{CreatedAt: created}
	if l.Expired(&in, created.Add(23*time.Hour)) || !l.Expired(&in, created.Add(24*time.Hour)) {
		t.Error("expiry of a session without expiresAt is not createdAt + inactivity")
	}
}

func TestLifetimeDue(t *testing.T) {
	t.Parallel()
	created := time.Unix(1_800_000_000, 0)
	l := Lifetime{}.WithDefaults()
	in := Internal{}
	l.stamp(&in, created)
	if l.Due(&in, created.Add(59*time.Second)) {
		t.Error("due before the threshold")
	}
	if !l.Due(&in, created.Add(60*time.Second)) {
		t.Error("not due at the threshold")
	}
	l2 := Lifetime{RollingThreshold: 10 * time.Minute}.WithDefaults()
	if l2.Due(&in, created.Add(9*time.Minute)) || !l2.Due(&in, created.Add(10*time.Minute)) {
		t.Error("a configured threshold is not honoured")
	}
	// At the absolute cap a write would not move the expiry: not due.
	l.stamp(&in, created.Add(60*time.Hour))
	if l.Due(&in, created.Add(61*time.Hour)) {
		t.Error("due although the expiry is capped")
	}
	fixed := Lifetime{DisableRolling: true}.WithDefaults()
	if fixed.Due(&in, created.Add(70*time.Hour)) {
		t.Error("a non-rolling session is due")
	}
}

func TestLifetimeStampTruncatesToSeconds(t *testing.T) {
	t.Parallel()
	l := Lifetime{DisableRolling: true}.WithDefaults()
	in := Internal{}
	l.stamp(&in, time.Unix(1_800_000_000, 999_999_999))
	if in.CreatedAt.Nanosecond() != 0 || !in.ExpiresAt.Equal(in.CreatedAt.Add(72*time.Hour)) {
		t.Errorf("stamp = %+v", in)
	}
}
