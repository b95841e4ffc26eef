package tcredit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tcredit-go/tcredit/internal/discard"
	"github.com/tcredit-go/tcredit/internal/wire"
)

// DefaultBaseURL is the address of the API as its document gives it. Every request is
// signed with the exact URL it is sent to, so a base URL set with WithBaseURL (https,
// a sandbox) signs correctly too.
const DefaultBaseURL = "http://api.tcredit.com"

// maxBodySize caps a response body; the largest real reports are a few megabytes.
const maxBodySize = 32 << 20

// Client calls the fund query API. It is safe for concurrent use; one Client per
// process, shared by every goroutine, is the norm, so that connections are reused.
type Client struct {
	appID     string
	tokenID   string
	baseURL   string
	hc        *http.Client
	userAgent string
	logger    *slog.Logger
	retry     RetryPolicy
	budget    *budget
	cache     *metaCache
	waiters   waiters
	relay     WakeRelay   // carries Notify's wake-ups to other processes, if set
	observer  Observer    // told what the client does, if set
	limiter   RateLimiter // waited on before each attempt, if set
	server    string      // the host of baseURL, for the observer
	basePath  string      // the path of baseURL
	billing   *biller     // records billed calls, if set
}

// Option configures a Client in NewClient. An option that is given a bad value makes
// NewClient return an error.
type Option func(*Client) error

// NewClient returns a Client for the application appID whose secret is tokenID, the
// two values the provider issues to each customer.
func NewClient(appID, tokenID string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(appID) == "" {
		return nil, errors.New("tcredit: NewClient: appID is empty")
	}
	if strings.TrimSpace(tokenID) == "" {
		return nil, errors.New("tcredit: NewClient: tokenID is empty")
	}
	c := &Client{
		appID:     appID,
		tokenID:   tokenID,
		baseURL:   DefaultBaseURL,
		userAgent: defaultUserAgent(),
		retry:     DefaultRetryPolicy(),
		budget:    newBudget(),
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("tcredit: NewClient: %w", err)
		}
	}
	if c.hc == nil {
		c.hc = defaultHTTPClient()
	}
	if c.logger == nil {
		c.logger = slog.New(discard.Handler{})
	}
	if c.cache == nil {
		c.cache = newMetaCache(DefaultCacheTTL)
	}
	if u, err := url.Parse(c.baseURL); err == nil {
		c.server, c.basePath = u.Host, u.Path
	}
	return c, nil
}

// WithBaseURL sets the scheme and host the API is reached at, such as
// "https://api.tcredit.com" or a tcredittest server's URL. It must be an absolute
// http or https URL; a trailing slash is dropped.
func WithBaseURL(baseURL string) Option {
	return func(c *Client) error {
		u, err := url.Parse(baseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("base URL %q is not an absolute http(s) URL", baseURL)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("base URL %q must not have a query or fragment", baseURL)
		}
		// Sign what net/http sends: the scheme and host in lower case.
		c.baseURL = u.Scheme + "://" + strings.ToLower(u.Host) + strings.TrimRight(u.EscapedPath(), "/")
		return nil
	}
}

// WithHTTPClient sets the HTTP client used for every request, replacing the default
// one and its timeouts entirely: its Transport carries each request, and its Timeout,
// if set, bounds each attempt through the request's context. Whatever hc's
// CheckRedirect says, the Client follows no redirect: a signed request goes to the base
// URL and nowhere else (see ResponseError.RedirectHost). It sends no cookie of hc's
// Jar. hc itself is not changed.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("HTTP client is nil")
		}
		c.hc = hc
		return nil
	}
}

// WithUserAgent appends ua, such as "myapp/1.2", to the User-Agent header, which
// otherwise reads "tcredit-go/<version> (<os>; <arch>) go/<version>".
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		ua = strings.TrimSpace(ua)
		if strings.ContainsAny(ua, "\r\n") {
			return errors.New("user agent contains a line break")
		}
		if ua != "" {
			c.userAgent = defaultUserAgent() + " " + ua
		}
		return nil
	}
}

