package h5_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// traceKey stands for the trace a middleware puts in each request's context.
type traceKey struct{}

// traceObserver notes the trace in the context of each call and wait it sees.
type traceObserver struct {
	mu     sync.Mutex
	traces map[string][]any // by endpoint, or "Wait"
}

func (o *traceObserver) note(ctx context.Context, what string) context.Context {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.traces[what] = append(o.traces[what], ctx.Value(traceKey{}))
	return ctx
}

func (o *traceObserver) seen(what string) []any {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]any(nil), o.traces[what]...)
}

func (o *traceObserver) StartQuery(ctx context.Context, q tcredit.QueryInfo) context.Context {
	return o.note(ctx, q.Op)
}
func (o *traceObserver) StartCall(ctx context.Context, c tcredit.CallInfo) context.Context {
	return o.note(ctx, c.Endpoint)
}
func (o *traceObserver) EndQuery(context.Context, tcredit.QueryInfo)  {}
func (o *traceObserver) Attempt(context.Context, tcredit.AttemptInfo) {}
func (o *traceObserver) EndCall(context.Context, tcredit.CallInfo)    {}
func (o *traceObserver) TaskBilled(context.Context, tcredit.TaskInfo) {}
func (o *traceObserver) TaskEnded(context.Context, tcredit.TaskInfo)  {}
func (o *traceObserver) Woken(context.Context, tcredit.WakeInfo)      {}

// The task's calls carry the trace of the login's request: its creation, and the wait
// that follows it after the page was answered.
func TestTheTasksCallsCarryTheLoginsTrace(t *testing.T) {
	sandbox := tcredittest.NewServer(tcredittest.WithStep(2 * time.Millisecond))
	defer sandbox.Close()
	obs := &traceObserver{traces: map[string][]any{}}
	client, err := tcredit.NewClient(sandbox.AppID(), sandbox.TokenID(), tcredit.WithBaseURL(sandbox.URL), tcredit.WithObserver(obs))
	require.NoError(t, err)
	e := &env{t: t, sandbox: sandbox}
	e.handler = h5.NewHandler(client, h5.Options{
		InsecureDevHTTP: true, // the test server is plain HTTP on a loopback address
		NoConsent:       true,
		QueryOptions:    []tcredit.QueryOption{tcredit.WithPollInterval(2*time.Millisecond, 10*time.Millisecond)},
		OnResult: func(_ context.Context, s h5.Session, res *tcredit.FundResult, err error) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.results = append(e.results, outcome{s, res, err})
		},
	})
	defer e.handler.Close()
	traced := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.handler.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), traceKey{}, r.Method+" "+r.URL.Path)))
	})
	mux := http.NewServeMux()
	mux.Handle("/fund/", http.StripPrefix("/fund", traced))
	e.server = httptest.NewServer(mux)
	defer e.server.Close()

	b := e.browser()
	p := b.login("330100", "1", map[string]string{"account": "demo-success", "password": "pw", "sub_area": "1"})
	require.Equal(t, http.StatusOK, p.StatusCode)
	out := e.waitOutcomes(1)
	require.NoError(t, out[0].err)

	assert.Equal(t, []any{"POST /login"}, obs.seen("createFundSearchTaskB"))
	assert.Equal(t, []any{"POST /login"}, obs.seen("Wait"))
	for _, trace := range obs.seen("getFundB") {
		assert.Equal(t, "POST /login", trace)
	}
	assert.NotEmpty(t, obs.seen("getFundB"))
}
