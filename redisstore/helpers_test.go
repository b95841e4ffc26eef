package redisstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/tcredit-go/tcredit/redisstore/internal/redistest"
)

// miniRedis returns a client of an in-process miniredis, for fast unit tests.
func miniRedis(t *testing.T) (*redis.Client, *miniredis.Miniredis) {
	t.Helper()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	minis.Store(rdb, m)
	t.Cleanup(func() {
		minis.Delete(rdb)
		rdb.Close()
	})
	return rdb, m
}

// minis maps the clients miniRedis returned to their servers.
var minis sync.Map

// elapse lets d pass for the keys of rdb: it fast-forwards a miniredis, which
// expires keys only when told, and sleeps on a real Redis.
func elapse(rdb redis.UniversalClient, d time.Duration) {
	if m, ok := minis.Load(rdb); ok {
		m.(*miniredis.Miniredis).FastForward(d)
		return
	}
	time.Sleep(d)
}

// eachRedis runs f as a subtest on miniredis, then on a redis-server and on a Redis
// Cluster (redistest.Each).
func eachRedis(t *testing.T, f func(t *testing.T, rdb redis.UniversalClient)) {
	t.Helper()
	t.Run("miniredis", func(t *testing.T) {
		rdb, _ := miniRedis(t)
		f(t, rdb)
	})
	redistest.Each(t, f)
}
