package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/examples/internal/redisserver"
	"github.com/authchain/authchain/session/redisstore"
)

// startRedis starts a redis-server of the test's own, stopped when the test ends. Without the
// binary the test is skipped, or fails when CI=true.
func startRedis(t *testing.T) (*redisserver.Server, *redis.Client) {
	t.Helper()
	bin, err := redisserver.Binary()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	srv, err := redisserver.Start(bin)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket()})
	t.Cleanup(func() {
		_ = client.Close()
		if err := srv.Stop(); err != nil {
			t.Error(err)
		}
	})
	return srv, client
}

// keys returns the keys of client's Redis that begin with the store's prefix and then rest.
func keys(t *testing.T, client *redis.Client, rest string) []string {
	t.Helper()
	got, err := client.Keys(t.Context(), redisstore.DefaultKeyPrefix+rest+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// cookieHeader returns the Cookie header of the browser's session cookies for app.
func cookieHeader(b *browser, app *testServer) string {
	return strings.Join(b.session(app), "; ")
}

// getWithCookie fetches target as a page with only the given Cookie header, as a stolen or
// replayed cookie would be sent.
func getWithCookie(t *testing.T, target, cookie string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Accept", "text/html")
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	return res
}

// With REDIS_URL the session lives in Redis, sealed, and the cookie holds only its id: another
// instance with the same secret and Redis reads it, and a logout at one instance ends it at
// every instance, even for a copy of the cookie kept from before.
func TestSessionsInRedis(t *testing.T) {
	t.Parallel()
	rs, rdb := startRedis(t)
	env := map[string]string{"REDIS_URL": rs.URL(), "AUTH0_SECRET": strings.Repeat("s", 32)}
	app := startApp(t, env)
	other := startApp(t, env)
	b := newBrowser(t, "en")
	login(t, app, b, "/en/profile", "Ana Redis", "ana@example.com")

	sessions := keys(t, rdb, "session:")
	if len(sessions) != 1 {
		t.Fatalf("session keys after the login: %q, want one", sessions)
	}
	sealed, err := rdb.HGet(t.Context(), sessions[0], "v").Result()
	if err != nil || strings.Contains(sealed, "Ana Redis") || strings.Contains(sealed, "ana@example.com") {
		t.Errorf("the stored session (%v) shows the user in the clear", err)
	}
	cookie := cookieHeader(b, app)
	if n := len(b.session(app)); n != 1 || len(cookie) > 300 {
		t.Errorf("%d session cookies of %d bytes, want one holding an id", n, len(cookie))
	}

	// The other instance reads the session from Redis (the cookie jar sends it there too: the
	// port is not part of a cookie's scope).
	page := b.get(other.URL + "/en/profile")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("the other instance's profile page = %d, want 200", page.StatusCode)
	}
	mustContain(t, page.body, `<dd id="name">Ana Redis</dd>`)

	home, _ := b.navigate(http.MethodGet, app.URL+"/auth/logout", nil)
	if home.StatusCode != http.StatusOK {
		t.Fatalf("logout ended with %d at %s", home.StatusCode, home.Request.URL)
	}
	if left := keys(t, rdb, "session:"); len(left) != 0 {
		t.Errorf("session keys after logout: %q", left)
	}
	if res := getWithCookie(t, other.URL+"/en/profile", cookie); res.StatusCode != http.StatusFound {
		t.Errorf("the cookie from before the logout, at the other instance: %d, want 302 to the login", res.StatusCode)
	}
}

// SESSION_STORE=cookie keeps the session in its cookies; Redis gets the back-channel logout's
// record and its jti, and the logged-out session reads as signed out.
func TestCookieSessionsWithRedis(t *testing.T) {
	t.Parallel()
	rs, rdb := startRedis(t)
	app := startApp(t, map[string]string{"REDIS_URL": rs.URL(), "SESSION_STORE": "cookie"})
	b := newBrowser(t, "en")
	login(t, app, b, "/en/profile", "Cleo Cookie", "")

	if stored := keys(t, rdb, "session:"); len(stored) != 0 {
		t.Errorf("session keys with SESSION_STORE=cookie: %q", stored)
	}
	if cookie := cookieHeader(b, app); len(cookie) < 1000 {
		t.Errorf("session cookies of %d bytes, want the whole session", len(cookie))
	}
	if records := keys(t, rdb, "{logouts}:records"); len(records) != 0 {
		t.Fatalf("logout records before any logout: %q", records)
	}

	sids := app.idp.SessionIDs(demoSubject("Cleo Cookie"))
	if len(sids) != 1 {
		t.Fatalf("the provider has %d sessions", len(sids))
	}
	if err := app.idp.BackChannelLogout(t.Context(), demoClientID, sids[0], ""); err != nil {
		t.Fatalf("the provider's back-channel logout: %v", err)
	}
	fields, err := rdb.HKeys(t.Context(), redisstore.DefaultKeyPrefix+"{logouts}:records").Result()
	if err != nil {
		t.Fatal(err)
	}
	var records []string // the hash also holds its bookkeeping, in fields that begin with #
	for _, f := range fields {
		if strings.HasPrefix(f, "sid:") || strings.HasPrefix(f, "sub:") {
			records = append(records, f)
		}
	}
	if len(records) != 1 || !strings.HasPrefix(records[0], "sid:") {
		t.Errorf("logout records in Redis: %q, want one for the provider session", records)
	}
	if used := keys(t, rdb, "jti:"); len(used) != 1 {
		t.Errorf("logout tokens' jti in Redis: %q, want one", used)
	}
	if res := b.get(app.URL + "/en/profile"); res.StatusCode != http.StatusFound {
		t.Errorf("the profile page after the back-channel logout = %d, want 302 to the login", res.StatusCode)
	}
}

// The program says what it shares through Redis, and stops when cancelled.
func TestRunSaysWhatItShares(t *testing.T) {
	t.Parallel()
	rs, _ := startRedis(t)
	for store, want := range map[string]string{
		"":       "shared through Redis: sessions, logout tokens, refreshes",
		"cookie": "shared through Redis: logout records, logout tokens, refreshes (sessions in cookies)",
	} {
		env := map[string]string{"PORT": "0", "REDIS_URL": rs.URL(), "SESSION_STORE": store}
		ctx, cancel := context.WithCancel(t.Context())
		out, stdout := io.Pipe()
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, func(k string) string { return env[k] }, stdout)
			_ = stdout.Close()
		}()
		lines := bufio.NewScanner(out)
		var banner []string
		for len(banner) < 3 && lines.Scan() {
			banner = append(banner, lines.Text())
		}
		go func() { _, _ = io.Copy(io.Discard, out) }()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("SESSION_STORE=%q: run = %v", store, err)
		}
		if len(banner) < 3 || banner[2] != want {
			t.Errorf("SESSION_STORE=%q: banner %q, want its third line %q", store, banner, want)
		}
	}
}

