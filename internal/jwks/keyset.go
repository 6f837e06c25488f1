package jwks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/sync/singleflight"

	"github.com/authchain/authchain/internal/outbound"
)

// DefaultRefetchInterval is the least time between two fetches of a key
// set when Config.RefetchInterval is zero. A key rotation is picked up at
// most this late; a flood of tokens naming unknown keys costs the provider
// at most one request per interval.
const DefaultRefetchInterval = 5 * time.Second

// DefaultMaxAge is how long a fetched key set is used when Config.MaxAge is zero: an older set
// is fetched again before it verifies a token, so that a key the provider withdrew (retired,
// or compromised) stops being trusted at most this late.
const DefaultMaxAge = 10 * time.Minute

// Errors of VerifySignature, for errors.Is.
var (
	// ErrMalformed: the token is not a compact JWS with one signature by an
	// allowed algorithm.
	ErrMalformed = errors.New("jwks: malformed token")
	// ErrUnknownKey: no key of the set fits the token, even after fetching
	// the set again, or the set was fetched too recently to fetch it again.
	ErrUnknownKey = errors.New("jwks: no key of the provider's key set fits the token")
	// ErrInvalidSignature: the key the token names does not verify it.
	ErrInvalidSignature = errors.New("jwks: invalid signature")
	// ErrFetch: the key set could not be fetched or read.
	ErrFetch = errors.New("jwks: the key set could not be fetched")
)

// Config configures a KeySet.
type Config struct {
	// URL is the provider's jwks_uri.
	URL string
	// Client makes the requests; nil means an outbound client with its
	// defaults. The KeySet uses a copy that follows no redirect.
	Client *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RefetchInterval is the least time between two fetches; zero means
	// DefaultRefetchInterval.
	RefetchInterval time.Duration
	// MaxAge is how long a fetched set is used before it is fetched again;
	// zero means DefaultMaxAge. It is at least RefetchInterval.
	MaxAge time.Duration
}

// KeySet is a provider's key set, fetched from its jwks_uri. It is safe
// for concurrent use and implements go-oidc's oidc.KeySet.
type KeySet struct {
	cfg    Config
	flight singleflight.Group

	mu        sync.Mutex
	keys      []jose.JSONWebKey
	fetched   time.Time // end of the last successful fetch
	version   uint64    // counts the successful fetches
	attempted time.Time // end of the last fetch, successful or not; zero before the first
	lastErr   error     // the last fetch's error
}

// New returns a KeySet for cfg.URL. Nothing is fetched until a token is
// verified.
func New(cfg Config) *KeySet {
	var client http.Client
	if cfg.Client == nil {
		client = *outbound.NewClient(nil, outbound.Options{})
	} else {
		client = *cfg.Client
	}
	client.CheckRedirect = outbound.CheckRedirect(0)
	cfg.Client = &client
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RefetchInterval <= 0 {
		cfg.RefetchInterval = DefaultRefetchInterval
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	cfg.MaxAge = max(cfg.MaxAge, cfg.RefetchInterval)
	return &KeySet{cfg: cfg}
}

// VerifySignature verifies the signature of a compact JWS with any
// asymmetric algorithm and returns its payload. It implements go-oidc's
// oidc.KeySet; the claims are for the caller to check.
func (s *KeySet) VerifySignature(ctx context.Context, jws string) ([]byte, error) {
	return s.Verify(ctx, jws, nil)
}

// Verify verifies the signature of a compact JWS and returns its payload.
// The algorithm in its header must be one of algs (nil means every
// asymmetric algorithm; "none" and HMAC are never accepted). The key is the
// one its kid names (or, without a kid, any key of the set that verifies
// it). A kid the set does not hold makes the set be fetched again, at most
// once per refetch interval. A set older than the max age is fetched again
// before it is used; when that fetch fails, the token is not verified.
//
// Errors wrap ErrMalformed, ErrUnknownKey, ErrInvalidSignature or ErrFetch;
// they never hold the token.
func (s *KeySet) Verify(ctx context.Context, jws string, algs []string) ([]byte, error) {
	tok, err := parse(jws, algs)
	if err != nil {
		return nil, err
	}
	keys, seen, stale := s.cached()
	if stale {
		if _, err := s.refetch(ctx, seen); err != nil {
			return nil, err
		}
		keys, seen, _ = s.cached()
	}
	payload, err := tok.verify(keys)
	if !errors.Is(err, ErrUnknownKey) {
		return payload, err
	}
	keys, err = s.refetch(ctx, seen)
	if err != nil {
		return nil, err
	}
	return tok.verify(keys)
}

// cached returns the keys held, the version they belong to, and whether they are older than
// the max age.
func (s *KeySet) cached() ([]jose.JSONWebKey, uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stale := s.version > 0 && !s.cfg.Now().Before(s.fetched.Add(s.cfg.MaxAge))
	return s.keys, s.version, stale
}

// refetch returns a newer set than version seen: one fetched by another
// caller meanwhile, or a new fetch shared with every concurrent caller. It
// refuses to fetch within the refetch interval of the last fetch.
func (s *KeySet) refetch(ctx context.Context, seen uint64) ([]jose.JSONWebKey, error) {
	ch := s.flight.DoChan("", func() (any, error) {
		if keys, done, err := s.fetchedSince(seen); done {
			return keys, err
		}
		keys, err := s.fetch(context.WithoutCancel(ctx))
		s.mu.Lock()
		defer s.mu.Unlock()
		s.attempted, s.lastErr = s.cfg.Now(), err
		if err != nil {
			return nil, err
		}
		s.keys, s.fetched = keys, s.attempted
		s.version++
		return keys, nil
	})
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrFetch, ctx.Err())
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.([]jose.JSONWebKey), nil
	}
}

// fetchedSince reports (done) whether no fetch is to be made: the set
// changed since version seen (its keys are returned), or the last fetch
// ended less than the refetch interval ago (an error is returned).
func (s *KeySet) fetchedSince(seen uint64) (keys []jose.JSONWebKey, done bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.version != seen:
		return s.keys, true, nil
	case s.attempted.IsZero() || !s.cfg.Now().Before(s.attempted.Add(s.cfg.RefetchInterval)):
		return nil, false, nil
	case s.lastErr != nil:
		return nil, true, fmt.Errorf("%w (the last attempt, less than %v ago)", s.lastErr, s.cfg.RefetchInterval)
	}
	return nil, true, fmt.Errorf("%w: the key set was fetched less than %v ago", ErrUnknownKey, s.cfg.RefetchInterval)
}
