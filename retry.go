package tcredit

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/tcredit-go/tcredit/internal/wire"
)

// RetryPolicy says how a Client repeats a call that failed for a passing reason.
//
// Reads (Cities, CityParams, GetFund) are repeated after a network error, an HTTP 5xx
// or 429, a body that is not JSON or was cut short, and status 10 (busy). A redirect is
// never followed nor repeated. CreateTask, which is billed,
// and SubmitCode, which spends one of the person's attempts, are repeated only when the
// server certainly did not act: status 10, or a connection that failed before the
// request was written. Otherwise they return an error matching ErrOutcomeUnknown.
//
// Waits grow exponentially from BaseDelay up to MaxDelay, with random jitter, and never
// past the context's deadline. Across the client, retries draw on a budget that
// successes refill, so that an outage does not multiply the traffic sent to it.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, the first included; 1 turns retries off
	BaseDelay   time.Duration // the wait before the second attempt, on average
	MaxDelay    time.Duration // the longest wait between two attempts
}

// DefaultRetryPolicy is the policy of a Client made without WithRetry.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 4, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second}

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

// ErrOutcomeUnknown is matched by the error of a CreateTask or SubmitCode call whose
// request may have reached the server although no answer came back. The call is not
// repeated: a second CreateTask would create, and bill, a second task. Look the task up
// by its tid where one is known, or ask the person to start again.
var ErrOutcomeUnknown = errors.New("tcredit: outcome unknown: the request may have been processed")

// UnknownOutcomeError is the error of a call whose outcome is unknown. It matches
// ErrOutcomeUnknown, and unwraps to what went wrong.
type UnknownOutcomeError struct {
	Endpoint string // the endpoint's name
	TID      string // the task concerned, when known
	Err      error  // what went wrong: a network error, a timeout, an unreadable response
}

// Error says that the call was not repeated, with the task if known and the cause.
func (e *UnknownOutcomeError) Error() string {
	msg := "tcredit: " + e.Endpoint + ": outcome unknown (not retried"
	if e.TID != "" {
		msg += ", task " + e.TID
	}
	return msg + "): " + e.Err.Error()
}

// Is matches ErrOutcomeUnknown.
func (e *UnknownOutcomeError) Is(target error) bool { return target == ErrOutcomeUnknown }

// Unwrap returns what went wrong.
func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

// classify says whether a failed attempt may be repeated, and why. A timeout of the
// HTTP client is a network error like any other; the end of ctx is not. For a call that must
// not be repeated once sent, it also turns an error of unknown outcome into an
// *UnknownOutcomeError.
func classify(ctx context.Context, ep endpoint, err error) (reason string, retry bool, out error) {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.Status == StatusBusy:
			return "status 10 (busy)", true, err
		case apiErr.Status == StatusProcessing && ep.unsafe:
			// "Still processing" a create or a code: it may yet take effect.
			return "", false, &UnknownOutcomeError{Endpoint: ep.name, Err: err}
		}
		return "", false, err
	}
	var te *transportError
	if errors.As(err, &te) {
		if ctx.Err() != nil { // the caller gave up: no retry
			if ep.unsafe && te.sent {
				return "", false, &UnknownOutcomeError{Endpoint: ep.name, Err: err}
			}
			return "", false, err
		}
		if !ep.unsafe || !te.sent {
			return "network error", true, err
		}
		return "", false, &UnknownOutcomeError{Endpoint: ep.name, Err: err}
	}
	var re *ResponseError
	if errors.As(err, &re) {
		if ep.unsafe {
			return "", false, &UnknownOutcomeError{Endpoint: ep.name, Err: err}
		}
		var cut *cutBodyError
		switch {
		case ctx.Err() != nil: // the caller gave up: no retry
			return "", false, err
		case errors.As(re.Err, &cut):
			return "body cut short", true, err
		case re.HTTPStatus >= 500:
			return "HTTP " + http.StatusText(re.HTTPStatus), true, err
		case re.HTTPStatus == http.StatusTooManyRequests:
			return "HTTP 429", true, err
		case re.HTTPStatus == http.StatusOK && isSyntaxErr(re.Err):
			return "unreadable body", true, err
		}
	}
	return "", false, err
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