// WithLogger sends the client's logs to l: each request at debug level (endpoint,
// attempt, HTTP status, status, seqNum, duration), each retry at info and each failed
// call at warn. Secrets never appear in them, and personal data only masked. Without
// this option the client logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			return errors.New("logger is nil")
		}
		c.logger = l
		return nil
	}
}

// String describes the client by its appId and base URL, never its tokenId.
func (c *Client) String() string {
	return "tcredit.Client{appId: " + c.appID + ", baseURL: " + c.baseURL + "}"
}

// GoString is String, so that %#v shows no secret either.
func (c *Client) GoString() string { return c.String() }

func defaultUserAgent() string {
	return "tcredit-go/" + Version + " (" + runtime.GOOS + "; " + runtime.GOARCH + ") go/" + strings.TrimPrefix(runtime.Version(), "go")
}

// maxConnsPerHost bounds the default transport's connections to the API, open and
// idle alike, so that a burst of calls queues for a connection instead of opening one
// each.
const maxConnsPerHost = 64

// do sends req through the transport of the client's HTTP client, itself and not
// through http.Client, so that no redirect is followed: following one would send the
// signed form, with the person's login, to wherever a gateway points, and repeat a
// billed call. A redirect comes back as the response, its Location taken off, keeping
// only its host in trace: a Location may echo the request, and one that does not parse
// would be quoted whole in an error. The HTTP client's fields are read at each request,
// so that a change to them still takes effect; its Timeout, when set, bounds the
// attempt through its context (the caller cancels it after reading the body), and no
// goroutine or timer of net/http's legacy cancellation is started.
func (c *Client) do(req *http.Request, trace *sendTrace) (*http.Response, error) {
	rt := c.hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		return nil, &url.Error{Op: "Post", URL: req.URL.String(), Err: err}
	}
	if resp == nil {
		return nil, &url.Error{Op: "Post", URL: req.URL.String(), Err: errNoResponse}
	}
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		trace.redirectHost = redirectHost(resp)
		resp.Header.Del("Location")
	}
	return resp, nil
}

// errNoResponse is what a RoundTripper that returns neither a response nor an error
// stands for.
var errNoResponse = errors.New("the transport returned no response and no error")

// CloseIdleConnections closes the connections of the client's transport that are idle
// now, as http.Client.CloseIdleConnections does; for example before a program's end.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// defaultHTTPClient returns the transport used without WithHTTPClient: bounded connect,
// TLS and response-header waits, a bounded idle pool shared by all goroutines, HTTP/2
// where the server offers it. The overall limit of one call is the caller's context;
// with no Client.Timeout, net/http starts no goroutine or timer of its own per request.
func defaultHTTPClient() *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 60 * time.Second,
			ExpectContinueTimeout: time.Second,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   maxConnsPerHost,
			MaxConnsPerHost:       maxConnsPerHost,
			IdleConnTimeout:       90 * time.Second,
		},
	}
}

// endpoint describes one of the API's five endpoints.
type endpoint struct {
	name string
	// unsafe marks a call that must not be repeated once it may have reached the server:
	// createFundSearchTaskB is billed, fundUserCode spends one of the person's attempts.
	unsafe bool
	// requires names a key that the data of a successful answer must have, and missing
	// is the error of an answer without it.
	requires string
	missing  error
}

var (
	epCities     = endpoint{name: "getFundCitysB"}
	epCityParams = endpoint{name: "getFundCityParamB"}
	epCreateTask = endpoint{name: "createFundSearchTaskB", unsafe: true}
	epGetFund    = endpoint{name: "getFundB", requires: "code", missing: errNoTaskCode}
	epUserCode   = endpoint{name: "fundUserCode", unsafe: true, requires: "status", missing: errNoCodeStatus}
)

// envelope is a decoded response: the top-level fields every endpoint answers with,
// and its data read into the endpoint's type T.
type envelope[T any] struct {
	Status  Status `json:"status"`  // 查询状态：0--成功
	Message string `json:"message"` // 接口返回描述
	SeqNum  string `json:"seqNum"`  // 接口调用流水号
	Data    T      `json:"data"`    // 返回数据
}

