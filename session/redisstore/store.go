package redisstore

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/provider"
	"github.com/authchain/authchain/session"
)

// DefaultKeyPrefix begins every key when Options.KeyPrefix is empty.
const DefaultKeyPrefix = "authchain:"

// DefaultLogoutRecordsRefresh is how often the in-memory copy of the logout records is
// refreshed when Options.LogoutRecordsRefresh is zero.
const DefaultLogoutRecordsRefresh = 2 * time.Second

// maxStalenessFactor times the refresh interval is the oldest copy of the logout records that
// LoggedOut still answers from.
const maxStalenessFactor = 10

// The purposes of the keys that seal what the store keeps in Redis.
const (
	purposeSession       session.Purpose = "authchain redisstore session"
	purposeRefreshResult session.Purpose = "authchain redisstore refresh result"
)

// Options configures a Store. Zero values mean the documented defaults.
type Options struct {
	// KeyPrefix begins every key the store writes; default DefaultKeyPrefix. Stores of
	// different applications sharing one Redis need different prefixes.
	KeyPrefix string
	// Secret seals what the store keeps that holds tokens: sessions and the published results
	// of refreshes. At least session.MinSecretLength bytes; it may be the application's
	// Config.Secret (the keys are derived for purposes of their own). Required.
	Secret string
	// RetiredSecrets still open what was sealed before a rotation of Secret; default none.
	RetiredSecrets []string
	// LogoutRecordsRefresh is how often the in-memory copy of the logout records is refreshed
	// from Redis, and so how stale LoggedOut's answer may be; default
	// DefaultLogoutRecordsRefresh.
	LogoutRecordsRefresh time.Duration
	// Now is the clock that turns expiry times into time-to-live; default time.Now.
	Now func() time.Time
}

// Store keeps authchain's shared state in Redis: sessions (session.Store, with
// session.Updater and session.LogoutDeleter), logout records for sessions that live in cookies
// (session.LogoutRecorder), the logout tokens' jti (session.ReplayCache) and the refresh lock
// and results shared by instances (provider.Coordinator). It is safe for concurrent use.
//
// Every failure to use Redis is an error that wraps session.ErrUnavailable and the client's
// error; "not found" is never an error. Errors never hold tokens, session ids or cookie values.
type Store struct {
	client   redis.UniversalClient
	prefix   string
	sessions *session.Codec
	results  *session.Codec
	now      func() time.Time
	logouts  *logoutRecords
}

var (
	_ session.Store          = (*Store)(nil)
	_ session.Updater        = (*Store)(nil)
	_ session.LogoutDeleter  = (*Store)(nil)
	_ session.LogoutRecorder = (*Store)(nil)
	_ session.ReplayCache    = (*Store)(nil)
	_ provider.Coordinator   = (*Store)(nil)
)

// New returns a Store on client: a *redis.Client (one node), a failover client (Sentinel) or
// a *redis.ClusterClient, such as redis.NewUniversalClient returns, or the one the application
// already has. The Store does not close client. New talks to no server: a Redis that is down
// shows in the errors of the calls.
func New(client redis.UniversalClient, opts Options) (*Store, error) {
	if client == nil {
		return nil, errors.New("redisstore: New needs a Redis client")
	}
	if opts.LogoutRecordsRefresh < 0 {
		return nil, errors.New("redisstore: LogoutRecordsRefresh must not be negative")
	}
	sessions, err := session.NewCodec(purposeSession, opts.Secret, opts.RetiredSecrets...)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %w", err)
	}
	results, err := session.NewCodec(purposeRefreshResult, opts.Secret, opts.RetiredSecrets...)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %w", err)
	}
	s := &Store{
		client:   client,
		prefix:   opts.KeyPrefix,
		sessions: sessions,
		results:  results,
		now:      opts.Now,
	}
	if s.prefix == "" {
		s.prefix = DefaultKeyPrefix
	}
	if s.now == nil {
		s.now = time.Now
	}
	refresh := opts.LogoutRecordsRefresh
	if refresh == 0 {
		refresh = DefaultLogoutRecordsRefresh
	}
	s.logouts = newLogoutRecords(s, refresh)
	return s, nil
}

// Close stops the background refresh of the logout records, if LoggedOut started it. It does
// not close the Redis client, and the other methods keep working.
func (s *Store) Close() error {
	s.logouts.stop()
	return nil
}

// The kinds of keys, after the prefix.
const (
	kindSession = "session:"
	kindSID     = "sid:"
	kindSub     = "sub:"
	kindJTI     = "jti:"
	kindLock    = "lock:"
	kindResult  = "result:"
)

// key returns the key of kind for a digest.
func (s *Store) key(kind, digest string) string {
	return s.prefix + kind + digest
}

// digest names an identifier in keys: its SHA-256, base64url-encoded, so that no key shows a
// session id, a token or a user, and every key is short and free of Cluster hash tags.
func digest(id string) string {
	sum := sha256.Sum256([]byte(id))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// digestOrEmpty is digest, with "" for "".
func digestOrEmpty(id string) string {
	if id == "" {
		return ""
	}
	return digest(id)
}

// unavailable wraps a Redis failure during op.
func unavailable(op string, err error) error {
	return fmt.Errorf("redisstore: %s: %w: %w", op, session.ErrUnavailable, err)
}

// millis returns d in whole milliseconds, rounded up: Redis's PX unit.
func millis(d time.Duration) int64 {
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}
