package redisstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/session"
)

// recordLogout keeps one logout record, a field of the records hash ("sid:" or "sub:" and a
// digest) whose value is "<at in µs> <expiry in ms>". Each write gets the next sequence number
// (the hash's field #seq), under which readers find what changed since they last read. The
// hash's field #epoch changes when the records are lost (expired or flushed), which tells
// readers to read everything again. A record written twice keeps the later time and expiry.
// The script first drops up to 100 expired records, and makes the three keys live as long as
// the latest record.
//
// KEYS[1] the records hash, KEYS[2] the zset field->sequence, KEYS[3] the zset field->expiry;
// ARGV field, at (µs), expiry (ms), now (ms), a new epoch.
var recordLogout = redis.NewScript(`
local now = tonumber(ARGV[4])
local old = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)
if #old > 0 then
  redis.call('HDEL', KEYS[1], unpack(old))
  redis.call('ZREM', KEYS[2], unpack(old))
  redis.call('ZREM', KEYS[3], unpack(old))
end
redis.call('HSETNX', KEYS[1], '#epoch', ARGV[5])
local at, exp = tonumber(ARGV[2]), tonumber(ARGV[3])
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local a, e = string.match(cur, '^(%d+) (%d+)$')
  if a and tonumber(a) > at then at = tonumber(a) end
  if e and tonumber(e) > exp then exp = tonumber(e) end
end
local seq = redis.call('HINCRBY', KEYS[1], '#seq', 1)
redis.call('HSET', KEYS[1], ARGV[1], string.format('%.0f %.0f', at, exp))
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('ZADD', KEYS[3], exp, ARGV[1])
local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
local ttl = tonumber(last[2]) - now
if ttl > 0 then
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
return seq
`)

// logoutEntry is one logout record in memory.
type logoutEntry struct {
	at      time.Time // sessions created at or before it are logged out
	expires time.Time // when the record is dropped
}

// names reports whether e logs out a session created at created, at now.
func (e logoutEntry) names(created, now time.Time) bool {
	return now.Before(e.expires) && !e.at.Before(created)
}

// merge returns the record that covers both e and o.
func (e logoutEntry) merge(o logoutEntry) logoutEntry {
	if o.at.After(e.at) {
		e.at = o.at
	}
	if o.expires.After(e.expires) {
		e.expires = o.expires
	}
	return e
}

// RecordLogout keeps r in Redis until expires, for every instance's LoggedOut, and in this
// instance's copy at once. A record with a SID names that provider session; one with only a
// Subject names every session of the user. An expires already past records nothing.
func (s *Store) RecordLogout(ctx context.Context, r session.LogoutRecord, expires time.Time) error {
	var field string
	switch {
	case r.SID != "":
		field = kindSID + digest(r.SID)
	case r.Subject != "":
		field = kindSub + digest(r.Subject)
	default:
		return errors.New("redisstore: a logout record needs a SID or a Subject")
	}
	if r.At.IsZero() {
		return errors.New("redisstore: a logout record needs its time")
	}
	now := s.now()
	if !expires.After(now) {
		return nil
	}
	e := logoutEntry{at: ceilTime(r.At, time.Microsecond), expires: ceilTime(expires, time.Millisecond)}
	err := recordLogout.Run(ctx, s.client, s.logouts.keys[:], field,
		e.at.UnixMicro(), e.expires.UnixMilli(), now.UnixMilli(), rand.Text()).Err()
	if err != nil {
		return unavailable("recording a logout", err)
	}
	s.logouts.remember(field, e)
	return nil
}

// LoggedOut reports whether a session of sid and sub that began at created is logged out: a
// record for sid, or for sub without a sid, at or after created.
//
// It answers from a copy of the records in memory, never asking Redis on the caller's path:
// its first call starts a goroutine (stopped by Close) that reads the records at once, then
// every Options.LogoutRecordsRefresh. So a logout recorded by any instance reaches every
// instance within LogoutRecordsRefresh and one read from Redis: that is how stale an answer
// may be. Only the first call waits, for the first read. When the copy has not been
// refreshed for 10 × LogoutRecordsRefresh (Redis cannot be read), LoggedOut returns an error
// wrapping session.ErrUnavailable instead of an answer, and the caller's policy decides.
func (s *Store) LoggedOut(ctx context.Context, sid, sub string, created time.Time) (bool, error) {
	var sidField, subField string
	if sid != "" {
		sidField = kindSID + digest(sid)
	}
	if sub != "" {
		subField = kindSub + digest(sub)
	}
	return s.logouts.loggedOut(ctx, sidField, subField, created)
}

func (l *logoutRecords) loggedOut(ctx context.Context, sidField, subField string, created time.Time) (bool, error) {
	l.start()
	select {
	case <-l.firstDone:
	case <-ctx.Done():
		return false, fmt.Errorf("redisstore: waiting for the first read of the logout records: %w: %w", session.ErrUnavailable, ctx.Err())
	}
	now := l.store.now()
	l.mu.RLock()
	defer l.mu.RUnlock()
	if err := l.staleLocked(now); err != nil {
		return false, err
	}
	if sidField != "" && l.records[sidField].names(created, now) {
		return true, nil
	}
	return subField != "" && l.records[subField].names(created, now), nil
}

// staleLocked returns an error when the copy is too old to answer from.
func (l *logoutRecords) staleLocked(now time.Time) error {
	if !l.loadedAt.IsZero() && now.Sub(l.loadedAt) <= l.maxAge {
		return nil
	}
	what := "the logout records were never read"
	if !l.loadedAt.IsZero() {
		what = fmt.Sprintf("the logout records were last read %s ago", now.Sub(l.loadedAt).Round(time.Millisecond))
	}
	if l.lastErr == nil {
		return fmt.Errorf("redisstore: %s: %w", what, session.ErrUnavailable)
	}
	return fmt.Errorf("redisstore: %s: %w: %w", what, session.ErrUnavailable, l.lastErr)
}

// remember merges a record just written into the copy.
func (l *logoutRecords) remember(field string, e logoutEntry) {
	l.mu.Lock()
	l.records[field] = l.records[field].merge(e)
	l.mu.Unlock()
}

// ceilTime rounds t up to a multiple of d.
func ceilTime(t time.Time, d time.Duration) time.Time {
	if r := t.Truncate(d); r.Before(t) {
		return r.Add(d)
	}
	return t
}