// call sends params to ep, retrying as the client's policy allows, and decodes the
// response's data into a T.
func call[T any](ctx context.Context, c *Client, ep endpoint, params map[string]string) (T, error) {
	var zero T
	form, scrub := c.form(ep, params)
	scrub = scrubberFor(ctx, scrub)
	for attempt := 1; ; attempt++ {
		env, err := roundTrip[T](ctx, c, ep, form, scrub, attempt)
		if err == nil {
			c.budget.refill()
			noteSeqNum(ctx, env.SeqNum)
			scrubData(scrub, &env.Data)
			return env.Data, nil
		}
		err = c.hint(err)
		reason, retry := retryable(ctx, ep, err)
		delay, asked := c.retry.delay(attempt, err)
		if retry && (attempt >= c.retry.MaxAttempts || delay > c.retry.MaxDelay && asked || pastDeadline(ctx, delay) || !c.budget.spend()) {
			retry = false
		}
		if !retry {
			err = outcome(ep, err)
			c.logger.LogAttrs(ctx, slog.LevelWarn, "tcredit call failed",
				slog.String("endpoint", ep.name), slog.Int("attempt", attempt), slog.String("error", err.Error()))
			return zero, err
		}
		c.logger.LogAttrs(ctx, slog.LevelInfo, "tcredit retry",
			slog.String("endpoint", ep.name), slog.Int("attempt", attempt), slog.String("reason", reason), slog.Duration("backoff", delay))
		if werr := sleep(ctx, delay); werr != nil {
			return zero, fmt.Errorf("tcredit: %s: %w while waiting to retry after: %w", ep.name, werr, err)
		}
	}
}

// pastDeadline reports whether waiting d would outlast ctx's deadline.
func pastDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) < d
}

// scrubData scrubs the server's text in a response's data, if it has any.
func scrubData[T any](s *scrubber, data *T) {
	if sc, ok := any(data).(scrubbable); ok {
		sc.scrub(s)
	} else if sc, ok := any(*data).(scrubbable); ok {
		sc.scrub(s)
	}
}

// hint adds to a status 5 over https the advice to try the document's http URL: no
// independent client of the API has signed over https.
func (c *Client) hint(err error) error {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == StatusTokenKey && strings.HasPrefix(c.baseURL, "https://") {
		apiErr.hint = "the API's document gives an http URL (" + DefaultBaseURL + "), and no client is known to sign over https: try it"
	}
	return err
}

// form builds the signed request body: the non-blank parameters, appId and tokenKey. It
// also returns the scrubber of what the body holds that must not come back.
func (c *Client) form(ep endpoint, params map[string]string) ([]byte, *scrubber) {
	var pairsBuf [16]param
	pairs := signedParams(pairsBuf[:0], params)
	tokenKey := signPairs(c.url(ep), c.tokenID, pairs)
	var b bytes.Buffer
	for _, p := range pairs {
		b.WriteString(url.QueryEscape(p.key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.value))
		b.WriteByte('&')
	}
	b.WriteString("appId=")
	b.WriteString(url.QueryEscape(c.appID))
	b.WriteString("&tokenKey=")
	b.WriteString(tokenKey)
	return b.Bytes(), requestScrubber(c.tokenID, tokenKey, pairs)
}

func (c *Client) url(ep endpoint) string { return c.baseURL + "/identity/" + ep.name }

// path is the path of ep's URL.
func (c *Client) path(ep endpoint) string { return c.basePath + "/identity/" + ep.name }

