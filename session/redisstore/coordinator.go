package redisstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// The bounds of the wait between two attempts to take a held lock: it doubles from the first
// to the second, with jitter.
const (
	lockPollMin = 5 * time.Millisecond
	lockPollMax = 100 * time.Millisecond
)

// releaseTimeout bounds the release of a lock, which outlives the caller's context.
const releaseTimeout = 5 * time.Second

// releaseLock deletes a lock only if it still holds the holder's token: a holder whose lease
// passed cannot release the lock of the next holder.
//
// KEYS[1] the lock; ARGV the holder's token.
var releaseLock = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// Lock waits until the caller holds the lock of key, or until ctx ends (then it returns ctx's
// error). The lock is a key set with SET NX PX lease to a random token of the holder; while
// another holds it, Lock tries again after a wait that grows from 5 ms to 100 ms. release
// deletes the lock only while it still holds the caller's token, so once the lease has passed
// and another caller holds the lock, release does nothing. A Redis failure ends the wait with
// an error wrapping session.ErrUnavailable.
func (s *Store) Lock(ctx context.Context, key string, lease time.Duration) (release func(), err error) {
	if lease <= 0 {
		return nil, errors.New("redisstore: a lock's lease must be positive")
	}
	lease = time.Duration(millis(lease)) * time.Millisecond
	k := s.key(kindLock, digest(key))
	token := rand.Text()
	wait := lockPollMin
	for {
		held, err := s.client.SetNX(ctx, k, token, lease).Result()
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		if err != nil {
			return nil, unavailable("taking a lock", err)
		}
		if held {
			return s.releaser(ctx, k, token), nil
		}
		if err := sleep(ctx, jitter(wait)); err != nil {
			return nil, err
		}
		wait = min(2*wait, lockPollMax)
	}
}

// releaser returns the release function of the lock k held with token; calls after the first
// do nothing.
func (s *Store) releaser(ctx context.Context, k, token string) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
			defer cancel()
			// A failed release leaves the lock to its lease.
			_ = releaseLock.Run(ctx, s.client, []string{k}, token).Err()
		})
	}
}

// jitter returns a duration between d/2 and d.
func jitter(d time.Duration) time.Duration {
	return d/2 + mrand.N(d/2+1)
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Publish makes result known to every instance until ttl has passed, replacing what was
// published under key. result is sealed with Options.Secret: Redis never holds it in the
// clear. A ttl of zero or less removes what was published.
func (s *Store) Publish(ctx context.Context, key string, result []byte, ttl time.Duration) error {
	d := digest(key)
	k := s.key(kindResult, d)
	if ttl <= 0 {
		if err := s.client.Del(ctx, k).Err(); err != nil {
			return unavailable("removing a refresh result", err)
		}
		return nil
	}
	// Seal encrypts in place: seal a copy, the caller keeps result.
	sealed, err := s.results.Seal(d, bytes.Clone(result))
	if err != nil {
		return err
	}
	if err := s.client.Set(ctx, k, sealed, time.Duration(millis(ttl))*time.Millisecond).Err(); err != nil {
		return unavailable("publishing a refresh result", err)
	}
	return nil
}

// Published returns what was published under key and has not expired, or nil, nil. A value
// that none of the secrets opens is not published.
func (s *Store) Published(ctx context.Context, key string) ([]byte, error) {
	d := digest(key)
	sealed, err := s.client.Get(ctx, s.key(kindResult, d)).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, unavailable("reading a refresh result", err)
	}
	result, err := s.results.Open(d, sealed)
	if err != nil {
		return nil, nil
	}
	if result == nil {
		result = []byte{}
	}
	return result, nil
}
