package tcredit

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNotifyWakesOnlyWaitersOfItsTask(t *testing.T) {
	c, err := NewClient("app", "token")
	require.NoError(t, err)
	a1, a2, b := c.waiters.add("a"), c.waiters.add("a"), c.waiters.add("b")
	c.Notify(Callback{TID: "a"})
	c.Notify(Callback{TID: "a"}) // a duplicate neither blocks nor queues
	c.Notify(Callback{TID: "unknown"})
	assert.True(t, c.waiters.woken(a1))
	assert.True(t, c.waiters.woken(a2))
	assert.False(t, c.waiters.woken(b))

	c.waiters.remove("a", a1)
	c.waiters.remove("a", a2)
	c.waiters.remove("b", b)
	assert.Empty(t, c.waiters.m, "no entry left behind")
}

func TestNotifyBeforeTheWaitStarts(t *testing.T) {
	c, err := NewClient("app", "token")
	require.NoError(t, err)
	c.Notify(Callback{TID: "early"}) // the provider calls back before CreateTask returns
	early := c.waiters.add("early")
	assert.True(t, c.waiters.woken(early), "the wait starts woken")
	again := c.waiters.add("early")
	assert.False(t, c.waiters.woken(again), "the callback is claimed once")
	c.waiters.remove("early", early)
	c.waiters.remove("early", again)

	// A flood of callbacks for unknown tasks is bounded.
	for i := 0; i < 3*maxPending; i++ {
		c.Notify(Callback{TID: fmt.Sprint("unknown-", i)})
	}
	assert.LessOrEqual(t, len(c.waiters.pending), maxPending)
}

// fakeClock is a clock for waiters that moves only when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newWaitersWithClock() (*waiters, *fakeClock) {
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	return &waiters{now: clock.now}, clock
}

// woken reports whether a wake-up came for the wait r since its last poll started.
func (ws *waiters) woken(r waitRef) bool {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return r.w.woken
}

// turn takes the turn of r's task, as takeTurn, and returns only the error.
func (ws *waiters) turn(ctx context.Context, r waitRef) error {
	_, err := ws.takeTurn(ctx, r)
	return err
}

// answered takes the wake-ups of r as a poll that starts does, and ends the poll.
func (ws *waiters) answered(r waitRef) {
	if ws.turn(context.Background(), r) == nil {
		ws.passTurn(r.task, false)
	}
}

// woken reports whether a wait that starts on tid now starts woken.
func woken(ws *waiters, tid string) bool {
	r := ws.add(tid)
	defer ws.remove(tid, r)
	return ws.woken(r)
}

func TestNotifyKeepsFewRecentCallbacks(t *testing.T) {
	t.Run("a flood keeps the latest", func(t *testing.T) {
		ws, _ := newWaitersWithClock()
		for i := 0; i < 3*maxPending; i++ {
			ws.wake(fmt.Sprint("unknown-", i))
		}
		assert.Len(t, ws.pending, maxPending)
		assert.Equal(t, maxPending, ws.n)
		assert.False(t, woken(ws, "unknown-0"), "the oldest is forgotten")
		assert.False(t, woken(ws, fmt.Sprint("unknown-", 2*maxPending-1)), "the last one too many is forgotten")
		assert.True(t, woken(ws, fmt.Sprint("unknown-", 2*maxPending)), "the oldest kept")
		assert.True(t, woken(ws, fmt.Sprint("unknown-", 3*maxPending-1)), "the latest")
	})
	t.Run("an old callback is forgotten", func(t *testing.T) {
		ws, clock := newWaitersWithClock()
		ws.wake("old")
		clock.advance(pendingTTL)
		ws.wake("new")
		assert.Len(t, ws.pending, 1, "the expired note is dropped by the next callback")
		assert.Equal(t, 1, ws.n)
		assert.False(t, woken(ws, "old"))
		assert.True(t, woken(ws, "new"))
	})
	t.Run("an old callback is not claimed", func(t *testing.T) {
		ws, clock := newWaitersWithClock()
		ws.wake("old")
		clock.advance(pendingTTL)
		assert.False(t, woken(ws, "old"))
	})
	t.Run("a repeated callback renews its note", func(t *testing.T) {
		ws, clock := newWaitersWithClock()
		ws.wake("a")
		clock.advance(pendingTTL / 2)
		ws.wake("a")
		clock.advance(pendingTTL/2 + time.Second)
		ws.wake("b") // drops the first note of a, not the second
		assert.Len(t, ws.pending, 2)
		assert.True(t, woken(ws, "a"))
		assert.True(t, woken(ws, "b"))
	})
	t.Run("a claimed callback leaves no entry", func(t *testing.T) {
		ws, _ := newWaitersWithClock()
		for i := 0; i < 2*maxPending; i++ {
			tid := fmt.Sprint("task-", i)
			ws.wake(tid)
			require.True(t, woken(ws, tid))
		}
		assert.Empty(t, ws.pending)
		assert.Empty(t, ws.m)
		assert.LessOrEqual(t, ws.n, maxPending)
	})
}

