package tcredittest

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Default credentials and timing of a sandbox.
const (
	defaultAppID   = "sandbox-app"
	defaultTokenID = "sandbox-token"
	defaultStep    = 10 * time.Millisecond
	maxRequestLog  = 10000
	maxFormBody    = 64 << 10
)

// Server is a sandbox of the fund API listening on a loopback address, like
// httptest.Server. Its embedded Handler holds the state: accounts, tasks, billing,
// faults and the log of requests.
type Server struct {
	*Handler

	// URL is the base URL of the sandbox, http://127.0.0.1:port, with no trailing
	// slash: what tcredit.WithBaseURL takes.
	URL string

	ts *httptest.Server
}

// NewServer starts and returns a sandbox listening on 127.0.0.1. The caller should call
// Close when finished, to shut it down.
func NewServer(opts ...Option) *Server {
	h := NewHandler(opts...)
	ts := httptest.NewServer(h)
	return &Server{Handler: h, URL: ts.URL, ts: ts}
}

// Client returns an HTTP client for the sandbox, whose idle connections Close closes,
// for tcredit.WithHTTPClient.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close stops the sandbox's callbacks and timers, shuts the server down and waits
// until every request it was serving has finished.
func (s *Server) Close() {
	s.Handler.Close()
	s.ts.Close()
}

// Handler is the sandbox as an http.Handler, to mount on a server of one's own, for
// example behind http.StripPrefix. It answers the five endpoints under /identity/ and
// 404 elsewhere. Its methods are safe for concurrent use.
type Handler struct {
	appID   string
	tokenID string

	step       time.Duration
	seed       int64
	seeded     bool   // WithSeed was given
	tidSeed    uint64 // the seed of task ids: the seed given, or a random one
	baseURL    string // pinned public base URL, or "" to read it from each request
	callback   string
	requestLog func(Request) // called with each call answered, if set
	report     Report
	variance   bool
	challenge  time.Duration

	done chan struct{}  // closed by Close
	wg   sync.WaitGroup // the notifier and the callback sender

	now func() time.Time // set before the first request, never changed after

	mu       sync.Mutex
	apps     map[string]string // appId → tokenId
	accounts map[string]Account
	tasks    map[string]*task
	order    []*task // tasks in creation order
	watched  map[*task]bool
	billed   map[string]int
	faults   []*faultState
	faultRNG uint64
	log      []Request
	logNext  int
	seq      uint64
	started  bool               // the notifier and the sender run
	closed   bool               // Close was called
	cancel   context.CancelFunc // cancels callback deliveries under way
	outbox   []notice           // callbacks waiting to be sent
	wake     chan struct{}
}

// Option configures a sandbox.
type Option func(*Handler)

// WithCredentials sets the appId and tokenId of the sandbox's client.
func WithCredentials(appID, tokenID string) Option {
	return func(h *Handler) { h.appID, h.tokenID = appID, tokenID }
}

// AppID returns the appId of the sandbox's first client (see WithCredentials).
func (h *Handler) AppID() string { return h.appID }

// TokenID returns the tokenId of the sandbox's first client (see WithCredentials).
func (h *Handler) TokenID() string { return h.tokenID }

// WithStep sets how long each step of a task's life takes (default 10ms): a task
// created now is logged in after one step and done after four or five. Use a few
// milliseconds in tests and a few hundred in demonstrations.
func WithStep(d time.Duration) Option {
	return func(h *Handler) {
		if d > 0 {
			h.step = d
		}
	}
}

// WithSeed sets the seed of everything the sandbox draws (task ids, reports, response
// variance, faults given by rate), so that a sequence of calls gets the same answers
// every run. Without it, task ids differ from one sandbox to the next, so that a
// restarted sandbox never repeats one that a database may hold.
func WithSeed(seed int64) Option {
	return func(h *Handler) { h.seed, h.seeded = seed, true }
}

// WithClock sets the sandbox's clock (default time.Now). It decides when a task moves
// on, the createTime of its report, and the month the report ends in: the month before
// the clock's month, in China time, when the task was created. A clock that stands
// still stops tasks at their first step; to pin the date of the reports and let tasks
// run, start a clock at that date:
//
//	start := time.Now()
//	day := time.Date(2024, 3, 15, 10, 0, 0, 0, time.Local)
//	tcredittest.WithClock(func() time.Time { return day.Add(time.Since(start)) })
func WithClock(now func() time.Time) Option {
	return func(h *Handler) {
		if now != nil {
			h.now = now
		}
	}
}

// WithBaseURL pins the public base URL the sandbox checks signatures against, for a
// sandbox reached through a proxy that changes the scheme, host or path. Without it
// the URL is rebuilt from each request: http or https, the Host header and the
// request URI as the client sent it.
func WithBaseURL(baseURL string) Option {
	return func(h *Handler) { h.baseURL = strings.TrimRight(baseURL, "/") }
}

