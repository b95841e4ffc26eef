package replicatest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/redisstore"
	"github.com/tcredit-go/tcredit/redisstore/internal/redistest"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// flowServer serves the H5 flow on store, in front of a sandbox whose tasks end
// within milliseconds.
func flowServer(t testing.TB, store h5.SessionStore) *httptest.Server {
	t.Helper()
	sandbox := tcredittest.NewServer(tcredittest.WithStep(time.Millisecond))
	t.Cleanup(sandbox.Close)
	client, err := tcredit.NewClient(sandbox.AppID(), sandbox.TokenID(), tcredit.WithBaseURL(sandbox.URL))
	require.NoError(t, err)
	flow := h5.NewHandler(client, h5.Options{Store: store, PollInterval: 100 * time.Millisecond, InsecureDevHTTP: true, NoConsent: true,
		QueryOptions: []tcredit.QueryOption{tcredit.WithPollInterval(5*time.Millisecond, 20*time.Millisecond)}})
	srv := httptest.NewServer(flow)
	t.Cleanup(func() {
		srv.Close()
		flow.Close()
	})
	return srv
}

// 10,000 login pages served leave Redis as it was: a GET stores nothing.
func TestLoginPagesStoreNothingInRedis(t *testing.T) {
	redistest.Each(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := context.Background()
		store := redisstore.New(rdb)
		_, err := store.SigningKeys(ctx) // made once, by the first replica's first page
		require.NoError(t, err)
		srv := flowServer(t, store)
		before := redistest.Keys(t, rdb, "*")

		for i := 0; i < 10_000; i++ {
			resp, err := srv.Client().Get(srv.URL + "/login?city=110100&type=1")
			require.NoError(t, err)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
		}
		require.Equal(t, before, redistest.Keys(t, rdb, "*"), "10,000 login pages, no key added")
	})
}

var tokenRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// session goes through one person's login: the form, then its post. It returns
// the time each page took.
func session(b *testing.B, c *http.Client, base string) (form, posted time.Duration) {
	start := time.Now()
	resp, err := c.Get(base + "/login?city=110100&type=1")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form = time.Since(start)
	m := tokenRE.FindSubmatch(body)
	if m == nil || len(resp.Cookies()) != 1 {
		b.Fatalf("no form: %d %s", resp.StatusCode, body)
	}
	v := url.Values{"csrf": {string(m[1])}, "city": {"110100"}, "type": {"1"},
		"f_account": {"demo-success"}, "f_password": {"pw"}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(resp.Cookies()[0])
	start = time.Now()
	resp, err = c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b.Fatalf("login posted: %d", resp.StatusCode)
	}
	return form, time.Since(start)
}

// BenchmarkSessions runs b.N logins (a form and its post: a session and a task
// each) through the memory store, the baseline, and through each Redis backend. It
// reports sessions/s, the p99 latency of a page, and on Redis the commands a session
// costs, from its form to its task's end (counted by a go-redis hook), and the bytes
// it takes (MEMORY USAGE of its key). Run it with -benchtime 10000x.
func BenchmarkSessions(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		runSessions(b, h5.NewMemoryStore(0), nil, nil)
	})
	for _, backend := range redistest.Backends {
		b.Run(backend.Name, func(b *testing.B) {
			rdb := backend.Open(b)
			commands := &commandCounter{}
			rdb.AddHook(commands)
			runSessions(b, redisstore.New(rdb), rdb, commands)
		})
	}
}

// commandCounter is a go-redis hook that counts the commands a client sends, each
// command of a pipeline as one.
type commandCounter struct{ n atomic.Int64 }

func (c *commandCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *commandCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}

func (c *commandCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

// settled returns the count once no command was sent for 300 ms: the tasks of the
// sessions have ended and their handlers have stopped following them.
func (c *commandCounter) settled() int64 {
	last := c.n.Load()
	for {
		time.Sleep(300 * time.Millisecond)
		now := c.n.Load()
		if now == last {
			return now
		}
		last = now
	}
}

func runSessions(b *testing.B, store h5.SessionStore, rdb redis.UniversalClient, commands *commandCounter) {
	srv := flowServer(b, store)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var mu sync.Mutex
	var pages []time.Duration
	b.SetParallelism(4)
	b.ResetTimer()
	start, cpu := time.Now(), cpuTime(b, rdb)
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			form, posted := session(b, c, srv.URL)
			mine = append(mine, form, posted)
		}
		mu.Lock()
		pages = append(pages, mine...)
		mu.Unlock()
	})
	elapsed, cpu := time.Since(start), cpuTime(b, rdb)-cpu
	b.StopTimer()
	sort.Slice(pages, func(i, j int) bool { return pages[i] < pages[j] })
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "sessions/s")
	b.ReportMetric(float64(pages[len(pages)*99/100].Microseconds())/1000, "p99-page-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/session")
	if rdb != nil {
		b.ReportMetric(float64(commands.settled())/float64(b.N), "cmds/session")
		b.ReportMetric(bytesPerSession(b, rdb), "bytes/session")
	}
}

// cpuTime returns the CPU time the process has used, and the Redis servers of rdb
// if not nil: the machine's work for the sessions, whether or not it runs them at
// once, on a machine that others share too.
func cpuTime(b *testing.B, rdb redis.UniversalClient) time.Duration {
	used := processCPU(b)
	if rdb == nil {
		return used
	}
	var mu sync.Mutex
	add := func(ctx context.Context, c *redis.Client) error {
		info, err := c.Info(ctx, "cpu").Result()
		if err != nil {
			return err
		}
		for _, line := range strings.Split(info, "\r\n") {
			name, value, _ := strings.Cut(line, ":")
			if name == "used_cpu_sys" || name == "used_cpu_user" {
				seconds, err := strconv.ParseFloat(value, 64)
				if err != nil {
					return err
				}
				mu.Lock()
				used += time.Duration(seconds * float64(time.Second))
				mu.Unlock()
			}
		}
		return nil
	}
	ctx := context.Background()
	var err error
	switch rdb := rdb.(type) {
	case *redis.ClusterClient:
		err = rdb.ForEachMaster(ctx, add) // node clients, which the hook does not count
	case *redis.Client:
		c := redis.NewClient(rdb.Options()) // a client the hook does not count
		defer c.Close()
		err = add(ctx, c)
	}
	if err != nil {
		b.Fatal(err)
	}
	return used
}

// bytesPerSession returns the mean MEMORY USAGE of up to 1,000 session keys.
func bytesPerSession(b *testing.B, rdb redis.UniversalClient) float64 {
	ctx := context.Background()
	keys := redistest.Keys(b, rdb, redisstore.DefaultPrefix+"h5:session:*")
	if len(keys) == 0 {
		b.Fatal("no session keys")
	}
	keys = keys[:min(len(keys), 1000)]
	var total int64
	for _, k := range keys {
		n, err := rdb.MemoryUsage(ctx, k).Result()
		if err != nil {
			b.Fatal(err)
		}
		total += n
	}
	return float64(total) / float64(len(keys))
}
