package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Limit is a rate: Requests every Per, of which at most Burst at once (1 when Burst
// is less than 1).
type Limit struct {
	Requests int
	Per      time.Duration
	Burst    int
}

// Limiter is a tcredit.RateLimiter shared by every process that uses the same Redis
// and prefix: together they send no more than its Limit, so that several replicas of a
// service stay under the rate the provider allows.
//
//	limiter := redisstore.NewLimiter(rdb, redisstore.Limit{Requests: 5, Per: time.Second})
//	client, err := tcredit.NewClient(appID, tokenID, tcredit.WithRateLimiter(limiter))
//
// The limit is the generic cell rate algorithm of github.com/go-redis/redis_rate,
// counted in one key ("rate:" + prefix + "ratelimit"), a script reading Redis's own
// clock, so that the replicas' clocks need not agree; a denied request takes nothing
// from the budget. A Wait that Redis cannot answer fails, and the request is not sent.
type Limiter struct {
	rl    *redis_rate.Limiter
	key   string
	limit redis_rate.Limit
}

// NewLimiter returns the Limiter of limit on rdb. Its only option is WithPrefix.
func NewLimiter(rdb redis.UniversalClient, limit Limit, opts ...Option) *Limiter {
	cfg := newConfig(opts)
	return &Limiter{
		rl:    redis_rate.NewLimiter(rdb),
		key:   cfg.prefix + "ratelimit",
		limit: redis_rate.Limit{Rate: limit.Requests, Period: limit.Per, Burst: max(limit.Burst, 1)},
	}
}

// errLimitPastDeadline is the error of a Wait whose context ends before its turn.
var errLimitPastDeadline = errors.New("redisstore: rate limiter: the next turn comes after the context's deadline")

// Wait blocks until a request may be sent, asking Redis for a turn until it gets one.
// It returns at once with an error wrapping context.DeadlineExceeded when the next
// turn comes after ctx's deadline, and with Redis's error when Redis cannot answer.
func (l *Limiter) Wait(ctx context.Context) error {
	for {
		res, err := l.rl.Allow(ctx, l.key, l.limit)
		if err != nil {
			return fmt.Errorf("redisstore: rate limiter: %w", err)
		}
		if res.Allowed > 0 {
			return nil
		}
		wait := max(res.RetryAfter, time.Millisecond)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return fmt.Errorf("%w: %w", errLimitPastDeadline, context.DeadlineExceeded)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}
