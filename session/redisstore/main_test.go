package redisstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authchain/authchain/session/redisstore"
)

const testSecret = "a-secret-of-at-least-32-bytes-0123456789"

// shared holds the servers the tests of this binary share, started on first use: a single
// node and a three-node Cluster. Tests that share them use key prefixes of their own.
var shared sharedServers

type sharedServers struct {
	singleOnce sync.Once
	single     *redisServer
	singleErr  error

	clusterOnce sync.Once
	cluster     []*redisServer
	clusterErr  error

	dirs []string
}

func TestMain(m *testing.M) {
	// The client logs every failed dial; the outage tests make many on purpose.
	redis.SetLogger(quietLogger{})
	code := m.Run()
	shared.stop()
	os.Exit(code)
}

func (s *sharedServers) stop() {
	if s.single != nil {
		s.single.stop()
	}
	for _, n := range s.cluster {
		n.stop()
	}
	for _, d := range s.dirs {
		_ = os.RemoveAll(d)
	}
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// backend is a Redis deployment the tests run against.
type backend struct {
	name   string
	client func(t *testing.T) redis.UniversalClient
}

// backends are the deployments every functional test runs against.
var backends = []backend{
	{"single", singleClient},
	{"cluster", clusterClient},
}

// eachBackend runs test once per backend, as subtests.
func eachBackend(t *testing.T, test func(t *testing.T, client func(t *testing.T) redis.UniversalClient)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b.client) })
	}
}

// singleClient returns a client of the shared single-node server, closed when t ends.
func singleClient(t *testing.T) redis.UniversalClient {
	t.Helper()
	return singleServer(t).client(t)
}

// singleServer returns the shared single-node server, started on first use.
func singleServer(tb testing.TB) *redisServer {
	tb.Helper()
	bin := redisBinary(tb)
	shared.singleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "redis")
		if err != nil {
			shared.singleErr = err
			return
		}
		shared.dirs = append(shared.dirs, dir)
		srv := &redisServer{bin: bin, dir: dir, network: "unix", addr: filepath.Join(dir, "redis.sock")}
		shared.singleErr = srv.start()
		shared.single = srv
	})
	if shared.singleErr != nil {
		tb.Fatal(shared.singleErr)
	}
	return shared.single
}

// clusterClient returns a client of the shared three-node Cluster, closed when t ends.
func clusterClient(t *testing.T) redis.UniversalClient {
	t.Helper()
	bin := redisBinary(t)
	shared.clusterOnce.Do(func() { shared.cluster, shared.clusterErr = startCluster(bin) })
	if shared.clusterErr != nil {
		t.Fatal(shared.clusterErr)
	}
	addrs := make([]string, len(shared.cluster))
	for i, n := range shared.cluster {
		addrs[i] = n.addr
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// startCluster starts three masters on loopback ports and gives each a third of the slots.
func startCluster(bin string) ([]*redisServer, error) {
	dir, err := os.MkdirTemp("", "redis-cluster")
	if err != nil {
		return nil, err
	}
	shared.dirs = append(shared.dirs, dir)
	slots := [][2]int{{0, 5460}, {5461, 10922}, {10923, 16383}}
	var nodes []*redisServer
	for i := range slots {
		port, err := freePort()
		if err != nil {
			return nodes, err
		}
		n := &redisServer{
			bin: bin, dir: filepath.Join(dir, strconv.Itoa(i)), network: "tcp",
			addr:  fmt.Sprintf("127.0.0.1:%d", port),
			extra: []string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"},
		}
		if err := os.Mkdir(n.dir, 0o700); err != nil {
			return nodes, err
		}
		if err := n.start(); err != nil {
			return nodes, err
		}
		nodes = append(nodes, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startupTimeout)
	defer cancel()
	for i, n := range nodes {
		c := n.newClient()
		err := c.ClusterAddSlotsRange(ctx, slots[i][0], slots[i][1]).Err()
		if err == nil && i > 0 {
			first := nodes[0].newClient()
			err = first.ClusterMeet(ctx, "127.0.0.1", strings.TrimPrefix(n.addr, "127.0.0.1:")).Err()
			_ = first.Close()
		}
		_ = c.Close()
		if err != nil {
			return nodes, fmt.Errorf("forming the cluster: %w", err)
		}
	}
	return nodes, waitClusterOK(ctx, nodes)
}

// waitClusterOK waits until every node sees the whole cluster and says cluster_state:ok.
func waitClusterOK(ctx context.Context, nodes []*redisServer) error {
	for _, n := range nodes {
		c := n.newClient()
		for {
			info, err := c.ClusterInfo(ctx).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, "cluster_known_nodes:3") {
				break
			}
			select {
			case <-ctx.Done():
				_ = c.Close()
				return fmt.Errorf("the cluster did not come up: %v %w", err, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
		_ = c.Close()
	}
	return nil
}

// prefixFor returns a key prefix of t's own.
func prefixFor(t *testing.T) string {
	return "test:" + t.Name() + ":"
}

// newStore returns a Store on client with t's prefix and the test secret unless opts has
// them, closed when t ends.
func newStore(t *testing.T, client redis.UniversalClient, opts redisstore.Options) *redisstore.Store {
	t.Helper()
	if opts.KeyPrefix == "" {
		opts.KeyPrefix = prefixFor(t)
	}
	if opts.Secret == "" {
		opts.Secret = testSecret
	}
	s, err := redisstore.New(client, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// keysWithPrefix returns the keys that begin with prefix, sorted, from every master.
func keysWithPrefix(t *testing.T, client redis.UniversalClient, prefix string) []string {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	var keys []string
	scan := func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, escapeGlob(prefix)+"*", 1000).Iterator()
		for iter.Next(ctx) {
			mu.Lock()
			keys = append(keys, iter.Val())
			mu.Unlock()
		}
		return iter.Err()
	}
	var err error
	switch c := client.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, scan)
	case *redis.Client:
		err = scan(ctx, c)
	default:
		t.Fatalf("cannot scan a %T", client)
	}
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	return keys
}

// escapeGlob escapes the characters that SCAN's MATCH pattern treats specially.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// eventually calls cond until it returns true, failing t when it has not after 10 s: for
// waiting on expiry and on background refreshes, not for measuring them.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not %s after 10 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
