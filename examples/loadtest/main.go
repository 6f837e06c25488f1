// Command loadtest measures the example app, next-intl-like, under a bounded load of signed-in
// requests, with its sessions in Redis or in cookies:
//
//	go run ./examples/loadtest -sessions redis -duration 60s -connections 64
//	go run ./examples/loadtest -sessions cookie -duration 60s -connections 64
//
// It builds the example (or runs the binary -app names) as one or more instances (-instances)
// that share a Redis: the one -redis names, or a redis-server of its own on a unix socket. The
// instances sign in at a provider the program starts (package oidctest, with its login form)
// and, with several instances, are served behind one origin by a round-robin reverse proxy.
// Everything listens on 127.0.0.1 only.
//
// It logs one browser in per connection through the provider's login form, then, on as many
// keep-alive connections, each with its own user's cookies, GETs the profile page (which reads
// the session) for -duration or until -requests have been sent. It reports the requests, the
// throughput, the latency (p50, p99, max), the errors (a response other than the user's
// profile page with 200, or a transport error) and the Redis commands per request (INFO's
// total_commands_processed before and after, less its own INFO: with -redis, every other
// client's commands count too). It exits with status 1 when a request failed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}
