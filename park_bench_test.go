package tcredit_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tcredit-go/tcredit"
)

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
