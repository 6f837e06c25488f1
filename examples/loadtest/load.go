package main

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// maxErrorSamples is how many distinct errors a result describes.
const maxErrorSamples = 5

// result is what a load measured.
type result struct {
	requests  int
	errors    int
	samples   []string        // the first distinct errors
	latencies []time.Duration // of every request, sorted
	elapsed   time.Duration
}

// load has each browser, on its own connection, request its page until duration has passed,
// ctx is done or budget requests have been sent in all.
func load(ctx context.Context, browsers []*browser, duration time.Duration, budget int) result {
	var (
		sent    atomic.Int64
		mu      sync.Mutex
		total   result
		workers sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(duration)
	for _, b := range browsers {
		workers.Go(func() {
			mine := browse(ctx, b, deadline, func() bool { return sent.Add(1) <= int64(budget) })
			mu.Lock()
			defer mu.Unlock()
			total.merge(mine)
		})
	}
	workers.Wait()
	total.elapsed = time.Since(start)
	slices.Sort(total.latencies)
	return total
}

// browse is one browser's part of the load: it requests its page, one request at a time, while
// the deadline has not passed, ctx is not done and more is allowed.
func browse(ctx context.Context, b *browser, deadline time.Time, more func() bool) result {
	var r result
	for ctx.Err() == nil && time.Now().Before(deadline) && more() {
		began := time.Now()
		err := b.visit()
		r.latencies = append(r.latencies, time.Since(began))
		r.requests++
		if err != nil {
			r.errors++
			r.sample(err.Error())
		}
	}
	return r
}

// sample keeps msg among the error samples, unless it is there or they are full.
func (r *result) sample(msg string) {
	if len(r.samples) < maxErrorSamples && !slices.Contains(r.samples, msg) {
		r.samples = append(r.samples, msg)
	}
}

// merge adds o's counts, latencies and samples to r's.
func (r *result) merge(o result) {
	r.requests += o.requests
	r.errors += o.errors
	r.latencies = append(r.latencies, o.latencies...)
	for _, s := range o.samples {
		r.sample(s)
	}
}

// percentile returns the latency that p percent of the requests did not exceed (nearest
// rank), zero without requests.
func (r *result) percentile(p float64) time.Duration {
	n := len(r.latencies)
	if n == 0 {
		return 0
	}
	rank := int(p / 100 * float64(n))
	if float64(rank) < p/100*float64(n) {
		rank++
	}
	return r.latencies[max(rank, 1)-1]
}

// throughput is the requests per second.
func (r *result) throughput() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}
