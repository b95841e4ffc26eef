// Package redistest finds the Redis deployments the tests of the module run against:
// a single redis-server (TCREDIT_REDIS_URL) and a Redis Cluster
// (TCREDIT_REDIS_CLUSTER), and puts a proxy that cuts connections in front of one.
package redistest

import (
	"context"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
)

// A Backend is a kind of Redis deployment, named by the environment variable that
// gives its address.
type Backend struct {
	Name string // the subtest's name: "redis-server" or "cluster"
	Env  string // the variable
	Hint string // how to set the variable, for the message of a skipped test

	open func(t testing.TB, value string) redis.UniversalClient
}

// Backends are the deployments every test of several replicas runs on.
var Backends = []Backend{
	{
		Name: "redis-server", Env: "TCREDIT_REDIS_URL",
		Hint: "redis://127.0.0.1:6379/15 (a database the test may empty)",
		open: func(t testing.TB, value string) redis.UniversalClient { return openServer(t, value) },
	},
	{
		Name: "cluster", Env: "TCREDIT_REDIS_CLUSTER",
		Hint: "127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002 (the masters of a Redis Cluster the test may empty)",
		open: openCluster,
	},
}

// Open returns a client of the backend with every key deleted; the client is closed
// at the test's end. The test has the backend to itself until its end: another
// test binary that opens it waits. Without the backend's variable the test is
// skipped, or fails under CI=true.
func (b Backend) Open(t testing.TB) redis.UniversalClient {
	t.Helper()
	value := os.Getenv(b.Env)
	if value == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must start a %s (.ci/run does)", b.Env, b.Name)
		}
		t.Skipf("no %s: set %s=%s to run this test", b.Name, b.Env, b.Hint)
	}
	lock(t, value)
	return b.open(t, value)
}

// Each runs f as a subtest on each backend, on a client that Open returned.
func Each(t *testing.T, f func(t *testing.T, rdb redis.UniversalClient)) {
	t.Helper()
	for _, b := range Backends {
		t.Run(b.Name, func(t *testing.T) { f(t, b.Open(t)) })
	}
}

// Client returns a client of the redis-server named by TCREDIT_REDIS_URL, and the
// URL, with its database emptied; the client is closed at the test's end. Without
// the variable the test is skipped, or fails under CI=true.
func Client(t testing.TB) (*redis.Client, string) {
	t.Helper()
	rdb := Backends[0].Open(t).(*redis.Client)
	return rdb, os.Getenv(Backends[0].Env)
}

func openServer(t testing.TB, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("TCREDIT_REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	if err := flush(rdb); err != nil {
		t.Fatalf("TCREDIT_REDIS_URL must name a database the tests may empty: %v", err)
	}
	return rdb
}

func openCluster(t testing.TB, addrs string) redis.UniversalClient {
	t.Helper()
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(addrs, ",")})
	t.Cleanup(func() { rdb.Close() })
	if err := flush(rdb); err != nil {
		t.Fatalf("TCREDIT_REDIS_CLUSTER must name the masters of a cluster the tests may empty: %v", err)
	}
	return rdb
}

// Flush deletes every key of rdb's database, on every master of a cluster: a
// Redis restarted without persistence.
func Flush(t testing.TB, rdb redis.UniversalClient) {
	t.Helper()
	if err := flush(rdb); err != nil {
		t.Fatalf("FLUSHDB: %v", err)
	}
}

func flush(rdb redis.UniversalClient) error {
	ctx := context.Background()
	if cluster, ok := rdb.(*redis.ClusterClient); ok {
		return cluster.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return c.FlushDB(ctx).Err() })
	}
	return rdb.FlushDB(ctx).Err()
}

// A Dialer opens the connections of a client to the node at addr.
type Dialer func(ctx context.Context, network, addr string) (net.Conn, error)

// NewClient returns a new client of the deployment of rdb, with its options, as
// another replica of a program would open; it is closed at the test's end. If dial
// is not nil, the client opens its connections with it.
func NewClient(t testing.TB, rdb redis.UniversalClient, dial Dialer) redis.UniversalClient {
	t.Helper()
	var c redis.UniversalClient
	switch rdb := rdb.(type) {
	case *redis.Client:
		opt := *rdb.Options()
		if dial != nil {
			opt.Dialer = dial
		}
		c = redis.NewClient(&opt)
	case *redis.ClusterClient:
		opt := *rdb.Options()
		if dial != nil {
			opt.Dialer = dial
		}
		c = redis.NewClusterClient(&opt)
	default:
		t.Fatalf("redistest: a client of type %T", rdb)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Keys returns the sorted names of the keys that match pattern, on every master of
// a cluster.
func Keys(t testing.TB, rdb redis.UniversalClient, pattern string) []string {
	t.Helper()
	ctx := context.Background()
	var (
		mu   sync.Mutex // ForEachMaster asks the masters at once
		keys []string
	)
	collect := func(c redis.Cmdable) error {
		found, err := c.Keys(ctx, pattern).Result()
		mu.Lock()
		keys = append(keys, found...)
		mu.Unlock()
		return err
	}
	var err error
	if cluster, ok := rdb.(*redis.ClusterClient); ok {
		err = cluster.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return collect(c) })
	} else {
		err = collect(rdb)
	}
	if err != nil {
		t.Fatalf("KEYS %s: %v", pattern, err)
	}
	sort.Strings(keys)
	return keys
}

// URL returns TCREDIT_REDIS_URL, without touching the database. Without the variable
// the test is skipped, or fails under CI=true.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("TCREDIT_REDIS_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TCREDIT_REDIS_URL is not set: CI must start a redis-server (.ci/run does)")
		}
		t.Skip("no Redis: set TCREDIT_REDIS_URL=redis://127.0.0.1:6379/15 (a database the test may empty) to run this test")
	}
	return url
}
