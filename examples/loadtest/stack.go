package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/examples/internal/redisserver"
	"github.com/authchain/authchain/oidctest"
)

// appClientID is the app's client at the provider.
const appClientID = "next-intl-like"

// stack is everything the load runs against: Redis, the provider, the app's instances and,
// with several, the proxy in front of them.
type stack struct {
	origin    string // the app's URL, as the browsers reach it
	redis     *redisserver.Server
	rdb       *redis.Client // for INFO
	idp       *oidctest.Server
	tmp       string
	instances []*instance
	proxyLn   net.Listener // the origin's, with several instances
	proxy     *http.Server
}

// startStack starts what st asks for. On error, what was started is stopped.
func startStack(ctx context.Context, st settings) (s *stack, err error) {
	s = &stack{}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.close())
		}
	}()
	redisURL, err := s.startRedis(st.redisURL)
	if err != nil {
		return s, err
	}
	ports := make([]int, st.instances)
	for i := range ports {
		if ports[i], err = freePort(); err != nil {
			return s, err
		}
	}
	s.origin = "http://127.0.0.1:" + strconv.Itoa(ports[0])
	if st.instances > 1 {
		if s.proxyLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return s, err
		}
		s.origin = "http://" + s.proxyLn.Addr().String()
	}
	clientSecret := randomHex()
	if err := s.startProvider(clientSecret); err != nil {
		return s, err
	}
	bin := st.app
	if bin == "" {
		if bin, err = s.build(ctx); err != nil {
			return s, err
		}
	}
	vars := map[string]string{
		"HOST": "127.0.0.1", "APP_BASE_URL": s.origin,
		"AUTH0_DOMAIN": s.idp.Issuer(), "AUTH0_ALLOW_INSECURE_REQUESTS": "true",
		"AUTH0_CLIENT_ID": appClientID, "AUTH0_CLIENT_SECRET": clientSecret,
		"AUTH0_SECRET": randomHex(), "REDIS_URL": redisURL, "SESSION_STORE": st.sessions,
	}
	var targets []*url.URL
	for _, port := range ports {
		vars["PORT"] = strconv.Itoa(port)
		in, err := startInstance(bin, vars)
		if err != nil {
			return s, err
		}
		s.instances = append(s.instances, in)
		targets = append(targets, &url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(port)})
	}
	if s.proxyLn != nil {
		s.proxy = &http.Server{Handler: newProxy(targets, st.connections), ReadHeaderTimeout: 10 * time.Second}
		go func(ln net.Listener) { _ = s.proxy.Serve(ln) }(s.proxyLn)
	}
	return s, nil
}

// startRedis starts a redis-server of its own unless url names one, and connects to it for
// INFO. It returns the URL the instances use.
func (s *stack) startRedis(url string) (string, error) {
	if url == "" {
		bin, err := redisserver.Binary()
		if err != nil {
			return "", fmt.Errorf("%w, or give -redis", err)
		}
		if s.redis, err = redisserver.Start(bin); err != nil {
			return "", err
		}
		url = s.redis.URL()
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		return "", fmt.Errorf("-redis: %w", err)
	}
	// One connection, opened before the first INFO: the program's own commands between the
	// two INFO are the first INFO alone.
	opts.PoolSize, opts.MaxIdleConns = 1, 1
	s.rdb = redis.NewClient(opts)
	return url, nil
}

// startProvider starts the provider with its login form, the app registered.
func (s *stack) startProvider(clientSecret string) error {
	idp, err := oidctest.New(oidctest.WithLoginForm(), oidctest.WithClient(oidctest.Client{
		ID: appClientID, Secret: clientSecret,
		RedirectURIs: []string{s.origin + "/auth/callback"},
	}))
	if err != nil {
		return err
	}
	if err := idp.Start("127.0.0.1:0"); err != nil {
		return errors.Join(err, idp.Close())
	}
	s.idp = idp
	return nil
}

// build builds the example in a temporary directory of the stack's.
func (s *stack) build(ctx context.Context) (string, error) {
	dir, err := os.MkdirTemp("", "loadtest")
	if err != nil {
		return "", err
	}
	s.tmp = dir
	return buildApp(ctx, dir)
}

// close stops everything started, the proxy and instances first.
func (s *stack) close() error {
	var errs []error
	switch {
	case s.proxy != nil:
		errs = append(errs, s.proxy.Close())
	case s.proxyLn != nil:
		errs = append(errs, s.proxyLn.Close())
	}
	for _, in := range s.instances {
		errs = append(errs, in.stop())
	}
	if s.idp != nil {
		errs = append(errs, s.idp.Close())
	}
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	if s.redis != nil {
		errs = append(errs, s.redis.Stop())
	}
	if s.tmp != "" {
		errs = append(errs, os.RemoveAll(s.tmp))
	}
	return errors.Join(errs...)
}

// randomHex returns 32 random bytes, hex-encoded.
func randomHex() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
