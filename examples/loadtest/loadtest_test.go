package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authchain/authchain/examples/internal/redisserver"
)

// requireRedis skips the test without redis-server, or fails it when CI=true.
func requireRedis(t *testing.T) {
	t.Helper()
	if _, err := redisserver.Binary(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

var (
	requestsLine = regexp.MustCompile(`(?m)^requests: +(\d+) in `)
	errorsLine   = regexp.MustCompile(`(?m)^errors: +(\d+)$`)
	redisLine    = regexp.MustCompile(`(?m)^redis: +([0-9.]+) commands per request`)
)

// The program runs the example for a short while, with sessions in Redis on two instances
// behind its proxy and in cookies on one, and reports no error. Every signed-in request reads
// its session from Redis; with cookie sessions Redis is barely asked.
func TestLoadProgram(t *testing.T) {
	requireRedis(t)
	for _, tc := range []struct {
		sessions, instances string
		perRequest          func(float64) bool
		want                string
	}{
		{"redis", "2", func(n float64) bool { return n >= 1 }, "at least 1"},
		{"cookie", "1", func(n float64) bool { return n < 0.5 }, "below 0.5"},
	} {
		t.Run(tc.sessions, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			err := run(t.Context(), []string{"-duration", "2s", "-connections", "4",
				"-sessions", tc.sessions, "-instances", tc.instances}, &out)
			report := out.String()
			if err != nil {
				t.Fatalf("run: %v\n%s", err, report)
			}
			requests, errs, redis := requestsLine.FindStringSubmatch(report), errorsLine.FindStringSubmatch(report), redisLine.FindStringSubmatch(report)
			if requests == nil || errs == nil || redis == nil {
				t.Fatalf("the report lacks requests, errors or redis:\n%s", report)
			}
			if n, _ := strconv.Atoi(requests[1]); n == 0 {
				t.Errorf("no request was made:\n%s", report)
			}
			if errs[1] != "0" {
				t.Errorf("errors:\n%s", report)
			}
			if n, err := strconv.ParseFloat(redis[1], 64); err != nil || !tc.perRequest(n) {
				t.Errorf("Redis commands per request %s, want %s:\n%s", redis[1], tc.want, report)
			}
		})
	}
}

// A response other than the user's signed-in page is an error, and a load with errors says
// which.
func TestLoadCountsWhatIsNotTheSignedInPage(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 3 {
		case 0:
			http.Redirect(w, r, "/auth/login", http.StatusFound)
		case 1:
			_, _ = io.WriteString(w, `<dd id="name">user-1</dd>`)
		case 2:
			_, _ = io.WriteString(w, `<dd id="name">user-2</dd>`)
		}
	}))
	defer srv.Close()
	b := newBrowser(srv.URL)
	b.marker = []byte(`<dd id="name">user-1</dd>`)
	b.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	res := load(t.Context(), []*browser{b}, time.Minute, 9)
	if res.requests != 9 || res.errors != 6 || len(res.latencies) != 9 {
		t.Errorf("%d requests, %d errors, %d latencies; want 9, 6, 9", res.requests, res.errors, len(res.latencies))
	}
	if got := strings.Join(res.samples, "; "); got != "200 without the signed-in user's page; status 302" {
		t.Errorf("error samples %q", got)
	}
}

func TestPercentiles(t *testing.T) {
	var res result
	for i := range 200 {
		res.latencies = append(res.latencies, time.Duration(i+1)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 100 * time.Millisecond, 99: 198 * time.Millisecond, 100: 200 * time.Millisecond} {
		if got := res.percentile(p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if got := (&result{}).percentile(50); got != 0 {
		t.Errorf("p50 of nothing = %v", got)
	}
}

func TestSettings(t *testing.T) {
	st, err := parseSettings(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if st.duration != time.Minute || st.connections != 64 || st.requests != 10_000_000 || st.sessions != "redis" || st.instances != 1 {
		t.Errorf("defaults: %+v", st)
	}
	for _, args := range [][]string{
		{"-duration", "0s"}, {"-duration", "6m"}, {"-connections", "0"}, {"-connections", "257"},
		{"-requests", "0"}, {"-requests", "10000001"}, {"-sessions", "memory"}, {"-instances", "9"},
		{"extra"},
	} {
		if _, err := parseSettings(args, io.Discard); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

// The instances get the program's variables, not the app's variables of the shell it runs in
// (a developer's AUTH0_DOMAIN, say).
func TestInstanceEnvDropsTheAppsVariables(t *testing.T) {
	env := instanceEnv(
		[]string{"PATH=/bin", "AUTH0_DOMAIN=tenant.example.com", "AUTH0_AUDIENCE=api", "REDIS_URL=redis://prod", "HOME=/root"},
		map[string]string{"AUTH0_DOMAIN": "http://127.0.0.1:1", "REDIS_URL": "unix:///tmp/r.sock"},
	)
	slices.Sort(env)
	want := []string{"AUTH0_DOMAIN=http://127.0.0.1:1", "HOME=/root", "PATH=/bin", "REDIS_URL=unix:///tmp/r.sock"}
	if !slices.Equal(env, want) {
		t.Errorf("instanceEnv = %q, want %q", env, want)
	}
}