func TestNotifyIgnoresAnEmptyOrLongTID(t *testing.T) {
	tests := []struct {
		name string
		tid  string
		kept bool
	}{
		{"the provider's", "457e345272624ac294ff9dc675807dc9", true},
		{"64 bytes", strings.Repeat("a", maxNotifyTID), true},
		{"65 bytes", strings.Repeat("a", maxNotifyTID+1), false},
		{"a megabyte", strings.Repeat("a", 1<<20), false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient("app", "token")
			require.NoError(t, err)
			c.Notify(Callback{TID: tt.tid})
			assert.Equal(t, tt.kept, len(c.waiters.pending) == 1, "remembered")
			w := c.waiters.add(tt.tid)
			defer c.waiters.remove(tt.tid, w)
			assert.Equal(t, tt.kept, c.waiters.woken(w), "a wait that starts later is woken")
			c.waiters.answered(w)
			c.Notify(Callback{TID: tt.tid})
			assert.Equal(t, tt.kept, c.waiters.woken(w), "a wait in progress is woken")
		})
	}
}

// BenchmarkNotifyUnknownTID measures a callback for a task nobody waits on, with no
// callback remembered yet (the baseline) and with as many remembered as are kept, all
// of them recent: the two take the same time when Notify is constant-time.
func BenchmarkNotifyUnknownTID(b *testing.B) {
	tids := make([]string, 4*maxPending)
	for i := range tids {
		tids[i] = fmt.Sprintf("%032x", i)
	}
	for _, bb := range []struct {
		name    string
		prefill int
	}{{"none remembered", 0}, {"all remembered", maxPending}} {
		b.Run(bb.name, func(b *testing.B) {
			c, err := NewClient("app", "token")
			require.NoError(b, err)
			for i := 0; i < bb.prefill; i++ {
				c.Notify(Callback{TID: tids[i]})
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if bb.prefill == 0 && i%maxPending == 0 {
					b.StopTimer()
					c.waiters = waiters{}
					b.StartTimer()
				}
				c.Notify(Callback{TID: tids[(bb.prefill+i)%len(tids)]})
			}
		})
	}
}

// liveTask answers getFundB for a task that is still logging in, slowly, counting the
// calls and the most that ran at once.
type liveTask struct {
	calls, inFlight, maxInFlight atomic.Int32
}

func (lt *liveTask) respond(*http.Request) (*http.Response, error) {
	lt.calls.Add(1)
	n := lt.inFlight.Add(1)
	defer lt.inFlight.Add(-1)
	for {
		m := lt.maxInFlight.Load()
		if n <= m || lt.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(2 * time.Millisecond)
	return httpmock.NewStringResponse(http.StatusOK, ok(`{"code":10001,"msg":"登录中"}`)), nil
}

// Wake-ups relayed from another replica are coalesced as local ones are, and two waits
// on one task take turns: 1,000 callbacks on replica A for the task that two waits on
// replica B follow cause a poll or two per wait, never two polls of the task at once.
func TestWakeUpsOfOneTaskAreCoalesced(t *testing.T) {
	const callbacks = 1000
	lt := &liveTask{}
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, flowBase+"/identity/getFundB", lt.respond)
	b, err := NewClient("app", "token", WithBaseURL(flowBase), WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	relay := &chanRelay{to: []*Client{b}}
	a, err := NewClient("app", "token", WithWakeRelay(relay))
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const waits = 2
	started := make(chan struct{}, waits)
	var wg sync.WaitGroup
	for range waits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var once sync.Once
			_, err := b.Wait(ctx, "T1", WithPollInterval(time.Minute, time.Minute),
				OnStatus(func(*FundResult) { once.Do(func() { started <- struct{}{} }) }))
			assert.ErrorIs(t, err, context.Canceled)
		}()
	}
	for range waits {
		<-started
	}
	before := lt.calls.Load()
	start := time.Now()
	for range callbacks {
		a.Notify(Callback{TID: "T1", Status: CodeLoggingIn})
	}
	burst := time.Since(start)
	time.Sleep(maxWakeGap + 300*time.Millisecond) // the polls held for the burst's end
	polls := int(lt.calls.Load() - before)
	t.Logf("%d callbacks relayed in %v caused %d getFundB calls for %d waits", callbacks, burst.Round(time.Millisecond), polls, waits)
	assert.GreaterOrEqual(t, polls, waits, "each wait was woken")
	assert.LessOrEqual(t, polls, waits*(2+int(burst/maxWakeGap)), "a poll at the burst's start and one per second at most after, per wait")
	assert.Equal(t, int32(1), lt.maxInFlight.Load(), "one GetFund of the task at a time")
	cancel()
	wg.Wait()
}

