package tcredit

import (
	"context"
	"errors"
)

// RateLimiter holds back requests to the API. Wait blocks until one request may be
// sent, or returns an error when none may (the context ended first). A
// *rate.Limiter of golang.org/x/time/rate is one; redisstore.Limiter shares one limit
// among several processes.
type RateLimiter interface {
	Wait(ctx context.Context) error
}

// WithRateLimiter makes every attempt of every call wait for l before it is sent, so
// that the client stays under the rate the provider allows (it answers status 10,
// busy, or 8, suspended, above it). A wait that fails sends nothing, and the call
// returns its error, wrapped; it is not retried.
func WithRateLimiter(l RateLimiter) Option {
	return func(c *Client) error {
		if l == nil {
			return errors.New("rate limiter is nil")
		}
		c.limiter = l
		return nil
	}
}

// waitLimiter waits for the client's rate limiter, if it has one.
func (c *Client) waitLimiter(ctx context.Context) error {
	if c.limiter == nil {
		return nil
	}
	return c.limiter.Wait(ctx)
}
