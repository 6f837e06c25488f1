package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/session/redisstore"
)

// Where sessions live with REDIS_URL (SESSION_STORE).
const (
	// sessionsInRedis keeps each session in Redis; its cookie holds only an id. The default.
	sessionsInRedis = "redis"
	// sessionsInCookies keeps sessions in their cookies; Redis keeps the logout records.
	sessionsInCookies = "cookie"
)

// redisPingTimeout bounds the check, at start, that Redis answers.
const redisPingTimeout = 5 * time.Second

// redisSettings are REDIS_URL and SESSION_STORE, checked.
type redisSettings struct {
	options  *redis.Options // nil without REDIS_URL
	sessions string         // sessionsInRedis or sessionsInCookies
}

// readRedisSettings reads REDIS_URL (redis://[user:password@]host:port/db, rediss:// for TLS,
// or unix:///path/to/redis.sock?db=n) and SESSION_STORE ("redis", the default with REDIS_URL,
// or "cookie"). Errors never show the URL, which may hold a password.
func readRedisSettings(getenv func(string) string) (redisSettings, error) {
	st := redisSettings{sessions: getenv("SESSION_STORE")}
	raw := getenv("REDIS_URL")
	switch {
	case st.sessions == sessionsInRedis && raw == "":
		return st, errors.New("SESSION_STORE=redis needs REDIS_URL")
	case st.sessions == "" && raw != "":
		st.sessions = sessionsInRedis
	case st.sessions == "", st.sessions == sessionsInRedis, st.sessions == sessionsInCookies:
	default:
		return st, fmt.Errorf("SESSION_STORE must be %q or %q, not %q", sessionsInRedis, sessionsInCookies, st.sessions)
	}
	if raw == "" {
		return st, nil
	}
	opts, err := redis.ParseURL(raw)
	if err != nil {
		var urlErr *url.Error // its message quotes the whole URL
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return st, fmt.Errorf("REDIS_URL: %w", err)
	}
	st.options = opts
	return st, nil
}

// sharedState is what the app's instances share through Redis.
type sharedState struct {
	client   *redis.Client
	store    *redisstore.Store
	sessions string
}

// connect connects to the Redis of st, checks that it answers, and wires it into cfg: the
// sessions (or, with sessions in cookies, the logout records), the logout tokens' jti and the
// refresh coordination. cfg.Secret, final, seals what Redis keeps. Without REDIS_URL it
// returns nil and leaves cfg alone.
func (st redisSettings) connect(ctx context.Context, cfg *authchain.Config) (*sharedState, error) {
	if st.options == nil {
		return nil, nil
	}
	client := redis.NewClient(st.options)
	pingCtx, cancel := context.WithTimeout(ctx, redisPingTimeout)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		return nil, errors.Join(fmt.Errorf("REDIS_URL: %w", err), client.Close())
	}
	store, err := redisstore.New(client, redisstore.Options{Secret: cfg.Secret, RetiredSecrets: cfg.RetiredSecrets})
	if err != nil {
		return nil, errors.Join(err, client.Close())
	}
	if st.sessions == sessionsInRedis {
		cfg.SessionStore = store
	} else {
		cfg.LogoutRecords = store
	}
	cfg.LogoutReplayCache, cfg.RefreshCoordinator = store, store
	return &sharedState{client: client, store: store, sessions: st.sessions}, nil
}

// String says what the instances share, for the start-up banner.
func (s *sharedState) String() string {
	if s.sessions == sessionsInRedis {
		return "sessions, logout tokens, refreshes"
	}
	return "logout records, logout tokens, refreshes (sessions in cookies)"
}

// Close stops the store and closes the Redis client.
func (s *sharedState) Close() error {
	if s == nil {
		return nil
	}
	return errors.Join(s.store.Close(), s.client.Close())
}