// roundTrip makes one attempt of a call and decodes its response. It first waits for
// the client's rate limiter, if any: a wait that fails sends nothing.
func roundTrip[T any](ctx context.Context, c *Client, ep endpoint, form []byte, scrub *scrubber, attempt int) (env *envelope[T], err error) {
	if err := ctx.Err(); err != nil { // over before it began: nothing was sent
		return nil, &transportError{endpoint: ep.name, err: err}
	}
	if err := c.waitLimiter(ctx); err != nil {
		return nil, fmt.Errorf("tcredit: %s: %w", ep.name, err)
	}
	start := time.Now()
	httpStatus := 0
	if c.observer != nil {
		obs := callObsFrom(ctx)
		defer func() { obs.attempt(attemptInfo(ep, attempt, httpStatus, env, err, time.Since(start))) }()
	}
	if t := c.hc.Timeout; t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	var trace sendTrace
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace.hooks()),
		http.MethodPost, c.url(ep), bytes.NewReader(form))
	if err != nil {
		return nil, fmt.Errorf("tcredit: %s: %w", ep.name, err)
	}
	req.GetBody = trace.getBody(form)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	resp, err := c.do(req, &trace)
	if err != nil {
		return nil, &transportError{endpoint: ep.name, sent: !trace.notSent(), err: scrub.error(err)}
	}
	httpStatus = resp.StatusCode
	body, readErr := readBody(resp)
	defer releaseBody(body)
	env, err = decodeResponse[T](ep, resp.StatusCode, body, readErr, scrub)
	var re *ResponseError
	if errors.As(err, &re) {
		re.RedirectHost = trace.redirectHost
		re.retryAfter = retryAfter(resp, time.Now())
	}
	attrs := []slog.Attr{
		slog.String("endpoint", ep.name), slog.Int("attempt", attempt),
		slog.Int("http_status", resp.StatusCode), slog.Duration("duration", time.Since(start)),
	}
	if env != nil {
		attrs = append(attrs, slog.Int("status", int(env.Status)), slog.String("seqNum", env.SeqNum))
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "tcredit request", attrs...)
	return env, err
}

// attemptInfo describes an attempt for the observer.
func attemptInfo[T any](ep endpoint, attempt, httpStatus int, env *envelope[T], err error, d time.Duration) AttemptInfo {
	a := AttemptInfo{Endpoint: ep.name, Attempt: attempt, HTTPStatus: httpStatus, Duration: d, ErrorType: errorType(err)}
	if env != nil {
		a.Answered, a.Status, a.SeqNum = true, env.Status, env.SeqNum
	}
	var re *ResponseError
	if errors.As(err, &re) {
		a.RetryAfter = re.retryAfter
	}
	return a
}

// frame is a whole response, read in one walk. The status decides what the response
// means, whatever shape data has: data is read in the same walk, before or after the
// status, and an error in it is kept aside (wire:"deferred") until the status says
// whether it matters. A second data is an error, as a second status is.
type frame[T any] struct {
	Status  *Status `json:"status" wire:"unique"`
	Message string  `json:"message"`
	SeqNum  string  `json:"seqNum"`
	Data    T       `json:"data" wire:"deferred,unique"`
}

// The ways a 200 response can fail to be an answer.
var (
	errNoStatus     = errors.New("no status in the response")
	errNoTaskCode   = errors.New("status 0 but no task code in data")
	errNoCodeStatus = errors.New("status 0 but no status in data: whether the code was taken is unknown")
	errNoSuccess    = errors.New("status 0 but no success in data: whether a task was created is unknown")
	errNoTID        = errors.New("success but no tid in data: a task was created, and its tid is unknown")
)

// decodeResponse turns a response into its envelope or the error it stands for. Every
// text of the server's that it passes on is scrubbed of what the request sent.
func decodeResponse[T any](ep endpoint, httpStatus int, body []byte, readErr error, scrub *scrubber) (*envelope[T], error) {
	respErr := func(err error) error {
		scrub.wireErr(err)
		return &ResponseError{Endpoint: ep.name, HTTPStatus: httpStatus, Snippet: scrub.snippet(body), Err: err, notAPI: !looksJSON(body)}
	}
	if readErr != nil {
		return nil, respErr(readErr)
	}
	if httpStatus != http.StatusOK {
		return nil, respErr(nil)
	}
	var f frame[T]
	data, err := wire.DecodeDeferred(body, &f, ep.requires)
	if err != nil {
		return nil, respErr(err)
	}
	if f.Status == nil {
		return nil, respErr(errNoStatus)
	}
	env := &envelope[T]{Status: *f.Status, Message: scrub.message(f.Message), SeqNum: seqNumOf(scrub.text(f.SeqNum))}
	if env.Status != StatusOK {
		return env, &APIError{Endpoint: ep.name, Status: env.Status, Message: env.Message, SeqNum: env.SeqNum, HTTPStatus: httpStatus}
	}
	if ep.requires != "" && !data.HasKey {
		return nil, respErr(ep.missing)
	}
	if data.Err != nil {
		return nil, respErr(data.Err)
	}
	env.Data = f.Data
	return env, nil
}

