// Command next-intl-like is a small multilingual web app signing users in with authchain: a
// locale-prefix i18n middleware in the manner of next-intl, chained with authchain's middleware,
// pages under /{locale}/ in English, French and German, and a profile page for signed-in users.
// A sign-in that fails (cancelled at the provider, a stale link) ends on a page in the visitor's
// language that leads to a new login (authchain.Config.ErrorPage), and a path without a page
// gets a localized 404 page.
//
// Without AUTH0_DOMAIN it starts a demo OpenID Provider (package oidctest, with its login form)
// on a loopback port, where any name logs in, as the user demo|<the name in lower case, hyphens
// between words>; with AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET and AUTH0_SECRET
// it uses that provider. It listens on HOST:PORT (default 127.0.0.1:3000, so only this machine
// reaches it; HOST=0.0.0.0 opens it to the network); its URL is APP_BASE_URL, default
// http://localhost:PORT.
//
// With REDIS_URL (redis://host:port/db, or unix:///path/to/redis.sock) it keeps its sessions
// in that Redis, and shares through it the logout tokens' jti and the refreshes of tokens, so
// that several instances behind one origin act as one; SESSION_STORE=cookie keeps the sessions
// in cookies instead, with the back-channel logouts recorded in Redis. Several instances need
// the same AUTH0_SECRET, REDIS_URL and APP_BASE_URL (the origin in front of them), and a
// provider of their own: each would start a demo provider of its own.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "next-intl-like:", err)
		os.Exit(1)
	}
}

// run serves the app on HOST:PORT (default 127.0.0.1:3000; port 0 picks a free one) until ctx is done, then shuts
// down gracefully and stops the demo provider it started, if any. It prints the URL to open,
// and the demo provider's issuer when there is one.
func run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stdout, nil))
	ln, err := listen(getenv)
	if err != nil {
		return err
	}
	app, err := newServer(setup{
		getenv:      getenv,
		defaultBase: fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port),
		logger:      logger,
	})
	if err != nil {
		return errors.Join(err, ln.Close())
	}
	fmt.Fprintf(stdout, "open %s/\n", app.baseURL)
	if app.idp != nil {
		fmt.Fprintf(stdout, "demo OpenID Provider: %s (log in with any name)\n", app.idp.Issuer())
	}
	if app.shared != nil {
		fmt.Fprintf(stdout, "shared through Redis: %s\n", app.shared)
	}
	return errors.Join(serve(ctx, newHTTPServer(app.handler, logger), ln), app.Close())
}

// maxHeaderBytes bounds a request's headers: room for a session of several cookie chunks and
// a few logins in progress (proxies such as nginx refuse more than 8 KB a header line anyway),
// far below net/http's default of 1 MB.
const maxHeaderBytes = 64 << 10

// newHTTPServer returns the server of handler, with bounds that keep slow or oversized
// requests from holding the server's resources.
func newHTTPServer(handler http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           handler,
		MaxHeaderBytes:    maxHeaderBytes,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// listen listens on HOST:PORT, by default on the loopback interface only.
func listen(getenv func(string) string) (net.Listener, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(cmp.Or(getenv("HOST"), "127.0.0.1"), cmp.Or(getenv("PORT"), "3000")))
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	return ln, nil
}

// serve serves ln with srv until ctx is done, then shuts srv down gracefully.
func serve(ctx context.Context, srv *http.Server, ln net.Listener) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
