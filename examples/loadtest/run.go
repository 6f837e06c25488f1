package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// loginParallelism is how many browsers log in at once.
const loginParallelism = 8

// run parses args, starts the stack, logs the browsers in, runs the load and writes the report
// to stdout. It returns an error when a request failed.
func run(ctx context.Context, args []string, stdout io.Writer) (err error) {
	st, err := parseSettings(args, stdout)
	if err != nil {
		return err
	}
	s, err := startStack(ctx, st)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.close()) }()
	browsers, err := logIn(ctx, s.origin, st.connections)
	if err != nil {
		return err
	}
	before, err := commandsProcessed(ctx, s.rdb)
	if err != nil {
		return err
	}
	res := load(ctx, browsers, st.duration, st.requests)
	after, err := commandsProcessed(context.WithoutCancel(ctx), s.rdb)
	if err != nil {
		return err
	}
	report(stdout, st, res, after-before-1) // less the first INFO
	if res.errors > 0 {
		return fmt.Errorf("%d of %d requests failed: %s", res.errors, res.requests, strings.Join(res.samples, "; "))
	}
	return nil
}

// logIn returns n browsers of origin, each logged in as a user of its own.
func logIn(ctx context.Context, origin string, n int) ([]*browser, error) {
	browsers := make([]*browser, n)
	errs := make([]error, n)
	slots := make(chan struct{}, loginParallelism)
	var wg sync.WaitGroup
	for i := range browsers {
		browsers[i] = newBrowser(origin)
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			errs[i] = browsers[i].logIn(ctx, "user-"+strconv.Itoa(i+1))
		})
	}
	wg.Wait()
	return browsers, errors.Join(errs...)
}

// commandsProcessed returns the total_commands_processed of INFO stats.
func commandsProcessed(ctx context.Context, rdb *redis.Client) (int64, error) {
	info, err := rdb.Info(ctx, "stats").Result()
	if err != nil {
		return 0, fmt.Errorf("redis INFO: %w", err)
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_commands_processed:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, errors.New("redis INFO stats has no total_commands_processed")
}

// report writes what the load measured.
func report(w io.Writer, st settings, res result, commands int64) {
	instances := "1 instance"
	if st.instances > 1 {
		instances = strconv.Itoa(st.instances) + " instances behind a proxy"
	}
	fmt.Fprintf(w, "next-intl-like, %s, sessions in %s: GET %s on %d connections for %v\n",
		instances, st.sessions, page, st.connections, st.duration)
	fmt.Fprintf(w, "machine: %d CPUs, %s/%s, %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(w, "requests:   %d in %v\n", res.requests, res.elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "throughput: %.0f req/s\n", res.throughput())
	fmt.Fprintf(w, "latency:    p50 %v, p99 %v, max %v\n", rounded(res.percentile(50)), rounded(res.percentile(99)), rounded(res.percentile(100)))
	fmt.Fprintf(w, "errors:     %d\n", res.errors)
	perRequest := 0.0
	if res.requests > 0 {
		perRequest = float64(commands) / float64(res.requests)
	}
	fmt.Fprintf(w, "redis:      %.2f commands per request (%d in all)\n", perRequest, commands)
}

// rounded rounds d to three significant digits or so.
func rounded(d time.Duration) time.Duration {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}
