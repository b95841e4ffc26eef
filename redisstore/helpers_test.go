package redisstore_test

import (
	"context"
	"os"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// miniRedis returns a client of an in-process miniredis, for fast unit tests.
func miniRedis(t *testing.T) (*redis.Client, *miniredis.Miniredis) {
	t.Helper()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return rdb, m
}

// realRedis returns a client of the redis-server named by TCREDIT_REDIS_URL, with
// its database emptied. Without it the test is skipped, or fails under CI=true.
func realRedis(t *testing.T) (*redis.Client, string) {
	t.Helper()
	url := os.Getenv("TCREDIT_REDIS_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TCREDIT_REDIS_URL is not set: CI must start a redis-server (.ci/run does)")
		}
		t.Skip("no Redis: set TCREDIT_REDIS_URL=redis://127.0.0.1:6379/15 (a database the test may empty) to run this test")
	}
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	require.NoError(t, rdb.FlushDB(context.Background()).Err(), "TCREDIT_REDIS_URL must name a database the tests may empty")
	return rdb, url
}
