package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// examplePackage is the app under load.
const examplePackage = "github.com/authchain/authchain/examples/next-intl-like"

// stopTimeout bounds how long a stopping instance may take to exit before it is killed, and
// how long a starting one may take to listen.
const stopTimeout = 20 * time.Second

// buildApp builds the example into dir and returns the binary's path.
func buildApp(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "next-intl-like")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, examplePackage).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build %s (or give -app): %w\n%s", examplePackage, err, out)
	}
	return bin, nil
}

// instance is one running process of the app.
type instance struct {
	cmd    *exec.Cmd
	output *tail
	exited chan struct{}
}

// startInstance runs bin with the environment vars (on top of this process's, without its
// AUTH0_* and the app's other variables) and waits until it prints the URL to open: it is
// listening by then.
func startInstance(bin string, vars map[string]string) (*instance, error) {
	in := &instance{cmd: exec.Command(bin), output: &tail{}, exited: make(chan struct{})}
	in.cmd.Env = instanceEnv(os.Environ(), vars)
	in.cmd.Stderr = in.output
	stdout, err := in.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := in.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	ready := make(chan struct{})
	go func() {
		lines := bufio.NewScanner(stdout)
		announced := false
		for lines.Scan() {
			line := lines.Text()
			fmt.Fprintln(in.output, line)
			if !announced && strings.HasPrefix(line, "open ") {
				announced = true
				close(ready)
			}
		}
		_, _ = io.Copy(in.output, stdout)
		_ = in.cmd.Wait()
		close(in.exited)
	}()
	select {
	case <-ready:
		return in, nil
	case <-in.exited:
		return nil, fmt.Errorf("the app exited: %s", in.output)
	case <-time.After(stopTimeout):
		return nil, errors.Join(errors.New("the app did not start"), in.stop())
	}
}

// appVariables are the variables of the app's environment that startInstance sets or clears.
var appVariables = []string{"HOST", "PORT", "APP_BASE_URL", "REDIS_URL", "SESSION_STORE"}

// instanceEnv returns base without the app's variables (AUTH0_* and appVariables), then vars.
func instanceEnv(base []string, vars map[string]string) []string {
	var env []string
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AUTH0_") || slices.Contains(appVariables, name) {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// stop ends the instance by its pid (SIGTERM: it shuts down gracefully) and waits for it.
func (in *instance) stop() error {
	select {
	case <-in.exited:
		return nil
	default:
	}
	_ = in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-in.exited:
		return nil
	case <-time.After(stopTimeout):
		_ = in.cmd.Process.Kill()
		<-in.exited
		return fmt.Errorf("the app did not stop on SIGTERM: %s", in.output)
	}
}

// tail keeps the last 4 KB written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailBytes = 4 << 10

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailBytes {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailBytes:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	return port, ln.Close()
}

// newProxy returns a reverse proxy that sends each request to the next of targets in turn,
// keeping the origin's Host, with up to conns keep-alive connections to each target.
func newProxy(targets []*url.URL, conns int) *httputil.ReverseProxy {
	var next atomic.Uint64
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(targets[(next.Add(1)-1)%uint64(len(targets))])
			r.Out.Host = r.In.Host
		},
		Transport: &http.Transport{MaxIdleConns: conns * len(targets), MaxIdleConnsPerHost: conns},
	}
}