// pauseResult is what a pause returned.
type pauseResult struct {
	woken bool
	err   error
}

// startPause runs ws.pause for r in a goroutine and returns where its result arrives.
func startPause(ctx context.Context, ws *waiters, r waitRef, d, gap time.Duration) <-chan pauseResult {
	out := make(chan pauseResult, 1)
	go func() {
		woken, err := ws.pause(ctx, r, d, gap)
		out <- pauseResult{woken, err}
	}()
	return out
}

// listening waits until the pause of r listens for wake-ups.
func listening(t *testing.T, ws *waiters, r waitRef) {
	t.Helper()
	require.Eventually(t, func() bool {
		ws.mu.Lock()
		defer ws.mu.Unlock()
		return r.w.listening
	}, 10*time.Second, time.Millisecond)
}

// received returns the result of a pause, failing the test when none comes.
func received(t *testing.T, out <-chan pauseResult) pauseResult {
	t.Helper()
	select {
	case res := <-out:
		return res
	case <-time.After(10 * time.Second):
		t.Fatal("the pause did not end")
		return pauseResult{}
	}
}

func TestPause(t *testing.T) {
	t.Run("a lone wake-up ends it", func(t *testing.T) {
		ws, _ := newWaitersWithClock()
		r := ws.add("a")
		defer ws.remove("a", r)
		out := startPause(context.Background(), ws, r, time.Hour, time.Second)
		listening(t, ws, r)
		ws.wake("a")
		assert.Equal(t, pauseResult{woken: true}, received(t, out))
	})
	t.Run("a wake-up that came before it ends it", func(t *testing.T) {
		ws, _ := newWaitersWithClock()
		ws.wake("a")
		r := ws.add("a")
		defer ws.remove("a", r)
		assert.Equal(t, pauseResult{woken: true}, received(t, startPause(context.Background(), ws, r, time.Hour, time.Second)))
	})
	t.Run("a wake-up answered by a poll does not", func(t *testing.T) {
		ws, _ := newWaitersWithClock()
		r := ws.add("a")
		defer ws.remove("a", r)
		ws.wake("a")
		ws.answered(r)
		assert.Equal(t, pauseResult{woken: false}, received(t, startPause(context.Background(), ws, r, 20*time.Millisecond, time.Second)))
	})
	t.Run("a wake-up within the gap waits for its end", func(t *testing.T) {
		ws, _ := newWaitersWithClock()
		r := ws.add("a")
		defer ws.remove("a", r)
		ws.passTurn(r.task, true) // a poll that a wake-up asked for just ended
		const gap = 50 * time.Millisecond
		start := time.Now()
		out := startPause(context.Background(), ws, r, time.Hour, gap)
		listening(t, ws, r)
		ws.wake("a")
		ws.wake("a") // more wake-ups in the gap change nothing
		assert.Equal(t, pauseResult{woken: true}, received(t, out))
		assert.GreaterOrEqual(t, time.Since(start), gap)
	})
	t.Run("the schedule ends it unwoken when it comes before the gap's end", func(t *testing.T) {
		ws, _ := newWaitersWithClock()
		r := ws.add("a")
		defer ws.remove("a", r)
		ws.passTurn(r.task, true)
		ws.wake("a")
		assert.Equal(t, pauseResult{woken: false}, received(t, startPause(context.Background(), ws, r, 30*time.Millisecond, time.Hour)))
	})
	t.Run("the context ends it", func(t *testing.T) {
		ws, _ := newWaitersWithClock()
		r := ws.add("a")
		defer ws.remove("a", r)
		ctx, cancel := context.WithCancel(context.Background())
		out := startPause(ctx, ws, r, time.Hour, time.Second)
		listening(t, ws, r)
		cancel()
		assert.Equal(t, pauseResult{err: context.Canceled}, received(t, out))
		ws.wake("a")
		assert.True(t, ws.woken(r), "a wake-up after the pause is kept for the next")
	})
	t.Run("pauses in a row", func(t *testing.T) {
		ws, _ := newWaitersWithClock()
		r := ws.add("a")
		defer ws.remove("a", r)
		for i := range 3 {
			out := startPause(context.Background(), ws, r, time.Hour, time.Second)
			listening(t, ws, r)
			ws.wake("a")
			require.Equal(t, pauseResult{woken: true}, received(t, out), "pause %d", i)
			ws.answered(r)
			require.Equal(t, pauseResult{woken: false}, received(t, startPause(context.Background(), ws, r, 5*time.Millisecond, time.Second)), "pause %d", i)
		}
	})
}

