package redisstore

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/session"
)

// deleteBatch bounds the scripts sent in one pipeline by DeleteByLogoutToken.
const deleteBatch = 256

// deleteIfNamed deletes a session if a logout token names it: its sid digest equals the
// token's (when the token has one) and its sub digest equals the token's (when the token has
// one). It returns 1 when it deleted the session, 0 when the session does not match, -1 when
// there is no session.
//
// KEYS[1] the session; ARGV the token's sid digest or "", the token's sub digest or "".
var deleteIfNamed = redis.NewScript(`
local f = redis.call('HMGET', KEYS[1], 'sid', 'sub')
if not f[1] then
  return -1
end
if (ARGV[1] ~= '' and f[1] ~= ARGV[1]) or (ARGV[2] ~= '' and f[2] ~= ARGV[2]) then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
`)

// DeleteByLogoutToken deletes every session that t names (by SID, by Subject, or by both:
// then a session must match both) and returns how many it deleted.
//
// It reads the index set of t.SID (or of t.Subject when t has no SID), then deletes each
// session of the set that matches t with a script on that session's key alone, which checks
// the session's own sid and sub: a concurrent Update, a script on the same key, either runs
// first and its write is deleted, or runs after and finds no session. No script spans two
// keys, so sessions spread over every node of a Redis Cluster. Members whose session is gone
// are removed from the set.
func (s *Store) DeleteByLogoutToken(ctx context.Context, t session.LogoutToken) (int, error) {
	if t.SID == "" && t.Subject == "" {
		return 0, nil
	}
	sid, sub := digestOrEmpty(t.SID), digestOrEmpty(t.Subject)
	index := s.key(kindSID, sid)
	if sid == "" {
		index = s.key(kindSub, sub)
	}
	members, err := s.client.SMembers(ctx, index).Result()
	if err != nil {
		return 0, unavailable("reading a logout index", err)
	}
	deleted := 0
	for len(members) > 0 {
		batch := members[:min(deleteBatch, len(members))]
		members = members[len(batch):]
		n, err := s.deleteNamed(ctx, index, batch, sid, sub)
		deleted += n
		if err != nil {
			return deleted, err
		}
	}
	return deleted, nil
}

// deleteNamed runs deleteIfNamed on the sessions of members, then removes from index the
// members whose session is no longer there.
func (s *Store) deleteNamed(ctx context.Context, index string, members []string, sid, sub string) (int, error) {
	pipe := s.client.Pipeline()
	cmds := make([]*redis.Cmd, len(members))
	for i, m := range members {
		cmds[i] = deleteIfNamed.Eval(ctx, pipe, []string{s.key(kindSession, m)}, sid, sub)
	}
	_, execErr := pipe.Exec(ctx)
	deleted := 0
	var gone []any
	for i, cmd := range cmds {
		r, err := cmd.Int()
		if err != nil {
			continue
		}
		if r == 1 {
			deleted++
		}
		if r != 0 {
			gone = append(gone, members[i])
		}
	}
	if execErr != nil {
		return deleted, unavailable("deleting logged-out sessions", execErr)
	}
	if len(gone) > 0 {
		if err := s.client.SRem(ctx, index, gone...).Err(); err != nil {
			return deleted, unavailable("unindexing logged-out sessions", err)
		}
	}
	return deleted, nil
}
