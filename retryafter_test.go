package tcredit

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		status int
		value  string
		want   time.Duration
	}{
		{"429 seconds", http.StatusTooManyRequests, "3", 3 * time.Second},
		{"503 seconds", http.StatusServiceUnavailable, " 120 ", 2 * time.Minute},
		{"503 HTTP date", http.StatusServiceUnavailable, now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"date in the past", http.StatusServiceUnavailable, now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"negative", http.StatusTooManyRequests, "-5", 0},
		{"garbage", http.StatusTooManyRequests, "soon", 0},
		{"absent", http.StatusTooManyRequests, "", 0},
		{"502 is not asked", http.StatusBadGateway, "3", 0},
		{"200 is not asked", http.StatusOK, "3", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			if tt.value != "" {
				resp.Header.Set("Retry-After", tt.value)
			}
			assert.Equal(t, tt.want, retryAfter(resp, now))
		})
	}
}

// retryLog records the waits the client's "tcredit retry" logs announce.
type retryLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (l *retryLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *retryLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *retryLog) WithGroup(string) slog.Handler            { return l }
func (l *retryLog) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "backoff" {
			l.mu.Lock()
			l.waits = append(l.waits, a.Value.Duration())
			l.mu.Unlock()
		}
		return true
	})
	return nil
}

// respondThen answers a Retry-After response first, then body.
func respondThen(status int, retryAfter string, body []byte) []httpmock.Responder {
	busy := httpmock.NewStringResponse(status, "slow down")
	busy.Header.Set("Retry-After", retryAfter)
	return []httpmock.Responder{httpmock.ResponderFromResponse(busy), httpmock.NewBytesResponder(http.StatusOK, body)}
}

func TestRetryAfterDelaysARead(t *testing.T) {
	log := &retryLog{}
	c, mt := newMockClient(t, WithLogger(slog.New(log)),
		WithRetry(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Second}))
	r := record(mt, "getFundB", respondThen(http.StatusTooManyRequests, "1", envelopeJSON(0, "", "s1", `{"code":10001}`))...)

	res, err := c.GetFund(context.Background(), "T1")
	require.NoError(t, err)
	assert.Equal(t, CodeLoggingIn, res.Code)
	assert.Equal(t, 2, r.calls())
	assert.Equal(t, []time.Duration{time.Second}, log.waits, "the retry waits what Retry-After said, not the 1ms backoff")
}

func TestRetryAfterBeyondThePolicyOrTheContext(t *testing.T) {
	tests := []struct {
		name     string
		after    string
		maxDelay time.Duration
		timeout  time.Duration
	}{
		{"longer than MaxDelay", "60", 2 * time.Second, time.Minute},
		{"past the context's deadline", "1", 2 * time.Second, 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMockClient(t, WithRetry(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: tt.maxDelay}))
			r := record(mt, "getFundB", respondThen(http.StatusServiceUnavailable, tt.after, envelopeJSON(0, "", "s1", `{"code":10001}`))...)
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()

			_, err := c.GetFund(ctx, "T1")
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, http.StatusServiceUnavailable, re.HTTPStatus)
			assert.Equal(t, 1, r.calls(), "no retry sooner than asked")
			assert.NoError(t, ctx.Err(), "the call returned at once, without waiting")
		})
	}
}

func TestRetryAfterNeverResendsACreate(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			c, mt := newMockClient(t)
			r := record(mt, "createFundSearchTaskB", respondThen(status, "0", envelopeJSON(0, "", "s1", `{"success":true,"tid":"T1"}`))...)

			_, err := c.CreateTask(context.Background(), CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "a", Password: "p"})
			require.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.Equal(t, 1, r.calls(), "a billed call is sent once")
		})
	}
}
