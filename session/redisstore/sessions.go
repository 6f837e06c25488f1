package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/session"
)

// writeSession stores a session hash {v: sealed session, sid: sid digest, sub: sub digest}
// with its time-to-live, replacing what was there; with mode "update", only if a session is
// there. A time-to-live of zero or less deletes it. It returns 1 when it wrote, 0 when not.
//
// KEYS[1] the session; ARGV mode, sealed session, sid digest, sub digest, ttl in ms.
var writeSession = redis.NewScript(`
if ARGV[1] == 'update' and redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('DEL', KEYS[1])
if tonumber(ARGV[5]) > 0 then
  redis.call('HSET', KEYS[1], 'v', ARGV[2], 'sid', ARGV[3], 'sub', ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
return 1
`)

// deleteSession deletes a session and returns its sid and sub digests, for the index.
//
// KEYS[1] the session.
var deleteSession = redis.NewScript(`
local f = redis.call('HMGET', KEYS[1], 'sid', 'sub')
redis.call('DEL', KEYS[1])
return {f[1] or '', f[2] or ''}
`)

// addToIndex adds a session to an index set and makes the set live at least as long as it.
//
// KEYS[1] the index; ARGV session digest, ttl in ms.
var addToIndex = redis.NewScript(`
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
`)

// Get returns the session stored under id, or nil, nil when there is none. A stored session
// that none of the secrets opens (the secrets changed, or it was altered in Redis) is none.
func (s *Store) Get(ctx context.Context, id string) (*session.Session, error) {
	d := digest(id)
	sealed, err := s.client.HGet(ctx, s.key(kindSession, d), "v").Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, unavailable("reading a session", err)
	}
	sess := new(session.Session)
	if err := s.sessions.Decode(d, sealed, sess); err != nil {
		return nil, nil
	}
	return sess, nil
}

// Set stores sess under id until expiresAt, replacing what was there, and indexes it by its
// provider session id and subject for DeleteByLogoutToken. An expiresAt already past deletes
// the session.
func (s *Store) Set(ctx context.Context, id string, sess *session.Session, expiresAt time.Time) error {
	_, err := s.write(ctx, "set", id, sess, expiresAt)
	return err
}

// Update stores sess under id until expiresAt only if a session is stored under id, and
// reports whether it did, in one atomic step: a session deleted by Delete or
// DeleteByLogoutToken stays deleted. When the session was written but its index sets could not
// be kept, Update returns true and the error.
func (s *Store) Update(ctx context.Context, id string, sess *session.Session, expiresAt time.Time) (bool, error) {
	return s.write(ctx, "update", id, sess, expiresAt)
}

// write seals sess and writes it with writeSession in mode, keeping the index sets of its sid
// and sub. Set indexes first, so that no stored session is missing from its sets: a member
// whose session was never written is skipped by DeleteByLogoutToken and expires with its set.
// Update indexes only after it wrote, so that updating a deleted session writes nothing; the
// session it updates is already in its sets, which Update makes live as long as it.
func (s *Store) write(ctx context.Context, mode, id string, sess *session.Session, expiresAt time.Time) (bool, error) {
	d := digest(id)
	sealed, err := s.sessions.Encode(d, sess)
	if err != nil {
		return false, fmt.Errorf("redisstore: sealing a session: %w", err)
	}
	sid, sub := digestOrEmpty(sess.Internal.SID), digestOrEmpty(sess.Subject())
	ttl := millis(expiresAt.Sub(s.now()))
	if mode == "set" && ttl > 0 {
		if err := s.index(ctx, d, sid, sub, ttl); err != nil {
			return false, err
		}
	}
	wrote, err := writeSession.Run(ctx, s.client, []string{s.key(kindSession, d)}, mode, sealed, sid, sub, ttl).Int()
	if err != nil {
		return false, unavailable("writing a session", err)
	}
	if mode == "update" && wrote == 1 && ttl > 0 {
		if err := s.index(ctx, d, sid, sub, ttl); err != nil {
			return true, err
		}
	}
	return wrote == 1, nil
}

// index adds the session d to the index sets of its sid and sub digests.
func (s *Store) index(ctx context.Context, d, sid, sub string, ttl int64) error {
	pipe := s.client.Pipeline()
	if sid != "" {
		addToIndex.Eval(ctx, pipe, []string{s.key(kindSID, sid)}, d, ttl)
	}
	if sub != "" {
		addToIndex.Eval(ctx, pipe, []string{s.key(kindSub, sub)}, d, ttl)
	}
	if pipe.Len() == 0 {
		return nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return unavailable("indexing a session", err)
	}
	return nil
}

// Delete removes the session stored under id and its index entries; deleting nothing is not
// an error.
func (s *Store) Delete(ctx context.Context, id string) error {
	d := digest(id)
	f, err := deleteSession.Run(ctx, s.client, []string{s.key(kindSession, d)}).StringSlice()
	if err != nil {
		return unavailable("deleting a session", err)
	}
	pipe := s.client.Pipeline()
	if len(f) == 2 && f[0] != "" {
		pipe.SRem(ctx, s.key(kindSID, f[0]), d)
	}
	if len(f) == 2 && f[1] != "" {
		pipe.SRem(ctx, s.key(kindSub, f[1]), d)
	}
	if pipe.Len() == 0 {
		return nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return unavailable("unindexing a session", err)
	}
	return nil
}
