package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"
)

// The bounds of the flags: the program is for a developer's machine and CI, not a stress test.
const (
	maxDuration    = 5 * time.Minute
	maxConnections = 256
	maxRequests    = 10_000_000
	maxInstances   = 8
)

// settings are the command-line flags.
type settings struct {
	duration    time.Duration
	connections int
	requests    int
	sessions    string // "redis" or "cookie", as the example's SESSION_STORE
	redisURL    string // empty: start a redis-server
	instances   int
	app         string // the example's binary; empty: build it
}

// parseSettings reads the flags and checks their bounds.
func parseSettings(args []string, out io.Writer) (settings, error) {
	var st settings
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.DurationVar(&st.duration, "duration", time.Minute, "how long the load runs (at most 5m)")
	fs.IntVar(&st.connections, "connections", 64, "keep-alive connections, each a signed-in user of its own (at most 256)")
	fs.IntVar(&st.requests, "requests", maxRequests, "stop after this many requests (at most 10,000,000)")
	fs.StringVar(&st.sessions, "sessions", "redis", "where the sessions live: redis or cookie (the example's SESSION_STORE)")
	fs.StringVar(&st.redisURL, "redis", "", "the Redis `URL` the instances share (redis://host:port/db or unix:///path); default: a redis-server of its own")
	fs.IntVar(&st.instances, "instances", 1, "instances of the app behind one origin (at most 8)")
	fs.StringVar(&st.app, "app", "", "the example's `binary`; default: go build it")
	if err := fs.Parse(args); err != nil {
		return st, err
	}
	if fs.NArg() > 0 {
		return st, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return st, st.check()
}

// check reports every flag out of its bounds.
func (st settings) check() error {
	var errs []error
	if st.duration <= 0 || st.duration > maxDuration {
		errs = append(errs, fmt.Errorf("-duration must be more than 0 and at most %v", maxDuration))
	}
	if st.connections < 1 || st.connections > maxConnections {
		errs = append(errs, fmt.Errorf("-connections must be from 1 to %d", maxConnections))
	}
	if st.requests < 1 || st.requests > maxRequests {
		errs = append(errs, fmt.Errorf("-requests must be from 1 to %d", maxRequests))
	}
	if st.sessions != "redis" && st.sessions != "cookie" {
		errs = append(errs, errors.New("-sessions must be redis or cookie"))
	}
	if st.instances < 1 || st.instances > maxInstances {
		errs = append(errs, fmt.Errorf("-instances must be from 1 to %d", maxInstances))
	}
	return errors.Join(errs...)
}
