package session

import "time"

// Default lifetimes.
const (
	DefaultAbsoluteDuration   = 3 * 24 * time.Hour
	DefaultInactivityDuration = 24 * time.Hour
	DefaultRollingThreshold   = 60 * time.Second
)

// Lifetime says how long sessions live.
//
// Rolling (the default): a session expires after InactivityDuration without a request, and in
// any case AbsoluteDuration after login: expiry = min(now + inactivity, createdAt + absolute).
// Each request that finds the session at least RollingThreshold after its last write writes it
// again with a new expiry, so a busy page does not rewrite its cookie on every request.
//
// Not rolling: expiry = createdAt + AbsoluteDuration, whatever happens in between.
type Lifetime struct {
	// AbsoluteDuration bounds a session's life from login; default 3 days.
	AbsoluteDuration time.Duration
	// InactivityDuration is how long a rolling session survives without requests; default 1 day.
	InactivityDuration time.Duration
	// DisableRolling turns rolling off; default off: sessions roll.
	DisableRolling bool
	// RollingThreshold is how long after its last write a rolling session is written again;
	// default 60 seconds.
	RollingThreshold time.Duration
}

// WithDefaults returns l with zero durations set to their defaults.
func (l Lifetime) WithDefaults() Lifetime {
	if l.AbsoluteDuration <= 0 {
		l.AbsoluteDuration = DefaultAbsoluteDuration
	}
	if l.InactivityDuration <= 0 {
		l.InactivityDuration = DefaultInactivityDuration
	}
	if l.RollingThreshold <= 0 {
		l.RollingThreshold = DefaultRollingThreshold
	}
	return l
}

// Expiry returns when a session created at createdAt expires if it is written at now.
func (l Lifetime) Expiry(createdAt, now time.Time) time.Time {
	limit := createdAt.Add(l.AbsoluteDuration)
	if l.DisableRolling {
		return limit
	}
	if idle := now.Add(l.InactivityDuration); idle.Before(limit) {
		return idle
	}
	return limit
}

// expiresAt returns the session's expiry: the one it was written with, or for a session that
// does not record one (written by another tool), the expiry of a write at its last update.
func (l Lifetime) expiresAt(in *Internal) time.Time {
	if !in.ExpiresAt.IsZero() {
		return in.ExpiresAt
	}
	written := in.UpdatedAt
	if written.IsZero() {
		written = in.CreatedAt
	}
	return l.Expiry(in.CreatedAt, written)
}

// ceilingMargin is how long before the provider's end of a session (the original SDK's
// internal.sessionExpiresAt) the session reads as signed out, as in the original.
const ceilingMargin = 30 * time.Second

// Expired reports whether the session has expired at now: past its recorded expiry, past its
// absolute limit, or within 30 seconds of the provider's end of the session that the
// original SDK records (internal.sessionExpiresAt). A session without a creation time is
// expired.
func (l Lifetime) Expired(in *Internal, now time.Time) bool {
	if in.CreatedAt.IsZero() {
		return true
	}
	if !in.ceiling.IsZero() && !now.Before(in.ceiling.Add(-ceilingMargin)) {
		return true
	}
	if !now.Before(in.CreatedAt.Add(l.AbsoluteDuration)) {
		return true
	}
	return !now.Before(l.expiresAt(in))
}

// Due reports whether a rolling session should be written again at now: the threshold has
// passed since its last write and a write would move its expiry.
func (l Lifetime) Due(in *Internal, now time.Time) bool {
	if l.DisableRolling {
		return false
	}
	written := in.UpdatedAt
	if written.IsZero() {
		written = in.CreatedAt
	}
	if now.Sub(written) < l.RollingThreshold {
		return false
	}
	return l.Expiry(in.CreatedAt, now).Unix() > l.expiresAt(in).Unix()
}

// inferWritten sets the update time of a session that records only its expiry, as a cookie
// of the format "nextjs" does: a rolling write at t expires at t + InactivityDuration unless
// the absolute limit comes first, and then the session is not due for a roll whatever t was.
func (l Lifetime) inferWritten(in *Internal) {
	if !in.UpdatedAt.IsZero() || in.ExpiresAt.IsZero() {
		return
	}
	written := in.ExpiresAt.Add(-l.InactivityDuration)
	if l.DisableRolling || written.Before(in.CreatedAt) {
		written = in.CreatedAt
	}
	in.UpdatedAt = written
}

// stamp records a write at now: the update time and the new expiry.
func (l Lifetime) stamp(in *Internal, now time.Time) {
	now = now.Truncate(time.Second)
	if in.CreatedAt.IsZero() {
		in.CreatedAt = now
	}
	in.UpdatedAt = now
	in.ExpiresAt = l.Expiry(in.CreatedAt, now)
}