// WithRequestLog makes the sandbox call log with each call it answers, as Requests
// returns them, once the answer is decided.
func WithRequestLog(log func(Request)) Option {
	return func(h *Handler) { h.requestLog = log }
}

// WithCallbackURL makes the sandbox post a callback (form fields tid, status and msg)
// to callbackURL when a task asks for a code (10003, 10004), ends (40001, 40002) or
// fails (5xxxx). A delivery answered with a status other than 2xx is tried up to
// four times in all, with a short backoff.
func WithCallbackURL(callbackURL string) Option {
	return func(h *Handler) { h.callback = callbackURL }
}

// WithReport sets the size of the reports of the demo accounts and of registered
// accounts whose Report is zero.
func WithReport(r Report) Option {
	return func(h *Handler) { h.report = r }
}

// WithVariance turns the type variance of the JSON on or off (default on). With it, as
// real servers do, some responses carry data.code as a string, numbers as strings,
// padded strings and nulls; without it every value has the type the API document says.
func WithVariance(on bool) Option {
	return func(h *Handler) { h.variance = on }
}

// WithChallengeTimeout sets how long an SMS or captcha challenge waits for its code
// before the task fails with 50008 (default one minute, and never less than 200 steps).
// ScenarioInputTimeout does not use it: its challenge expires after 3 steps.
func WithChallengeTimeout(d time.Duration) Option {
	return func(h *Handler) {
		if d > 0 {
			h.challenge = d
		}
	}
}

// NewHandler returns a sandbox as an http.Handler. The caller should call Close when
// finished, which stops its callbacks and timers.
func NewHandler(opts ...Option) *Handler {
	h := &Handler{
		appID:     defaultAppID,
		tokenID:   defaultTokenID,
		step:      defaultStep,
		variance:  true,
		challenge: time.Minute,
		done:      make(chan struct{}),
		now:       time.Now,
		apps:      map[string]string{},
		accounts:  map[string]Account{},
		tasks:     map[string]*task{},
		watched:   map[*task]bool{},
		billed:    map[string]int{},
		wake:      make(chan struct{}, 1),
	}
	for _, opt := range opts {
		opt(h)
	}
	if floor := 200 * h.step; h.challenge < floor {
		h.challenge = floor
	}
	h.faultRNG = uint64(h.seed)*0x9E3779B97F4A7C15 + 1
	h.tidSeed = uint64(h.seed)
	if !h.seeded {
		h.tidSeed = rand.Uint64()
	}
	h.apps[h.appID] = h.tokenID
	for _, a := range DemoAccounts() {
		h.register(a)
	}
	return h
}

// AddApp registers another client of the sandbox, with its own billing count.
func (h *Handler) AddApp(appID, tokenID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.apps[appID] = tokenID
}

// Close stops the sandbox's timers and callback deliveries and waits for them to end.
// Requests that arrive later are still answered, but send no callback.
func (h *Handler) Close() {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.done)
		if h.cancel != nil {
			h.cancel()
		}
	}
	h.mu.Unlock()
	h.wg.Wait()
}

// The endpoints, by the last element of their path.
const (
	epCities     = "getFundCitysB"
	epCityParams = "getFundCityParamB"
	epCreateTask = "createFundSearchTaskB"
	epGetFund    = "getFundB"
	epUserCode   = "fundUserCode"
)

// endpoint is how the sandbox answers one endpoint: the parameters a call must give,
// appId and tokenKey aside, and the answer to a call that gives them.
type endpoint struct {
	required []string
	// answer returns the data of the call, or a top-level status other than
	// statusOK to answer instead, with no data.
	answer func(h *Handler, c *call) (data []byte, status int)
}

// endpoints are the endpoints of the sandbox, by their name.
var endpoints = map[string]endpoint{
	epCities:     {nil, dataOnly((*Handler).cities)},
	epCityParams: {[]string{"area_code"}, dataOnly((*Handler).cityParams)},
	epCreateTask: {[]string{"area_code", "login_type"}, dataOnly((*Handler).createTask)},
	epGetFund:    {[]string{"tid"}, (*Handler).getFund},
	epUserCode:   {[]string{"tid", "code"}, dataOnly((*Handler).userCode)},
}

// dataOnly makes the answer of an endpoint that always answers status 0.
func dataOnly(data func(h *Handler, c *call) []byte) func(h *Handler, c *call) ([]byte, int) {
	return func(h *Handler, c *call) ([]byte, int) { return data(h, c), statusOK }
}

// Top-level statuses (接口返回状态码表).
const (
	statusOK        = 0
	statusParams    = 2
	statusNoUser    = 4
	statusTokenKey  = 5
	statusUndefined = 6
)

// statusText is the message of each top-level status.
var statusText = map[int]string{
	0:  "成功",
	1:  "系统错误",
	2:  "参数错误",
	3:  "数据异常，未能获取结果",
	4:  "用户不存在或配置错误",
	5:  "TokenKey验证失败",
	6:  "接口未定义或停止使用",
	7:  "用户没有接口使用权限",
	8:  "用户接口暂停使用",
	9:  "用户余额不足",
	10: "系统繁忙，请稍后再试",
	11: "数据处理中，请稍候再查询",
}

