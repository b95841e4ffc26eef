// Package redistest finds the redis-server the tests of the module run against.
package redistest

import (
	"context"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Client returns a client of the redis-server named by TCREDIT_REDIS_URL, and the
// URL, with its database emptied; the client is closed at the test's end. Without
// the variable the test is skipped, or fails under CI=true.
func Client(t testing.TB) (*redis.Client, string) {
	t.Helper()
	url := URL(t)
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("TCREDIT_REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("TCREDIT_REDIS_URL must name a database the tests may empty: %v", err)
	}
	return rdb, url
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
