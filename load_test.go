package tcredit_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
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

// parkedWaits is how many waits BenchmarkParkedWait parks at once.
const parkedWaits = 10_000

// runningServer answers every getFundB with a task still running (10001), and counts
// the answers.
func runningServer(b *testing.B, answered *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		fmt.Fprintf(w, `{"status":0,"message":"查询成功","seqNum":"1","data":{"code":10001,"msg":"登录中","tid":%q}}`, r.PostForm.Get("tid"))
		answered.Add(1)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// measureParked parks parkedWaits waits started by wait (each on its own tid, polled
// once and then parked for an hour), and reports the heap, stack and goroutines each
// holds, once the first poll of every one was answered and the idle connections closed.
// The waits are started 100 at a time, so that neither side opens 10,000 connections.
func measureParked(b *testing.B, answered *atomic.Int64, closeIdle func(), wait func(ctx context.Context, tid string)) {
	endedGoroutines(parkedWaits + 1000)
	for range b.N {
		answered.Store(0)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		g0 := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for i := range parkedWaits {
			wg.Add(1)
			go func() {
				defer wg.Done()
				wait(ctx, fmt.Sprintf("%032x", i))
			}()
			if (i+1)%100 == 0 {
				for answered.Load() < int64(i+1) {
					time.Sleep(time.Millisecond)
				}
			}
		}
		time.Sleep(200 * time.Millisecond) // the last answers decoded, every wait parked
		closeIdle()
		time.Sleep(100 * time.Millisecond)
		runtime.GC()
		runtime.GC() // a second cycle: the stacks halved again where they can be
		runtime.ReadMemStats(&after)
		g1 := runtime.NumGoroutine()
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/parkedWaits, "heap-B/wait")
		b.ReportMetric(float64(int64(after.StackInuse)-int64(before.StackInuse))/parkedWaits, "stack-B/wait")
		b.ReportMetric(float64(g1-g0)/parkedWaits, "goroutines/wait")
		cancel()
		wg.Wait()
	}
}

// endedGoroutines starts n goroutines and ends them. The runtime keeps the record of an
// ended goroutine for the next one it starts: after this, neither benchmark counts the
// records of its goroutines while the other, run before it in the same process, reuses
// those it left.
func endedGoroutines(n int) {
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-release
		}()
	}
	close(release)
	wg.Wait()
}

// BenchmarkParkedWait parks 10,000 Client.Wait calls between two polls.
func BenchmarkParkedWait(b *testing.B) {
	var answered atomic.Int64
	srv := runningServer(b, &answered)
	client, err := tcredit.NewClient("APP", "TOKEN-123", tcredit.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	measureParked(b, &answered, func() {
		client.CloseIdleConnections()
		srv.CloseClientConnections()
	}, func(ctx context.Context, tid string) {
		_, _ = client.Wait(ctx, tid, tcredit.WithPollInterval(time.Hour, time.Hour))
	})
}

// BenchmarkParkedWaitBaseline parks 10,000 hand-written pollers: a goroutine each, a
// timer, md5, http.PostForm and encoding/json.
func BenchmarkParkedWaitBaseline(b *testing.B) {
	var answered atomic.Int64
	srv := runningServer(b, &answered)
	endpoint := srv.URL + "/identity/getFundB"
	measureParked(b, &answered, func() {
		http.DefaultClient.CloseIdleConnections()
		srv.CloseClientConnections()
	}, func(ctx context.Context, tid string) {
		for {
			sum := md5.Sum([]byte(endpoint + "TOKEN-123" + "tid=" + tid))
			resp, err := http.PostForm(endpoint, url.Values{"tid": {tid}, "appId": {"APP"}, "tokenKey": {hex.EncodeToString(sum[:])}})
			if err != nil {
				return
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			var env struct {
				Status int `json:"status"`
				Data   struct {
					Code int `json:"code"`
				} `json:"data"`
			}
			if err != nil || json.Unmarshal(body, &env) != nil || env.Status != 0 || env.Data.Code >= 40000 {
				return
			}
			timer := time.NewTimer(time.Hour)
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case <-timer.C:
			}
		}
	})
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
