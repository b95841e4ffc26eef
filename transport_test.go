package tcredit_test

import (
	"context"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// settledGoroutines returns the number of goroutines once it stops falling.
func settledGoroutines() int {
	n := runtime.NumGoroutine()
	for range 50 {
		time.Sleep(2 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m >= n {
			return m
		}
		n = m
	}
	return n
}

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
			base := settledGoroutines()

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

			// What stays is the pool of connections, at most one per worker: the
			// transport's two goroutines and the server's one for each. Connections
			// the pool did not keep take a moment to wind down on a loaded machine.
			limit := base + 3*workers
			assert.Eventually(t, func() bool { return settledGoroutines() <= limit }, 5*time.Second, 10*time.Millisecond,
				"goroutines after %d calls: %d, want at most %d", calls, runtime.NumGoroutine(), limit)
			client.CloseIdleConnections()
			goleak.VerifyNone(t, before)
		})
	}
}
