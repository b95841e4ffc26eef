package tcredit

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A 5xx whose body is the API's own JSON (or a 504: the gateway forwarded the request
// and timed out) says the request reached the API: the code may have been taken, and
// the person is not asked for another one.
func TestAPIAnswered5xxIsNotAskedAgain(t *testing.T) {
	for name, answer := range map[string]struct {
		status int
		body   string
	}{
		"500 with the API's JSON": {500, `{"status":1,"message":"系统错误","seqNum":"1"}`},
		"504 gateway timeout":     {504, `<html><body>504 Gateway Time-out</body></html>`},
	} {
		t.Run(name, func(t *testing.T) {
			var submits atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				switch {
				case strings.HasSuffix(r.URL.Path, "fundUserCode"):
					submits.Add(1)
					w.WriteHeader(answer.status)
					_, _ = io.WriteString(w, answer.body)
				default: // the provider has not moved the task yet
					_, _ = io.WriteString(w, `{"status":0,"seqNum":"1","data":{"tid":"T","code":10003}}`)
				}
			}))
			defer srv.Close()
			c, err := NewClient(testAppID, testTokenID, WithBaseURL(srv.URL), WithRetry(testRetry))
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			var asks atomic.Int64
			_, _ = c.Wait(ctx, "T", WithPollInterval(time.Millisecond, 2*time.Millisecond),
				WithCodeProvider(func(ctx context.Context, ch Challenge) (string, error) {
					return fmt.Sprint(123456 + asks.Add(1)), nil
				}))
			assert.EqualValues(t, 1, asks.Load(), "the person was asked again although the API may have taken the code")
			assert.EqualValues(t, 1, submits.Load(), "codes submitted")
		})
	}
}
