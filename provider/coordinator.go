package provider

import (
	"context"
	"time"
)

// Coordinator coordinates the refreshes of one refresh token between the instances of an
// application, so that a provider that rotates refresh tokens and revokes a reused one never
// sees one spent twice, whichever instance a request reaches. Without one (Config.Coordinator
// nil), a Provider serializes the refreshes of its own process only.
//
// Keys are hashes of refresh tokens, never the tokens. Implementations must be safe for
// concurrent use; package session/redisstore has one on Redis. A failure to reach the
// coordinator's store should wrap session.ErrUnavailable (package
// github.com/authchain/authchain/session): Refresh returns it wrapped, and the access-token
// route then answers 503, as when the session store fails, rather than "refresh failed".
type Coordinator interface {
	// Lock waits until the caller holds the lock of key, or until ctx ends (its error). The
	// lock is held until release is called or lease has passed, whichever comes first;
	// release does nothing once the lease has passed and another caller holds the lock.
	Lock(ctx context.Context, key string, lease time.Duration) (release func(), err error)
	// Publish makes result, the outcome of a refresh made with key's refresh token, known to
	// every instance until ttl has passed, replacing what was published under key. result
	// holds tokens: an implementation that keeps it outside the process must seal it.
	Publish(ctx context.Context, key string, result []byte, ttl time.Duration) error
	// Published returns what was published under key and has not expired, or nil, nil.
	Published(ctx context.Context, key string) ([]byte, error)
}
