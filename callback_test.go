package tcredit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testCallbackSecret = "s3cret-s3cret-s3cret"

// serveCallback sends one request to a callback handler and returns the response code
// and the callbacks the handler's function received.
func serveCallback(t *testing.T, fn func(context.Context, Callback) error, method, target, contentType, body string, opts ...CallbackOption) (int, []Callback) {
	t.Helper()
	var got []Callback
	h := NewCallbackHandler(func(ctx context.Context, cb Callback) error {
		got = append(got, cb)
		if fn != nil {
			return fn(ctx, cb)
		}
		return nil
	}, opts...)
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, got
}

func TestCallbackHandlerReadsEveryEncoding(t *testing.T) {
	want := Callback{TID: "457e345272624ac294ff9dc675807dc9", Status: CodeDone, RawStatus: "40001", Msg: "爬取结束"}
	tests := []struct {
		name, target, contentType, body string
	}{
		{"form", "/cb", "application/x-www-form-urlencoded", "tid=457e345272624ac294ff9dc675807dc9&status=40001&msg=%E7%88%AC%E5%8F%96%E7%BB%93%E6%9D%9F"},
		{"form with charset and padding", "/cb", "application/x-www-form-urlencoded; charset=UTF-8", "tid=+457e345272624ac294ff9dc675807dc9+&status=+40001&msg=%E7%88%AC%E5%8F%96%E7%BB%93%E6%9D%9F"},
		{"JSON, status as number", "/cb", "application/json", `{"tid":"457e345272624ac294ff9dc675807dc9","status":40001,"msg":"爬取结束"}`},
		{"JSON, status as string", "/cb", "application/json; charset=utf-8", `{"tid":"457e345272624ac294ff9dc675807dc9","status":"40001","msg":"爬取结束","extra":1}`},
		{"JSON without content type", "/cb", "", `{"tid":"457e345272624ac294ff9dc675807dc9","status":40001,"msg":"爬取结束"}`},
		{"query parameters", "/cb?tid=457e345272624ac294ff9dc675807dc9&status=40001&msg=%E7%88%AC%E5%8F%96%E7%BB%93%E6%9D%9F", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, got := serveCallback(t, nil, http.MethodPost, tt.target, tt.contentType, tt.body)
			assert.Equal(t, http.StatusOK, code)
			assert.Equal(t, []Callback{want}, got)
		})
	}
}

func TestCallbackHandlerRefusesBadRequests(t *testing.T) {
	okBody := "tid=abc&status=40001"
	tests := []struct {
		name        string
		method      string
		target      string
		contentType string
		body        string
		fn          func(context.Context, Callback) error
		opts        []CallbackOption
		want        int
		called      bool
	}{
		{name: "GET", method: http.MethodGet, target: "/cb?tid=abc", want: http.StatusMethodNotAllowed},
		{name: "PUT", method: http.MethodPut, target: "/cb", body: okBody, want: http.StatusMethodNotAllowed},
		{name: "no tid", method: http.MethodPost, target: "/cb", contentType: "application/x-www-form-urlencoded", body: "status=40001", want: http.StatusBadRequest},
		{name: "blank tid", method: http.MethodPost, target: "/cb", contentType: "application/json", body: `{"tid":"  ","status":1}`, want: http.StatusBadRequest},
		{name: "broken form", method: http.MethodPost, target: "/cb", contentType: "application/x-www-form-urlencoded", body: "tid=%zz&status=1", want: http.StatusBadRequest},
		{name: "broken JSON", method: http.MethodPost, target: "/cb", contentType: "application/json", body: `{"tid":"abc",`, want: http.StatusBadRequest},
		{name: "JSON of the wrong shape", method: http.MethodPost, target: "/cb", contentType: "application/json", body: `{"tid":{"a":1}}`, want: http.StatusBadRequest},
		{name: "oversized body", method: http.MethodPost, target: "/cb", contentType: "application/x-www-form-urlencoded", body: "tid=abc&msg=" + strings.Repeat("x", 65<<10), want: http.StatusRequestEntityTooLarge},
		{name: "missing secret", method: http.MethodPost, target: "/cb", contentType: "application/x-www-form-urlencoded", body: okBody, opts: []CallbackOption{WithCallbackSecret(testCallbackSecret)}, want: http.StatusUnauthorized},
		{name: "wrong secret", method: http.MethodPost, target: "/cb?cb_token=guess", contentType: "application/x-www-form-urlencoded", body: okBody, opts: []CallbackOption{WithCallbackSecret(testCallbackSecret)}, want: http.StatusUnauthorized},
		{name: "right secret", method: http.MethodPost, target: "/cb?cb_token=" + testCallbackSecret, contentType: "application/x-www-form-urlencoded", body: okBody, opts: []CallbackOption{WithCallbackSecret(testCallbackSecret)}, want: http.StatusOK, called: true},
		{name: "function fails", method: http.MethodPost, target: "/cb", contentType: "application/x-www-form-urlencoded", body: okBody,
			fn: func(context.Context, Callback) error { return errors.New("database down") }, want: http.StatusInternalServerError, called: true},
		{name: "function panics", method: http.MethodPost, target: "/cb", contentType: "application/x-www-form-urlencoded", body: okBody,
			fn: func(context.Context, Callback) error { panic("boom") }, want: http.StatusInternalServerError, called: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, got := serveCallback(t, tt.fn, tt.method, tt.target, tt.contentType, tt.body, tt.opts...)
			assert.Equal(t, tt.want, code)
			assert.Equal(t, tt.called, len(got) == 1, "function called")
		})
	}
}

