// Command oidctest runs the fake OpenID Provider of package oidctest as a
// program, for tests written in other languages and for demos:
//
//	go run ./cmd/oidctest -addr 127.0.0.1:4400 \
//		-client-id app -client-secret s3cret \
//		-redirect-uri http://127.0.0.1:3000/auth/callback \
//		-post-logout-redirect-uri http://127.0.0.1:3000/ \
//		-login-form
//
// It prints its issuer and serves until SIGINT or SIGTERM.
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
	ctx, stop := signalContext(context.Background())
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "oidctest:", err)
		os.Exit(1)
	}
}

// signalContext is done at the first SIGINT or SIGTERM.
func signalContext(parent context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}
