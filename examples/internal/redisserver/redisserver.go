// Package redisserver runs a redis-server of its own for the examples' tests and the load
// program: persistence on (an append-only file), listening on a unix socket in a temporary
// directory of its own, so it needs no free port and nothing else can reach it.
package redisserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// startupTimeout bounds how long a starting server may take to answer PING, and a stopping
// one to exit.
const startupTimeout = 20 * time.Second

// Server is a running redis-server.
type Server struct {
	dir    string
	socket string
	cmd    *exec.Cmd
	exited chan struct{}
}

// Binary returns the path of redis-server, from PATH or /usr/bin.
func Binary() (string, error) {
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	const debian = "/usr/bin/redis-server"
	if _, err := os.Stat(debian); err == nil {
		return debian, nil
	}
	return "", errors.New("redis-server is not installed (apt-get install redis-server)")
}

// Start runs bin (a redis-server) in a new temporary directory and waits until it answers
// PING. Stop stops it and removes the directory.
func Start(bin string) (*Server, error) {
	// A unix socket's path must fit in about 100 bytes: the directory is made directly
	// under the system's temporary directory.
	dir, err := os.MkdirTemp("", "redis")
	if err != nil {
		return nil, fmt.Errorf("redisserver: %w", err)
	}
	s := &Server{dir: dir, socket: filepath.Join(dir, "redis.sock"), exited: make(chan struct{})}
	s.cmd = exec.Command(bin,
		"--dir", dir,
		"--appendonly", "yes",
		"--save", "",
		"--daemonize", "no",
		"--logfile", filepath.Join(dir, "redis.log"),
		"--port", "0",
		"--unixsocket", s.socket,
		"--unixsocketperm", "700",
	)
	s.cmd.Dir = dir
	if err := s.cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("redisserver: starting %s: %w", bin, err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	return s, nil
}

// waitReady waits until the server answers PING, or exits, or startupTimeout has passed.
func (s *Server) waitReady() error {
	c := redis.NewClient(&redis.Options{Network: "unix", Addr: s.socket})
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
		case <-s.exited:
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			return fmt.Errorf("redisserver: redis-server exited: %s", lastLines(string(log), 5))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redisserver: redis-server did not answer PING: %w", err)
		}
	}
}

// URL returns the server's address as REDIS_URL takes it: unix:///path/to/redis.sock.
func (s *Server) URL() string {
	return "unix://" + s.socket
}

// Socket returns the path of the server's unix socket.
func (s *Server) Socket() string {
	return s.socket
}

// Stop shuts the server down by its pid (SIGTERM: it writes its append-only file first),
// waits for it to exit and removes its directory. Stopping a stopped server does nothing.
func (s *Server) Stop() error {
	select {
	case <-s.exited:
	default:
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(startupTimeout):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("redisserver: %w", err)
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