// call is one request being answered.
type call struct {
	endpoint string
	appID    string
	form     map[string]string // first value of each parameter, appId and tokenKey included
	reqTime  time.Time
	fault    *Fault // the fault injected into this call, if any
	tid      string // the task the call created, if any
	signed   string // at a bad tokenKey: what the sandbox hashed, the tokenId masked
}

// ServeHTTP answers a call to the fund API. A method other than POST gets 405 Method
// Not Allowed; a path outside /identity/ gets 404, but for GET /statement.csv, the
// sandbox's statement of its billing (see StatementHeader).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == statementPath {
		h.serveStatement(w, r)
		return
	}
	endpoint, ok := strings.CutPrefix(r.URL.Path, "/identity/")
	if !ok || endpoint == "" || strings.Contains(endpoint, "/") {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "405 method not allowed: the fund API takes POST", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		h.answer(w, r, &call{endpoint: endpoint}, statusParams, nil)
		return
	}
	c := &call{endpoint: endpoint, form: firstValues(r.PostForm), reqTime: h.now()}
	c.appID = c.form["appId"]
	c.fault = h.takeFault(endpoint)
	if c.fault != nil && !h.applyFault(w, r, c) {
		return
	}
	ep, known := endpoints[endpoint]
	if !known {
		h.answer(w, r, c, statusUndefined, nil)
		return
	}
	if st := h.authenticate(r, c); st != statusOK {
		h.answer(w, r, c, st, nil)
		return
	}
	for _, k := range ep.required {
		if blank(c.form[k]) {
			h.answer(w, r, c, statusParams, nil)
			return
		}
	}
	data, st := ep.answer(h, c)
	if st != statusOK {
		data = nil
	}
	h.answer(w, r, c, st, data)
}

// authenticate checks appId and tokenKey, returning the top-level status to answer.
func (h *Handler) authenticate(r *http.Request, c *call) int {
	if blank(c.appID) || blank(c.form["tokenKey"]) {
		return statusParams
	}
	h.mu.Lock()
	tokenID, ok := h.apps[c.appID]
	h.mu.Unlock()
	if !ok {
		return statusNoUser
	}
	if tokenKey(h.endpointURL(r, c.endpoint), tokenID, c.form) != strings.ToLower(c.form["tokenKey"]) {
		c.signed = canonical(h.endpointURL(r, c.endpoint), maskToken(tokenID), c.form)
		return statusTokenKey
	}
	return statusOK
}

// endpointURL returns the URL the client must have signed.
func (h *Handler) endpointURL(r *http.Request, endpoint string) string {
	if h.baseURL != "" {
		return h.baseURL + "/identity/" + endpoint
	}
	if strings.HasPrefix(r.RequestURI, "http://") || strings.HasPrefix(r.RequestURI, "https://") {
		return r.RequestURI // absolute form, as sent to a proxy
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.RequestURI
}

// tokenKey computes the signature of a call: MD5 of the endpoint URL, the tokenId and
// the non-blank parameters as key=value joined with ",", sorted by key.
func tokenKey(endpointURL, tokenID string, form map[string]string) string {
	sum := md5.Sum([]byte(canonical(endpointURL, tokenID, form)))
	return hex.EncodeToString(sum[:])
}

// canonical returns the string a call's tokenKey is the MD5 of.
func canonical(endpointURL, tokenID string, form map[string]string) string {
	keys := make([]string, 0, len(form))
	for k, v := range form {
		if k != "appId" && k != "tokenKey" && !blank(v) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(endpointURL)
	b.WriteString(tokenID)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(form[k])
	}
	return b.String()
}

// maskToken keeps the first two characters of a tokenId.
func maskToken(tokenID string) string {
	if len(tokenID) <= 2 {
		return "****"
	}
	return tokenID[:2] + "****"
}

// blank reports whether a parameter value is empty or only white space.
func blank(v string) bool { return strings.TrimSpace(v) == "" }

// firstValues keeps the first value of each form parameter.
func firstValues(v url.Values) map[string]string {
	m := make(map[string]string, len(v))
	for k, vs := range v {
		if len(vs) > 0 {
			m[k] = vs[0]
		}
	}
	return m
}

// answer writes the envelope of a call and logs the call.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request, c *call, status int, data []byte) {
	body := h.envelope(c, status, data)
	h.record(c, status)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if c.fault != nil && c.fault.Kind == FaultTruncate {
		body = body[:len(body)/2]
	}
	if c.fault != nil && c.fault.Kind == FaultDropAfter {
		dropConnection(w)
		return
	}
	w.Header().Set("Content-Length", itoa(len(body)))
	_, _ = w.Write(body)
}

// sleep waits for d, or until the request is cancelled or the sandbox closed.
func (h *Handler) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-h.done:
	}
}