func TestCallbackHandlerAllowHeader(t *testing.T) {
	h := NewCallbackHandler(func(context.Context, Callback) error { return nil })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/cb", nil))
	assert.Equal(t, http.MethodPost, rec.Header().Get("Allow"))
}

func TestCallbackStatusThatIsNoTaskCodeKeepsRawText(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		want                    Callback
	}{
		{"text", "application/x-www-form-urlencoded", "tid=abc&status=DONE", Callback{TID: "abc", RawStatus: "DONE"}},
		{"beyond int64", "application/x-www-form-urlencoded", "tid=abc&status=99999999999999999999", Callback{TID: "abc", RawStatus: "99999999999999999999"}},
		{"below int64", "application/x-www-form-urlencoded", "tid=abc&status=-99999999999999999999", Callback{TID: "abc", RawStatus: "-99999999999999999999"}},
		{"beyond 32 bits", "application/x-www-form-urlencoded", "tid=abc&status=4294967297", Callback{TID: "abc", RawStatus: "4294967297"}},
		{"JSON number beyond int64", "application/json", `{"tid":"abc","status":99999999999999999999}`, Callback{TID: "abc", RawStatus: "99999999999999999999"}},
		{"fraction", "application/x-www-form-urlencoded", "tid=abc&status=40001.5", Callback{TID: "abc", RawStatus: "40001.5"}},
		{"hex", "application/x-www-form-urlencoded", "tid=abc&status=0x9c41", Callback{TID: "abc", RawStatus: "0x9c41"}},
		{"digits and text", "application/x-www-form-urlencoded", "tid=abc&status=40001abc", Callback{TID: "abc", RawStatus: "40001abc"}},
		{"blank", "application/x-www-form-urlencoded", "tid=abc&status=+", Callback{TID: "abc", RawStatus: ""}},
		{"a real zero", "application/x-www-form-urlencoded", "tid=abc&status=0", Callback{TID: "abc", RawStatus: "0"}},
		{"negative code", "application/x-www-form-urlencoded", "tid=abc&status=-2", Callback{TID: "abc", Status: CodeInvalidParams, RawStatus: "-2"}},
		{"largest 32-bit code", "application/x-www-form-urlencoded", "tid=abc&status=2147483647", Callback{TID: "abc", Status: 2147483647, RawStatus: "2147483647"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, got := serveCallback(t, nil, http.MethodPost, "/cb", tt.contentType, tt.body)
			require.Equal(t, http.StatusOK, code)
			assert.Equal(t, []Callback{tt.want}, got)
		})
	}
}

func TestCallbackURL(t *testing.T) {
	u, err := CallbackURL("https://lender.example/fund/callback?x=1", testCallbackSecret)
	require.NoError(t, err)
	assert.Equal(t, "https://lender.example/fund/callback?cb_token="+testCallbackSecret+"&x=1", u)

	// The URL it builds is the one the handler accepts.
	code, _ := serveCallback(t, nil, http.MethodPost, u, "application/x-www-form-urlencoded", "tid=abc", WithCallbackSecret(testCallbackSecret))
	assert.Equal(t, http.StatusOK, code)

	for _, tt := range []struct{ base, secret string }{
		{"/relative", testCallbackSecret},
		{"ftp://host/cb", testCallbackSecret},
		{"https://host/cb", "short"},
		{"https://host/cb", ""},
	} {
		_, err := CallbackURL(tt.base, tt.secret)
		assert.Error(t, err, "%q %q", tt.base, tt.secret)
	}
}

func TestWithCallbackSecretRefusesWhatCallbackURLRefuses(t *testing.T) {
	fn := func(context.Context, Callback) error { return nil }
	tests := []struct {
		name, secret string
		ok           bool
	}{
		{"empty", "", false},
		{"short", "short", false},
		{"one short of the minimum", "fifteen-chars!!", false},
		{"the minimum", "sixteen-chars!!!", true},
		{"long", testCallbackSecret + testCallbackSecret, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, urlErr := CallbackURL("https://lender.example/cb", tt.secret)
			var h http.Handler
			recovered := func() (p any) {
				defer func() { p = recover() }()
				h = NewCallbackHandler(fn, WithCallbackSecret(tt.secret))
				return nil
			}()
			if tt.ok {
				assert.NoError(t, urlErr)
				assert.Nil(t, recovered)
				code, _ := serveCallback(t, nil, http.MethodPost, "/cb", "application/x-www-form-urlencoded", "tid=abc", WithCallbackSecret(tt.secret))
				assert.Equal(t, http.StatusUnauthorized, code, "the secret is required")
				return
			}
			assert.Error(t, urlErr)
			assert.Nil(t, h, "no handler without the authentication asked for")
			err, isErr := recovered.(error)
			require.True(t, isErr, "NewCallbackHandler panics with an error, got %#v", recovered)
			if tt.secret != "" {
				assert.NotContains(t, err.Error(), tt.secret, "the secret is not echoed")
				assert.NotContains(t, urlErr.Error(), tt.secret, "the secret is not echoed")
			}
		})
	}
}

