package tcredit_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

func TestNoGoroutineOutlivesItsCall(t *testing.T) {
	srv := tcredittest.NewServer(tcredittest.WithStep(time.Millisecond))
	defer srv.Close()
	tests := []struct {
		name string
		hc   *http.Client // nil: the default one
	}{
		{"default transport", nil},
		{"an HTTP client with a Timeout", &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []tcredit.Option{tcredit.WithBaseURL(srv.URL)}
			if tt.hc != nil {
				opts = append(opts, tcredit.WithHTTPClient(tt.hc))
			}
			client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), opts...)
			require.NoError(t, err)
			ctx := context.Background()
			tid, err := client.CreateTask(ctx, tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "demo-success", Password: "pw", SubArea: "1"})
			require.NoError(t, err)
			before := goleak.IgnoreCurrent()

			const workers, calls = 4, 1000
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range calls / workers {
						_, err := client.GetFund(ctx, tid)
						assert.NoError(t, err)
					}
				}()
			}
			wg.Wait()

			// Once the pool's idle connections are closed, every goroutine the calls
			// started has ended: none outlives its call. goleak waits for the
			// connections the pool did not keep to wind down.
			client.CloseIdleConnections()
			goleak.VerifyNone(t, before)
		})
	}
}
