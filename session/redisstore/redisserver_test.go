package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startupTimeout bounds how long a starting server may take to answer PING before the test
// fails: it is a failure bound, not an assertion of speed.
const startupTimeout = 20 * time.Second

// redisServer is a redis-server process with persistence on (append-only file in its own
// directory), listening on a unix socket, or on a loopback port for Cluster nodes. stop and
// start restart it with the same directory and address, so its data survives.
type redisServer struct {
	bin     string
	dir     string
	network string // "unix" or "tcp"
	addr    string
	extra   []string
	cmd     *exec.Cmd
	exited  chan struct{}
}

// redisBinary returns the path of redis-server; without one it skips tb, or fails it when CI
// is "true".
func redisBinary(tb testing.TB) string {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err == nil {
		return bin
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("redis-server is not installed (apt-get install redis-server): %v", err)
	}
	tb.Skipf("redis-server is not installed (apt-get install redis-server), skipping: %v", err)
	return ""
}

// startRedis starts a server of its own for t, on a unix socket in t's temporary directory,
// stopped when t ends.
func startRedis(t *testing.T) *redisServer {
	t.Helper()
	bin := redisBinary(t)
	dir := shortTempDir(t)
	r := &redisServer{bin: bin, dir: dir, network: "unix", addr: filepath.Join(dir, "redis.sock")}
	if err := r.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.stop)
	return r
}

// shortTempDir returns t.TempDir(), or a shorter directory removed at cleanup when the path
// would not fit a unix socket's name.
func shortTempDir(t *testing.T) string {
	dir := t.TempDir()
	if len(dir) < 80 {
		return dir
	}
	dir, err := os.MkdirTemp("", "redis")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// args returns redis-server's command line.
func (r *redisServer) args() []string {
	args := []string{
		"--dir", r.dir,
		"--appendonly", "yes",
		"--save", "",
		"--daemonize", "no",
		"--logfile", filepath.Join(r.dir, "redis.log"),
	}
	if r.network == "unix" {
		args = append(args, "--port", "0", "--unixsocket", r.addr, "--unixsocketperm", "700")
	} else {
		host, port, _ := net.SplitHostPort(r.addr)
		args = append(args, "--bind", host, "--port", port)
	}
	return append(args, r.extra...)
}

// start runs the server and waits until it answers PING.
func (r *redisServer) start() error {
	r.cmd = exec.Command(r.bin, r.args()...)
	r.cmd.Dir = r.dir
	if err := r.cmd.Start(); err != nil {
		return fmt.Errorf("starting redis-server: %w", err)
	}
	r.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) {
		_ = cmd.Wait()
		close(exited)
	}(r.cmd, r.exited)
	c := r.newClient()
	defer c.Close()
	deadline := time.Now().Add(startupTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-r.exited:
			log, _ := os.ReadFile(filepath.Join(r.dir, "redis.log"))
			return fmt.Errorf("redis-server exited: %s", lastLines(string(log), 5))
		default:
		}
		if time.Now().After(deadline) {
			r.stop()
			return fmt.Errorf("redis-server at %s did not answer PING: %w", r.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop shuts the server down by its pid (SIGTERM: it writes its append-only file first) and
// waits for it to exit.
func (r *redisServer) stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	select {
	case <-r.exited:
		return
	default:
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(startupTimeout):
		_ = r.cmd.Process.Kill()
		<-r.exited
	}
}

// newClient returns a client of this server alone; the caller closes it.
func (r *redisServer) newClient() *redis.Client {
	return redis.NewClient(&redis.Options{Network: r.network, Addr: r.addr})
}

// client returns a client of this server, closed when tb ends.
func (r *redisServer) client(tb testing.TB) *redis.Client {
	c := r.newClient()
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// freePort returns a loopback port that is free, and whose Cluster bus port (port+10000) is
// free too.
func freePort() (int, error) {
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		if port+10000 > 65535 {
			continue
		}
		bus, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000))
		if err != nil {
			continue
		}
		_ = bus.Close()
		return port, nil
	}
	return 0, errors.New("no free port pair for a Cluster node")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