// maxSeqNum is the longest seqNum kept; the API's are 16 digits.
const maxSeqNum = 64

// seqNumOf returns the seqNum of an answer as the SDK passes it on (to errors, logs,
// the observer and the billing record): s when it is 1 to 64 ASCII letters, digits and
// hyphens, else "". A server's seqNum is otherwise any text of any length.
func seqNumOf(s string) string {
	if len(s) == 0 || len(s) > maxSeqNum {
		return ""
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '-':
		default:
			return ""
		}
	}
	return s
}

// redirectHost is the host a redirect's Location names, or "" when it names none that
// is a plain host name or address. Only the host is kept: the rest may echo the request,
// and so may a host with anything but letters, digits, dots, hyphens, colons and
// brackets in it (an IPv6 zone takes any bytes).
func redirectHost(resp *http.Response) string {
	loc, err := resp.Location()
	if err != nil {
		return ""
	}
	for _, c := range loc.Host {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-:[]", c)) {
			return ""
		}
	}
	return loc.Host
}

// looksJSON reports whether a body is, by its first byte, a JSON object or array: an
// answer of the API rather than a gateway's page.
func looksJSON(body []byte) bool {
	trimmed := bytes.TrimSpace(body)
	return len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
}

// snippetLen is how much of a body an error quotes, in bytes.
const snippetLen = 120

// snippet quotes the start of a body for an error message, with digit runs masked.
// A JSON body is never quoted: an API answer holds a person's data from its first
// bytes, and the error's JSON path says what is wrong with it.
func snippet(body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 || looksJSON(body) {
		return ""
	}
	return wire.Snippet(body, snippetLen)
}

// sendTrace follows a request through net/http's transport far enough to tell a
// request that certainly never left from one that may have.
type sendTrace struct {
	getConn, gotConn, wroteHeaders atomic.Bool
	wroteRequest                   atomic.Bool // the whole request was written once
	redirectHost                   string      // the host of a redirect's Location
}

func (t *sendTrace) hooks() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn:      func(string) { t.getConn.Store(true) },
		GotConn:      func(httptrace.GotConnInfo) { t.gotConn.Store(true) },
		WroteHeaders: func() { t.wroteHeaders.Store(true) },
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				t.wroteRequest.Store(true)
			}
		},
	}
}

// errWrittenOnce refuses to write a request body a second time.
var errWrittenOnce = errors.New("the request was written whole once and is not written again")

// getBody returns the request's GetBody: net/http calls it to send a request again on a
// new connection. That is safe while nothing of the request was written, and is refused
// once it was written whole: HTTP/2 would otherwise send a request again after a reset
// stream, over and over, past the client's own retry policy and whatever the request
// costs.
func (t *sendTrace) getBody(form []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		if t.wroteRequest.Load() {
			return nil, errWrittenOnce
		}
		return io.NopCloser(bytes.NewReader(form)), nil
	}
}

// notSent reports whether the failed request certainly did not reach the server, judged
// only from what the transport reported of this request: it began to get a connection
// and then got none, or got one and wrote no headers to it. An error's text or Op says
// nothing of which request it is about. Through a RoundTripper that reports nothing,
// nothing can be known, and the request may have been sent.
func (t *sendTrace) notSent() bool {
	return t.getConn.Load() && (!t.gotConn.Load() || !t.wroteHeaders.Load())
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