func TestNotifyWakesOnlyWaitersOfItsTask(t *testing.T) {
	c, err := NewClient("app", "token")
	require.NoError(t, err)
	a1, a2, b := c.waiters.add("a"), c.waiters.add("a"), c.waiters.add("b")
	c.Notify(Callback{TID: "a"})
	c.Notify(Callback{TID: "a"}) // a duplicate neither blocks nor queues
	c.Notify(Callback{TID: "unknown"})
	assert.Len(t, a1, 1)
	assert.Len(t, a2, 1)
	assert.Len(t, b, 0)

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
	assert.Len(t, early, 1, "the wait starts woken")
	again := c.waiters.add("early")
	assert.Len(t, again, 0, "the callback is claimed once")
	c.waiters.remove("early", early)
	c.waiters.remove("early", again)

	// A flood of callbacks for unknown tasks is bounded.
	for i := 0; i < 3*maxPending; i++ {
		c.Notify(Callback{TID: fmt.Sprint("unknown-", i)})
	}
	assert.LessOrEqual(t, len(c.waiters.pending), maxPending)
}

func TestCallbackHandlerBoundsASlowBody(t *testing.T) {
	const form = "tid=abc&status=40001&msg=slow"
	tests := []struct {
		name        string
		query, body string
		pause       time.Duration // between two bytes of the body
		work        time.Duration // the function's own time
		want        int
		called      bool
	}{
		{"at once", "", form, 0, 0, http.StatusOK, true},
		{"trickled past the deadline", "", form, 20 * time.Millisecond, 0, http.StatusRequestTimeout, false},
		{"a function slower than the deadline keeps its context", "", form, 0, 300 * time.Millisecond, http.StatusOK, true},
		{"no body, a function slower than the deadline keeps its context", "?" + form, "", 0, 300 * time.Millisecond, http.StatusOK, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := make(chan Callback, 1)
			h := NewCallbackHandler(func(ctx context.Context, cb Callback) error {
				called <- cb
				time.Sleep(tt.work)
				return ctx.Err()
			}).(*callbackHandler)
			h.readTimeout = 100 * time.Millisecond
			returned := make(chan struct{}, 1)
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer func() { returned <- struct{}{} }()
				h.ServeHTTP(w, r)
			}))
			defer ts.Close()

			conn, err := net.Dial("tcp", ts.Listener.Addr().String())
			require.NoError(t, err)
			defer conn.Close()
			_, err = fmt.Fprintf(conn, "POST /cb%s HTTP/1.1\r\nHost: lender.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", tt.query, len(tt.body))
			require.NoError(t, err)
			stop := make(chan struct{})
			defer close(stop)
			go func() { // the sender, a byte at a time
				body := tt.body
				for i := 0; i < len(body); i++ {
					select {
					case <-stop:
						return
					case <-time.After(tt.pause):
					}
					if _, err := conn.Write([]byte{body[i]}); err != nil {
						return
					}
				}
			}()

			require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			require.NoError(t, err, "the handler answers")
			resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode)
			select {
			case <-returned:
			case <-time.After(10 * time.Second):
				t.Fatal("the handler has not returned")
			}
			assert.Equal(t, tt.called, len(called) == 1, "function called")
		})
	}
}

// fakeClock is a clock for waiters that moves only when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newWaitersWithClock() (*waiters, *fakeClock) {
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	return &waiters{now: clock.now}, clock
}

// woken reports whether a wait that starts on tid now starts woken.
func woken(ws *waiters, tid string) bool {
	ch := ws.add(tid)
	defer ws.remove(tid, ch)
	return len(ch) == 1
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
			assert.Equal(t, tt.kept, len(w) == 1, "a wait that starts later is woken")
			select { // the wait took its wake-up
			case <-w:
			default:
			}
			c.Notify(Callback{TID: tt.tid})
			assert.Equal(t, tt.kept, len(w) == 1, "a wait in progress is woken")
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

func TestCallbackHandlerPrintsNoSecret(t *testing.T) {
	const secret = "cb-secret-0123456789abcdef"
	h := NewCallbackHandler(func(context.Context, Callback) error { return nil }, WithCallbackSecret(secret))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(verb, h), secret, verb)
	}
	assert.Contains(t, fmt.Sprintf("%v", h), "secret set: true")
}
