package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authchain/authchain"
)

func TestRunServesUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, stdout := io.Pipe()
	env := map[string]string{"PORT": "0"}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, func(k string) string { return env[k] }, stdout)
		_ = stdout.Close()
	}()

	lines := bufio.NewScanner(out)
	next := func() string {
		if !lines.Scan() {
			t.Fatalf("run stopped printing: %v", <-done)
		}
		return lines.Text()
	}
	first := next()
	base, ok := strings.CutPrefix(first, "open ")
	if !ok || !strings.HasPrefix(base, "http://localhost:") || base == "http://localhost:0/" {
		t.Fatalf("first line = %q, want the URL to open", first)
	}
	second := next()
	issuer, ok := strings.CutPrefix(second, "demo OpenID Provider: ")
	issuer, _, _ = strings.Cut(issuer, " ")
	if !ok || !strings.HasPrefix(issuer, "http://127.0.0.1:") {
		t.Fatalf("second line = %q, want the demo provider's issuer", second)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()

	b := newBrowser(t, "de-DE")
	res := b.get(base + "?x=1")
	if res.StatusCode != http.StatusTemporaryRedirect || res.Header.Get("Location") != "/de/?x=1" {
		t.Errorf("GET / = %d %q, want 307 /de/?x=1", res.StatusCode, res.Header.Get("Location"))
	}
	res = b.get(base + "de/")
	mustContain(t, res.body, "<h1>"+messagesFor("de").HomeTitle+"</h1>", messagesFor("de").DemoProvider)
	form, _ := b.navigate(http.MethodGet, base+"de/profile", nil)
	if form.StatusCode != http.StatusOK || !strings.HasPrefix(form.Request.URL.String(), issuer+"/") || !formAction.MatchString(form.body) {
		t.Errorf("the profile page led to %d %s, want the demo provider's login form", form.StatusCode, form.Request.URL)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run = %v, want nil after cancellation", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	if res, err := (&http.Client{Timeout: 5 * time.Second}).Get(issuer + "/.well-known/openid-configuration"); err == nil {
		_ = res.Body.Close()
		t.Error("the demo provider still answers after run returned")
	}
}

func TestRunReportsConfigurationErrors(t *testing.T) {
	t.Parallel()
	for name, env := range map[string]map[string]string{
		"demo provider": {"PORT": "0", "AUTH0_SECRET": "too-short"},
		"configured provider": {"PORT": "0", "AUTH0_DOMAIN": "idp.example.invalid", "AUTH0_CLIENT_ID": "app",
			"AUTH0_CLIENT_SECRET": "s3cret", "AUTH0_SECRET": "too-short"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			err := run(t.Context(), func(k string) string { return env[k] }, &out)
			if !errors.Is(err, authchain.ErrInvalidConfig) || !strings.Contains(err.Error(), "Secret") {
				t.Errorf("run = %v, want the invalid Secret", err)
			}
			if out.Len() != 0 {
				t.Errorf("run printed %q before failing", out.String())
			}
		})
	}
}

func TestRunReportsListenErrors(t *testing.T) {
	t.Parallel()
	err := run(t.Context(), func(string) string { return "not-a-port" }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("run = %v, want a listen error", err)
	}
}

// TestServerRefusesOversizedHeaders: the example's server refuses a request whose headers are
// over maxHeaderBytes (a flood of cookies) and bounds slow clients with timeouts.
func TestServerRefusesOversizedHeaders(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}), slog.New(slog.DiscardHandler))
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Errorf("timeouts: header %v, read %v, write %v, idle %v; want all set", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	req, err := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", strings.Repeat("__session__1=; ", 2*maxHeaderBytes/15))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a %d-byte Cookie header got %d, want 431", len(req.Header.Get("Cookie")), res.StatusCode)
	}
}

// TestRunListensOnLoopbackByDefault: without HOST the example is not reachable from the
// network.
func TestRunListensOnLoopbackByDefault(t *testing.T) {
	t.Parallel()
	ln, err := listen(func(k string) string { return map[string]string{"PORT": "0"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		t.Errorf("listens on %v, want a loopback address", ip)
	}
}
