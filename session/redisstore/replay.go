package redisstore

import (
	"context"
	"time"
)

// FirstUse records id until the given time and reports whether this is its first use, with
// one SET NX: of two instances given the same id at once, exactly one is told true. An id
// whose time has already passed is not recorded, and its use is a first use.
func (s *Store) FirstUse(ctx context.Context, id string, until time.Time) (bool, error) {
	ttl := until.Sub(s.now())
	if ttl <= 0 {
		return true, nil
	}
	first, err := s.client.SetNX(ctx, s.key(kindJTI, digest(id)), 1, time.Duration(millis(ttl))*time.Millisecond).Result()
	if err != nil {
		return false, unavailable("recording a single-use id", err)
	}
	return first, nil
}

// Forget removes id, so that a request that failed after FirstUse recorded it can be retried.
// Forgetting an unknown id is not an error.
func (s *Store) Forget(ctx context.Context, id string) error {
	if err := s.client.Del(ctx, s.key(kindJTI, digest(id))).Err(); err != nil {
		return unavailable("forgetting a single-use id", err)
	}
	return nil
}
