package h5_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/h5"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// env is the handler mounted at /fund/ on a test server, in front of a sandbox.
type env struct {
	t       *testing.T
	sandbox *tcredittest.Server
	handler *h5.Handler
	store   *h5.MemoryStore
	server  *httptest.Server
	logs    *syncBuffer

	mu      sync.Mutex
	results []outcome
}

// outcome is one call of OnResult.
type outcome struct {
	session h5.Session
	res     *tcredit.FundResult
	err     error
}

// newEnv starts a sandbox whose tasks take a step every 2ms, and the handler; opts
// may change the handler's options.
func newEnv(t *testing.T, opts ...func(*h5.Options)) *env {
	t.Helper()
	return newEnvStep(t, 2*time.Millisecond, opts...)
}

// newEnvStep is newEnv with the sandbox's step.
func newEnvStep(t *testing.T, step time.Duration, opts ...func(*h5.Options)) *env {
	t.Helper()
	sandbox := tcredittest.NewServer(tcredittest.WithStep(step))
	t.Cleanup(sandbox.Close)
	return newEnvOn(t, sandbox, opts...)
}

// newEnvOn is newEnv on a given sandbox: another replica of a service.
func newEnvOn(t *testing.T, sandbox *tcredittest.Server, opts ...func(*h5.Options)) *env {
	t.Helper()
	e := &env{t: t, logs: &syncBuffer{}, sandbox: sandbox, store: h5.NewMemoryStore(0)}
	client, err := tcredit.NewClient(e.sandbox.AppID(), e.sandbox.TokenID(), tcredit.WithBaseURL(e.sandbox.URL))
	require.NoError(t, err)
	o := h5.Options{
		OnResult: func(ctx context.Context, s h5.Session, res *tcredit.FundResult, err error) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.results = append(e.results, outcome{s, res, err})
		},
		Logger:       slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		PollInterval: 100 * time.Millisecond,
		QueryOptions: []tcredit.QueryOption{tcredit.WithPollInterval(2*time.Millisecond, 10*time.Millisecond)},
		Store:        e.store,
		// The test server is plain HTTP on a loopback address.
		InsecureDevHTTP: true,
		NoConsent:       true, // the consent tests set Consent
	}
	for _, opt := range opts {
		opt(&o)
	}
	e.handler = h5.NewHandler(client, o)
	mux := http.NewServeMux()
	mux.Handle("/fund/", http.StripPrefix("/fund", e.handler))
	e.server = httptest.NewServer(mux)
	t.Cleanup(func() {
		e.server.Close()
		e.handler.Close()
	})
	return e
}

// shiftClock sets the handler's clock to the real one moved ahead by what the
// function returned sets last.
func (e *env) shiftClock() func(time.Duration) {
	var mu sync.Mutex
	var shift time.Duration
	e.handler.SetNow(func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Now().Add(shift) })
	return func(d time.Duration) { mu.Lock(); defer mu.Unlock(); shift = d }
}

// outcomes returns the calls of OnResult so far.
func (e *env) outcomes() []outcome {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]outcome(nil), e.results...)
}

// waitOutcomes waits until OnResult has been called n times.
func (e *env) waitOutcomes(n int) []outcome {
	e.t.Helper()
	require.Eventually(e.t, func() bool { return len(e.outcomes()) >= n }, 10*time.Second, time.Millisecond)
	return e.outcomes()
}

// browser is one person's phone: a cookie jar and the redirects followed.
type browser struct {
	t      *testing.T
	e      *env
	client *http.Client
}

func (e *env) browser() *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(e.t, err)
	return &browser{t: e.t, e: e, client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// page is a response with its body read.
type page struct {
	*http.Response
	body string
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.client.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return page{resp, string(body)}
}

// get fetches path, relative to the handler's root.
func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.e.server.URL+"/fund/"+path, nil)
	require.NoError(b.t, err)
	return b.do(req)
}

// post posts form to path, relative to the handler's root.
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.e.server.URL+"/fund/"+path, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of a page's form.
func csrf(t *testing.T, p page) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(p.body)
	require.NotNil(t, m, "no csrf token in the page:\n%s", p.body)
	return m[1]
}

// login opens the login form of city and type and posts fields to it; it returns the
// page the browser ends on.
func (b *browser) login(city, typ string, fields map[string]string) page {
	b.t.Helper()
	form := b.get("login?city=" + city + "&type=" + typ)
	require.Equal(b.t, http.StatusOK, form.StatusCode, form.body)
	v := url.Values{"csrf": {csrf(b.t, form)}, "city": {city}, "type": {typ}}
	for k, val := range fields {
		v.Set("f_"+k, val)
	}
	return b.post("login", v)
}

// waitStep polls status.json until the session is no longer running, and returns its
// step.
func (b *browser) waitStep() string {
	b.t.Helper()
	return b.waitStepAfter("running")
}

// waitStepAfter polls status.json until the session's step is neither "running" nor
// from, and returns it.
func (b *browser) waitStepAfter(from string) string {
	b.t.Helper()
	var step string
	require.Eventually(b.t, func() bool {
		p := b.get("status.json")
		step = stepRE.FindStringSubmatch(p.body)[1]
		return step != "running" && step != from
	}, 10*time.Second, 2*time.Millisecond)
	return step
}

var stepRE = regexp.MustCompile(`"step":"([a-z]+)"`)

// url returns the absolute URL of a path under the handler.
func (e *env) url(path string) string { return e.server.URL + "/fund/" + path }

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// submissions counts the codes the sandbox received for the task tid.
func submissions(s *tcredittest.Server, tid string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Endpoint == "fundUserCode" && r.Form.Get("tid") == tid {
			n++
		}
	}
	return n
}
