package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
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
	if !lines.Scan() {
		t.Fatalf("run printed nothing: %v", <-done)
	}
	base, ok := strings.CutPrefix(lines.Text(), "listening on ")
	if !ok || !strings.HasPrefix(base, "http://localhost:") || base == "http://localhost:0" {
		t.Fatalf("first line = %q, want the address it listens on", lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/?x=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Language", "de-DE")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusTemporaryRedirect || res.Header.Get("Location") != "/de/?x=1" {
		t.Errorf("GET / = %d %q, want 307 /de/?x=1", res.StatusCode, res.Header.Get("Location"))
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
}

func TestRunReportsListenErrors(t *testing.T) {
	t.Parallel()
	err := run(t.Context(), func(string) string { return "not-a-port" }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("run = %v, want a listen error", err)
	}
}
