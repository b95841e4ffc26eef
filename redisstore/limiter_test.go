package redisstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/redisstore"
	"github.com/tcredit-go/tcredit/redisstore/internal/redistest"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// Every replica of a service sends at most 5 requests a second to the API, together.
func ExampleNewLimiter() {
	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
	limiter := redisstore.NewLimiter(rdb, redisstore.Limit{Requests: 5, Per: time.Second})
	client, err := tcredit.NewClient(os.Getenv("TCREDIT_APP_ID"), os.Getenv("TCREDIT_TOKEN_ID"), tcredit.WithRateLimiter(limiter))
	if err != nil {
		log.Fatal(err)
	}
	_ = client
}

// limiterRedis returns where the limiter tests count: the server of TCREDIT_REDIS_URL,
// in the database before the URL's (15: 14), and a prefix of the test's own, whose key
// is deleted at its end. They run for seconds while the tests of other packages count
// the keys of the URL's database and empty it: they neither add to it nor empty it.
func limiterRedis(t *testing.T) (*redis.Options, string) {
	t.Helper()
	opt, err := redis.ParseURL(redistest.URL(t))
	require.NoError(t, err)
	opt.DB = (opt.DB + 15) % 16
	prefix := fmt.Sprintf("limitertest:%s:%d:", t.Name(), time.Now().UnixNano())
	t.Cleanup(func() {
		rdb := redis.NewClient(opt)
		defer rdb.Close()
		rdb.Del(context.Background(), "rate:"+prefix+"ratelimit")
	})
	return opt, prefix
}

// limitedReplica is one process of a service whose calls wait for the limiter shared
// on Redis; each replica has a connection of its own.
func limitedReplica(t *testing.T, opt *redis.Options, prefix string, sandbox *tcredittest.Server, limit redisstore.Limit) *tcredit.Client {
	t.Helper()
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	limiter := redisstore.NewLimiter(rdb, limit, redisstore.WithPrefix(prefix))
	c, err := tcredit.NewClient(sandbox.AppID(), sandbox.TokenID(), tcredit.WithBaseURL(sandbox.URL),
		tcredit.WithRateLimiter(limiter), tcredit.WithCache(0))
	require.NoError(t, err)
	return c
}

// The replicas share one budget: a burst of 3 a minute lets three calls through, from
// either replica, and holds the fourth, which is not sent.
func TestLimiterIsSharedByTheReplicas(t *testing.T) {
	opt, prefix := limiterRedis(t)
	sandbox := tcredittest.NewServer()
	defer sandbox.Close()
	limit := redisstore.Limit{Requests: 1, Per: time.Minute, Burst: 3}
	a, b := limitedReplica(t, opt, prefix, sandbox, limit), limitedReplica(t, opt, prefix, sandbox, limit)
	ctx := context.Background()

	for _, c := range []*tcredit.Client{a, b, a} {
		_, err := c.Cities(ctx)
		require.NoError(t, err)
	}
	require.Len(t, sandbox.Requests(), 3)

	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err := b.Cities(short)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, tcredit.ErrOutcomeUnknown)
	assert.Len(t, sandbox.Requests(), 3, "a request held by the limiter is not sent")
	assert.NoError(t, short.Err(), "the wait gave up at once: its turn comes after the deadline")
}

func TestLimiterWaitEndsWithItsContext(t *testing.T) {
	opt, prefix := limiterRedis(t)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	limiter := redisstore.NewLimiter(rdb, redisstore.Limit{Requests: 1, Per: time.Hour}, redisstore.WithPrefix(prefix))
	ctx := context.Background()
	require.NoError(t, limiter.Wait(ctx))

	cancelled, cancel := context.WithCancel(ctx)
	time.AfterFunc(20*time.Millisecond, cancel)
	assert.ErrorIs(t, limiter.Wait(cancelled), context.Canceled)
}

// Without Redis no turn is given: the request is not sent.
func TestLimiterFailsClosed(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	defer rdb.Close()
	limiter := redisstore.NewLimiter(rdb, redisstore.Limit{Requests: 100, Per: time.Second})
	sandbox := tcredittest.NewServer()
	defer sandbox.Close()
	c, err := tcredit.NewClient(sandbox.AppID(), sandbox.TokenID(), tcredit.WithBaseURL(sandbox.URL), tcredit.WithRateLimiter(limiter))
	require.NoError(t, err)

	_, err = c.Cities(context.Background())
	require.Error(t, err)
	assert.Empty(t, sandbox.Requests())
}

// Two replicas sharing 5 calls a second make 50 calls in no less than 9 seconds (49
// intervals of 200ms). It takes 10s, and is skipped by go test -short.
func TestLimiterHoldsFiftyCallsAtFivePerSecond(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 10s")
	}
	opt, prefix := limiterRedis(t)
	sandbox := tcredittest.NewServer()
	defer sandbox.Close()
	limit := redisstore.Limit{Requests: 5, Per: time.Second}
	replicas := []*tcredit.Client{limitedReplica(t, opt, prefix, sandbox, limit), limitedReplica(t, opt, prefix, sandbox, limit)}

	start := time.Now()
	var wg sync.WaitGroup
	for _, c := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				_, err := c.Cities(context.Background())
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("50 calls at 5/s across 2 replicas: %v", elapsed)
	assert.Len(t, sandbox.Requests(), 50)
	assert.GreaterOrEqual(t, elapsed, 9*time.Second)
}
