// Command loopbench measures, over loopback, how many signed-in requests a second a server
// answers through authchain's Client.Middleware (the session not due for a roll), against the
// same server's bare handler, both sent the same requests with the session's cookies. Each
// server runs in a child process limited to one core
// (GOMAXPROCS=1) on 127.0.0.1; the load comes from this process, over keep-alive connections,
// for a bounded time.
//
//	go run ./cmd/loopbench -duration 5s -conns 16 -format nextjs
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authchain/authchain"
	"github.com/authchain/authchain/authtest"
	"github.com/authchain/authchain/internal/benchdata"
	"github.com/authchain/authchain/session"
)

const secret = "loopbench-secret-0123456789abcdef0123456789"

func main() {
	serve := flag.String("serve", "", "run as the server: bare or authchain (used by the parent)")
	duration := flag.Duration("duration", 5*time.Second, "how long each server is loaded (at most 60s)")
	conns := flag.Int("conns", 16, "concurrent keep-alive connections")
	format := flag.String("format", string(session.DefaultCookieFormat), "cookie format: nextjs or securecookie")
	flag.Parse()
	if *serve != "" {
		if err := runServer(*serve, session.CookieFormat(*format)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if *duration <= 0 || *duration > time.Minute || *conns < 1 || *conns > 256 {
		fmt.Fprintln(os.Stderr, "loopbench: -duration must be in (0, 60s] and -conns in [1, 256]")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(1)
	results := map[string]float64{}
	for _, mode := range []string{"bare", "authchain"} {
		rate, err := measure(mode, *format, *duration, *conns)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loopbench:", err)
			os.Exit(1)
		}
		results[mode] = rate
		fmt.Printf("%-10s %9.0f requests/s\n", mode, rate)
	}
	fmt.Printf("authchain/bare: %.0f%% (format %s)\n", 100*results["authchain"]/results["bare"], *format)
}

// runServer serves on 127.0.0.1 until its standard input closes; it prints its address and
// the Cookie header of a signed-in request, which the load sends to both servers.
func runServer(mode string, format session.CookieFormat) error {
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	var h http.Handler = handler
	// Both servers get the same requests, the session's cookies included: the bare handler
	// ignores them.
	cookie, err := signedInCookie(format)
	if err != nil {
		return err
	}
	if mode == "authchain" {
		c, err := authchain.New(authchain.Config{
			Domain: "tenant.auth0.com", ClientID: "id", ClientSecret: "secret",
			AppBaseURL: "http://127.0.0.1", Secret: secret,
			Session: authchain.SessionConfig{CookieFormat: format},
		})
		if err != nil {
			return err
		}
		h = c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if authchain.SessionFrom(r.Context()) == nil {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("%s\n%s\n", ln.Addr(), cookie)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// signedInCookie returns the Cookie header of the realistic session, written now.
func signedInCookie(format session.CookieFormat) (string, error) {
	s := new(session.Session)
	if err := s.UnmarshalJSON(benchdata.SessionJSON(time.Now())); err != nil {
		return "", err
	}
	r, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	if err != nil {
		return "", err
	}
	if err := authtest.WithSession(r, s, authtest.Options{Secret: secret, Format: format}); err != nil {
		return "", err
	}
	return r.Header.Get("Cookie"), nil
}

// measure starts the server of mode and loads it for d; it returns the requests a second.
func measure(mode, format string, d time.Duration, conns int) (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-serve", mode, "-format", format)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	}()
	out := bufio.NewReader(stdout)
	addr, err := out.ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("%s server: %w", mode, err)
	}
	cookie, err := out.ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("%s server: %w", mode, err)
	}
	return load("http://"+strings.TrimSpace(addr)+"/page", strings.TrimSpace(cookie), d, conns)
}

// load sends GET requests over conns connections for d and returns the rate of 204 answers.
func load(url, cookie string, d time.Duration, conns int) (float64, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, DisableCompression: true}}
	deadline := time.Now().Add(d)
	var ok, bad atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				if cookie != "" {
					req.Header.Set("Cookie", cookie)
				}
				resp, err := client.Do(req)
				if err != nil {
					bad.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode == http.StatusNoContent {
					ok.Add(1)
				} else {
					bad.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if bad.Load() > 0 {
		return 0, fmt.Errorf("%d of %d requests failed", bad.Load(), ok.Load()+bad.Load())
	}
	return float64(ok.Load()) / elapsed.Seconds(), nil
}
