package redisstore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/oidctest"
	"github.com/authchain/authchain/session/redisstore"
)

// The signed-in benchmarks run a request of a session logged in through oidctest, through
// Client.Middleware around a handler that checks it is signed in, with a redis-server on a
// unix socket: compare with the root package's BenchmarkMiddlewareSignedIn (cookie sessions,
// no Redis). redis-cmds/op is what each request costs Redis (INFO's total_commands_processed).
//
//	go test -run '^$' -bench SignedInRedis -benchmem

// BenchmarkSignedInRedisStateful: the session lives in Redis; the cookie holds its id.
func BenchmarkSignedInRedisStateful(b *testing.B) {
	benchSignedIn(b, func(cfg *authchain.Config, store *redisstore.Store) {
		cfg.SessionStore, cfg.LogoutReplayCache, cfg.RefreshCoordinator = store, store, store
	})
}

// BenchmarkSignedInRedisStateless: the session lives in its cookies; Redis keeps the logout
// records, which the request checks in the store's copy in memory.
func BenchmarkSignedInRedisStateless(b *testing.B) {
	benchSignedIn(b, func(cfg *authchain.Config, store *redisstore.Store) {
		cfg.LogoutRecords, cfg.LogoutReplayCache, cfg.RefreshCoordinator = store, store, store
	})
}

// benchSignedIn logs in to an application whose Config wire fills with the store, then runs
// its signed-in request. The clock stands still, so the session never rolls.
func benchSignedIn(b *testing.B, wire func(*authchain.Config, *redisstore.Store)) {
	rdb := singleServer(b).client(b)
	now := time.Now()
	clock := func() time.Time { return now }
	store, err := redisstore.New(rdb, redisstore.Options{KeyPrefix: "bench:" + b.Name() + ":", Secret: testSecret, Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()

	app := httptest.NewUnstartedServer(nil)
	appURL := "http://" + app.Listener.Addr().String()
	idp := oidctest.NewServer(b, oidctest.WithClient(oidctest.Client{
		ID: "app", Secret: "app-secret", RedirectURIs: []string{appURL + "/auth/callback"},
	}))
	cfg := authchain.Config{
		Domain: idp.Issuer(), ClientID: "app", ClientSecret: "app-secret",
		AppBaseURL: appURL, Secret: testSecret, AllowInsecureRequests: true, Now: clock,
	}
	wire(&cfg, store)
	client, err := authchain.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	h := client.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authchain.SessionFrom(r.Context()) == nil {
			b.Fatal("the request is signed out")
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	app.Config.Handler = h
	app.Start()
	defer app.Close()

	browser := authtest.Login(b, appURL, idp)
	r := httptest.NewRequest(http.MethodGet, appURL+"/page", nil)
	u, _ := url.Parse(appURL)
	for _, c := range browser.Jar.Cookies(u) {
		r.AddCookie(c)
	}
	w := &discardWriter{h: http.Header{}}
	h.ServeHTTP(w, r) // the first request of a stateless session waits for the first read of the records

	before := commandsProcessed(b, rdb)
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.status = 0
		h.ServeHTTP(w, r)
		if w.status != http.StatusNoContent || len(w.h["Set-Cookie"]) > 0 {
			b.Fatalf("status %d, Set-Cookie %d; want 204 and no cookie", w.status, len(w.h["Set-Cookie"]))
		}
	}
	after := commandsProcessed(b, rdb)
	b.ReportMetric(float64(after-before-1)/float64(b.N), "redis-cmds/op") // less the first INFO
}

// commandsProcessed returns the server's total_commands_processed (INFO stats).
func commandsProcessed(b *testing.B, rdb *redis.Client) int64 {
	info, err := rdb.Info(context.Background(), "stats").Result()
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_commands_processed:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatal("INFO stats has no total_commands_processed")
	return 0
}

// discardWriter is a ResponseWriter that keeps only the headers and the status.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
