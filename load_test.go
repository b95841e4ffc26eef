package tcredit_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/internal/fakefund"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// loadQueries is how many queries the load test runs at once on one Client.
const loadQueries = 1000

// TestLoadOneClient runs 1,000 concurrent queries on one Client with its default
// transport against the sandbox on loopback: every one gets its own account's report,
// the connections are reused, exactly 1,000 tasks are billed, and the goroutines come
// back to where they were.
func TestLoadOneClient(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	baseline := goleak.IgnoreCurrent()

	// The reports end in 2017-07, as fakefund's do by default.
	start, day := time.Now(), time.Date(2017, 8, 15, 10, 0, 0, 0, time.UTC)
	h := tcredittest.NewHandler(tcredittest.WithStep(5*time.Millisecond),
		tcredittest.WithClock(func() time.Time { return day.Add(time.Since(start)) }))
	// Connections accepted in all, and open at once at the most: a connection the
	// server or the network closes is replaced, but never more than the pool at once.
	var accepted, open, mostOpen atomic.Int32
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			accepted.Add(1)
			n := open.Add(1)
			for m := mostOpen.Load(); n > m && !mostOpen.CompareAndSwap(m, n); m = mostOpen.Load() {
			}
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	ts.Start()
	for i := 0; i < loadQueries; i++ {
		h.AddAccount(tcredittest.Account{
			Login:    fmt.Sprintf("load-%04d", i),
			Scenario: tcredittest.ScenarioSuccess,
			Report:   tcredittest.Report{Seed: int64(i + 1), Months: 24},
		})
	}

	client, err := tcredit.NewClient(h.AppID(), h.TokenID(), tcredit.WithBaseURL(ts.URL))
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	results := make([]*tcredit.FundResult, loadQueries)
	errs := make([]error, loadQueries)
	var wg sync.WaitGroup
	for i := 0; i < loadQueries; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], errs[i] = client.Query(ctx, login(fmt.Sprintf("load-%04d", i)),
				tcredit.WithPollInterval(20*time.Millisecond, 100*time.Millisecond))
		}(i)
	}
	wg.Wait()

	for i := 0; i < loadQueries; i++ {
		require.NoError(t, errs[i], "query %d", i)
		require.Equal(t, tcredit.CodeDone, results[i].Code)
		want := fakefund.Generate(fakefund.Profile{Seed: int64(i + 1), Months: 24}).Truth
		require.Equal(t, tcredit.Amount(want.FinalBalance), results[i].BaseInfo.HouseFundBalance, "query %d got its own report", i)
	}
	assert.Equal(t, loadQueries, h.Billed(h.AppID()))
	assert.LessOrEqual(t, int(mostOpen.Load()), 64, "no more connections at once than the transport's pool")
	assert.Less(t, int(accepted.Load()), len(h.Requests())/10, "connections reused")
	t.Logf("%d queries, %d TCP connections (%d at once at the most), %d requests",
		loadQueries, accepted.Load(), mostOpen.Load(), len(h.Requests()))

	client.CloseIdleConnections()
	ts.Close()
	h.Close()
	goleak.VerifyNone(t, baseline) // it retries while goroutines wind down
}