// Close closes the Redis client the app opened.
func TestCloseClosesTheRedisClient(t *testing.T) {
	t.Parallel()
	rs, _ := startRedis(t)
	env := map[string]string{"REDIS_URL": rs.URL()}
	srv, err := newServer(setup{getenv: func(k string) string { return env[k] }, defaultBase: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.shared.client.Ping(t.Context()).Err(); err != nil {
		t.Fatalf("PING before Close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.shared.client.Ping(context.Background()).Err(); !errors.Is(err, redis.ErrClosed) {
		t.Errorf("PING after Close: %v, want %v", err, redis.ErrClosed)
	}
}

// Bad REDIS_URL or SESSION_STORE values are refused with an error that names the variable and
// never shows the URL's password.
func TestRedisSettingsRefused(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"unknown store":     {map[string]string{"SESSION_STORE": "memcached"}, "SESSION_STORE"},
		"redis without URL": {map[string]string{"SESSION_STORE": "redis"}, "REDIS_URL"},
		"scheme":            {map[string]string{"REDIS_URL": "http://user:hunter2@127.0.0.1:6379"}, "REDIS_URL"},
		"malformed":         {map[string]string{"REDIS_URL": "redis://user:hunter2@[::1"}, "REDIS_URL"},
		"database":          {map[string]string{"REDIS_URL": "redis://user:hunter2@127.0.0.1:6379/x"}, "REDIS_URL"},
		"nothing listening": {map[string]string{"REDIS_URL": "unix://user:hunter2@/nonexistent/redis.sock"}, "REDIS_URL"},
		"cookie, bad URL":   {map[string]string{"SESSION_STORE": "cookie", "REDIS_URL": "redis://:hunter2@[::1"}, "REDIS_URL"},
		"redis, nothing up": {map[string]string{"SESSION_STORE": "redis", "REDIS_URL": "redis://:hunter2@127.0.0.1:1"}, "REDIS_URL"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, err := newServer(setup{getenv: func(k string) string { return tc.env[k] }, defaultBase: "http://127.0.0.1:1"})
			if err == nil {
				_ = srv.Close()
				t.Fatal("newServer accepted the settings")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q: want it to name %s and not show the password", err, tc.want)
			}
		})
	}
}

// TestMain silences the Redis client's log of failed dials, which the refused settings make on
// purpose.
func TestMain(m *testing.M) {
	redis.SetLogger(quietLogger{})
	os.Exit(m.Run())
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}