func TestWaitsOnOneTaskTakeTurns(t *testing.T) {
	ws, _ := newWaitersWithClock()
	a, b, c := ws.add("t"), ws.add("t"), ws.add("t")
	ctx := context.Background()
	require.NoError(t, ws.turn(ctx, a))

	bTurn := make(chan error, 1)
	go func() { bTurn <- ws.turn(ctx, b) }()
	cCtx, cancelC := context.WithCancel(ctx)
	cTurn := make(chan error, 1)
	go func() { cTurn <- ws.turn(cCtx, c) }()
	require.Eventually(t, func() bool {
		ws.mu.Lock()
		defer ws.mu.Unlock()
		return a.task.more != nil && len(a.task.more.turns) == 2
	}, 10*time.Second, time.Millisecond, "b and c wait for their turn")
	cancelC()
	assert.ErrorIs(t, <-cTurn, context.Canceled, "a wait whose context ends stops waiting")

	ws.passTurn(a.task, false)
	require.NoError(t, <-bTurn, "the turn passes to the wait that waits for it")
	ws.mu.Lock()
	assert.True(t, a.task.busy, "b has it")
	ws.mu.Unlock()
	ws.passTurn(b.task, false)
	ws.mu.Lock()
	assert.False(t, a.task.busy, "nobody has it")
	ws.mu.Unlock()

	ws.remove("t", a)
	ws.remove("t", c)
	d := ws.add("t")
	assert.Same(t, d.task, d.w, "a new wait takes the record's place when free")
	ws.remove("t", b)
	ws.remove("t", d)
	assert.Empty(t, ws.m, "no entry left behind")
}

func TestWakeLatencyRunsFromTheWakeUp(t *testing.T) {
	for _, tt := range []struct {
		name    string
		pending bool // the callback came before the wait began
	}{
		{"a wait woken", false},
		{"a callback before the wait", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			obs := &tidObserver{}
			c, mt := newMockClient(t, WithObserver(obs))
			recordBody(mt, "getFundB", http.StatusOK, envelopeJSON(0, "成功", "0951000000000009", `{"code":1}`))
			clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
			ws := &c.waiters
			ws.now = clock.now
			const tid = "t1"
			var r waitRef
			if tt.pending {
				ws.wake(tid)
				r = ws.add(tid)
			} else {
				r = ws.add(tid)
				ws.wake(tid)
			}
			clock.advance(2 * time.Second) // the wait wakes up, takes its turn
			_, err := ws.poll(context.Background(), r, true, func(wokeAt time.Time) (*FundResult, error) {
				clock.advance(300 * time.Millisecond) // the getFundB call
				return c.poll(context.Background(), tid, wokeAt)
			})
			require.NoError(t, err)
			require.Len(t, obs.woken, 1)
			assert.Equal(t, 2300*time.Millisecond, obs.woken[0].Latency)
		})
	}
}
