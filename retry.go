package tcredit

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tcredit-go/tcredit/internal/wire"
)

// RetryPolicy says how a Client repeats a call that failed for a passing reason.
//
// Reads (Cities, LoginMethods, GetFund) are repeated after a network error, an HTTP 5xx
// or 429, a body that is not JSON or was cut short, and status 10 (busy). A redirect is
// never followed nor repeated. CreateTask, which is billed,
// and SubmitCode, which spends one of the person's attempts, are repeated only when the
// server certainly did not act: status 10, or a connection that failed before the
// request was written. Otherwise they return an error matching ErrOutcomeUnknown.
//
// Waits grow exponentially from BaseDelay up to MaxDelay, with random jitter, and never
// past the context's deadline. A 429 or 503 whose Retry-After header (in seconds or an
// HTTP date) asks for a longer wait is retried after that wait, unless it is longer
// than MaxDelay or outlasts the context: the call then returns the error at once. Across the client, retries draw on a budget that
// successes refill, so that an outage does not multiply the traffic sent to it.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, the first included; 1 turns retries off
	BaseDelay   time.Duration // the wait before the second attempt, on average
	MaxDelay    time.Duration // the longest wait between two attempts
}

// DefaultRetryPolicy returns the policy of a Client made without WithRetry: four
// attempts in all, waits from 200ms up to 5s. Change a field of its result and pass it
// to WithRetry to keep the rest.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 4, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second}
}

// WithRetry sets the client's retry policy. MaxAttempts must be at least 1 and the
// delays must not be negative.
func WithRetry(p RetryPolicy) Option {
	return func(c *Client) error {
		if p.MaxAttempts < 1 {
			return errors.New("retry policy: MaxAttempts must be at least 1")
		}
		if p.BaseDelay < 0 || p.MaxDelay < 0 {
			return errors.New("retry policy: delays must not be negative")
		}
		if p.MaxDelay < p.BaseDelay {
			p.MaxDelay = p.BaseDelay
		}
		c.retry = p
		return nil
	}
}

// backoff returns the wait after the given failed attempt (1 for the first): the capped
// exponential delay, of which the upper half is random.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.MaxDelay
	if shift := attempt - 1; shift < 30 {
		if exp := p.BaseDelay << shift; exp < d {
			d = exp
		}
	}
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// delay returns the wait after the given failed attempt, which failed with err: what
// the server asked for with Retry-After (asked is then true) when that is longer than
// the backoff, the backoff otherwise.
func (p RetryPolicy) delay(attempt int, err error) (d time.Duration, asked bool) {
	d = p.backoff(attempt)
	var re *ResponseError
	if errors.As(err, &re) && re.retryAfter > d {
		return re.retryAfter, true
	}
	return d, false
}

// retryAfter is the wait a 429 or 503 response asks for in its Retry-After header, in
// seconds or as an HTTP date, or 0 when it asks for none (or for one in the past).
func retryAfter(resp *http.Response, now time.Time) time.Duration {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// retryable reports whether a failed attempt may be repeated, and why. A timeout of
// the HTTP client is a network error like any other; the end of ctx is not. A call that
// must not be repeated once sent (ep.unsafe) is repeated only when the server certainly
// did not act on it: status 10, or a request that never left.
func retryable(ctx context.Context, ep endpoint, err error) (reason string, ok bool) {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		if apiErr.Status == StatusBusy {
			return "status 10 (busy)", true
		}
		return "", false
	}
	if ctx.Err() != nil { // the caller gave up: no retry
		return "", false
	}
	var te *transportError
	if errors.As(err, &te) {
		if ep.unsafe && te.sent {
			return "", false
		}
		return "network error", true
	}
	var re *ResponseError
	if !errors.As(err, &re) || ep.unsafe {
		return "", false
	}
	var cut *cutBodyError
	switch {
	case errors.As(re.Err, &cut):
		return "body cut short", true
	case re.HTTPStatus >= 500:
		return "HTTP " + http.StatusText(re.HTTPStatus), true
	case re.HTTPStatus == http.StatusTooManyRequests:
		return "HTTP 429", true
	case re.HTTPStatus == http.StatusOK && isSyntaxErr(re.Err):
		return "unreadable body", true
	}
	return "", false
}

// outcome returns the error a call ends with after err: for a call that must not be
// repeated once sent, an *UnknownOutcomeError when the server may have acted on it;
// err itself otherwise.
func outcome(ep endpoint, err error) error {
	if ep.unsafe && mayHaveActed(err) {
		return &UnknownOutcomeError{Endpoint: ep.name, Err: err}
	}
	return err
}

// mayHaveActed reports whether the server may have acted on a request that failed with
// err: it said it is still processing it, or the request was sent and no readable
// answer came back.
func mayHaveActed(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Status == StatusProcessing
	}
	var te *transportError
	if errors.As(err, &te) {
		return te.sent
	}
	var re *ResponseError
	return errors.As(err, &re)
}

// isSyntaxErr reports whether err says a body was not JSON at all (as opposed to a
// value that could not be read, which a retry would not change).
func isSyntaxErr(err error) bool {
	var we *wire.Error
	return errors.As(err, &we) && we.Path == ""
}

// budget limits retries across a client: each retry spends tokens, each success gives
// one back.
type budget struct {
	mu     sync.Mutex
	tokens int
}

const (
	budgetMax       = 100
	budgetRetryCost = 5
)

func newBudget() *budget { return &budget{tokens: budgetMax} }

// spend takes the cost of one retry and reports whether there was enough.
func (b *budget) spend() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < budgetRetryCost {
		return false
	}
	b.tokens -= budgetRetryCost
	return true
}

// refill gives one token back after a successful call.
func (b *budget) refill() {
	b.mu.Lock()
	if b.tokens < budgetMax {
		b.tokens++
	}
	b.mu.Unlock()
}
