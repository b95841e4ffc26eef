package tcredit

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingLimiter lets every request through and counts the waits.
type countingLimiter struct{ waits atomic.Int32 }

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	return ctx.Err()
}

// closedLimiter lets no request through: it waits for the context's end.
type closedLimiter struct{}

func (closedLimiter) Wait(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestRateLimiterIsWaitedOnBeforeEveryAttempt(t *testing.T) {
	l := &countingLimiter{}
	c, mt := newMockClient(t, WithRateLimiter(l))
	r := record(mt, "getFundB",
		httpmock.NewStringResponder(http.StatusBadGateway, "<html>bad gateway</html>"),
		httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(int(StatusBusy), "系统繁忙", "s1", "null")),
		httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(0, "", "s2", `{"code":10001}`)))

	_, err := c.GetFund(context.Background(), "T1")
	require.NoError(t, err)
	assert.Equal(t, 3, r.calls())
	assert.EqualValues(t, 3, l.waits.Load(), "one wait per attempt, retries included")
}

func TestRateLimiterCancelledWaitSendsNothing(t *testing.T) {
	tests := []struct {
		name     string
		endpoint string
		call     func(ctx context.Context, c *Client) error
	}{
		{"read", "getFundB", func(ctx context.Context, c *Client) error { _, err := c.GetFund(ctx, "T1"); return err }},
		{"create", "createFundSearchTaskB", func(ctx context.Context, c *Client) error {
			_, err := c.CreateTask(ctx, CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "a", Password: "p"})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMockClient(t, WithRateLimiter(closedLimiter{}))
			r := recordBody(mt, tt.endpoint, http.StatusOK, envelopeJSON(0, "", "s1", `{"code":10001,"success":true,"tid":"T1"}`))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()

			err := tt.call(ctx, c)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			assert.NotErrorIs(t, err, ErrOutcomeUnknown, "nothing was sent: the outcome is known")
			assert.Zero(t, r.calls())
		})
	}
}

func TestWithRateLimiterRefusesNil(t *testing.T) {
	_, err := NewClient(testAppID, testTokenID, WithRateLimiter(nil))
	assert.Error(t, err)
}
