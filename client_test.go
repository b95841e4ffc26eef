package tcredit

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestNewClientRejects(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Transport: httpmock.NewMockTransport()}
	tests := []struct {
		name           string
		appID, tokenID string
		opt            Option
		want           string // in the error text
	}{
		{"empty appID", "", testTokenID, nil, "appID"},
		{"blank appID", "  ", testTokenID, nil, "appID"},
		{"empty tokenID", testAppID, "", nil, "tokenID"},
		{"blank tokenID", testAppID, "\t", nil, "tokenID"},
		{"relative base URL", testAppID, testTokenID, WithBaseURL("/identity"), "/identity"},
		{"base URL without scheme", testAppID, testTokenID, WithBaseURL("api.tcredit.com"), "api.tcredit.com"},
		{"ftp base URL", testAppID, testTokenID, WithBaseURL("ftp://api.tcredit.com"), "ftp://api.tcredit.com"},
		{"base URL without host", testAppID, testTokenID, WithBaseURL("http://"), "http://"},
		{"empty base URL", testAppID, testTokenID, WithBaseURL(""), "base URL"},
		{"unparsable base URL", testAppID, testTokenID, WithBaseURL("http://[::1"), "base URL"},
		{"base URL with a query", testAppID, testTokenID, WithBaseURL("http://api.tcredit.com?x=1"), "query"},
		{"nil HTTP client", testAppID, testTokenID, WithHTTPClient(nil), "HTTP client"},
		{"nil logger", testAppID, testTokenID, WithLogger(nil), "logger"},
		{"no attempts", testAppID, testTokenID, WithRetry(RetryPolicy{}), "MaxAttempts"},
		{"negative delay", testAppID, testTokenID, WithRetry(RetryPolicy{MaxAttempts: 2, BaseDelay: -time.Second}), "negative"},
		{"line break in user agent", testAppID, testTokenID, WithUserAgent("app/1\r\nX-Evil: 1"), "user agent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []Option{WithHTTPClient(hc)}
			if tt.opt != nil {
				opts = append(opts, tt.opt)
			}
			c, err := NewClient(tt.appID, tt.tokenID, opts...)
			assert.Nil(t, c, tt.name)
			require.Error(t, err, tt.name)
			assert.Contains(t, err.Error(), tt.want, tt.name)
			assert.True(t, strings.HasPrefix(err.Error(), "tcredit: NewClient: "), "%s: %v", tt.name, err)
		})
	}
}

func TestBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ base, endpoint string }{
		{"https://api.tcredit.com/", "https://api.tcredit.com/identity/getFundCitysB"},
		{"http://127.0.0.1:8080/sandbox", "http://127.0.0.1:8080/sandbox/identity/getFundCitysB"},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			mt := httpmock.NewMockTransport()
			c, err := NewClient(testAppID, testTokenID, WithBaseURL(tt.base), WithHTTPClient(&http.Client{Transport: mt}), noRetry)
			require.NoError(t, err)
			var form string
			mt.RegisterResponder(http.MethodPost, tt.endpoint, func(req *http.Request) (*http.Response, error) {
				require.NoError(t, req.ParseForm())
				form = req.PostForm.Get("tokenKey")
				return httpmock.NewBytesResponse(http.StatusOK, fixture(t, "getFundCitysB.json")), nil
			})
			_, err = c.Cities(context.Background())
			require.NoError(t, err, tt.base)
			assert.Equal(t, referenceSign(tt.endpoint, testTokenID, nil), form, "%s: signed with the URL it is sent to", tt.base)
		})
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	base := wantUserAgent
	format := regexp.MustCompile(`^tcredit-go/\d+\.\d+\.\d+\S* \([a-z0-9]+; [a-z0-9]+\) go/\S+( \S.*)?$`)
	tests := []struct {
		opts []Option
		want string
	}{
		{nil, base},
		{[]Option{WithUserAgent("myapp/1.2")}, base + " myapp/1.2"},
		{[]Option{WithUserAgent("  myapp/1.2 (lender) ")}, base + " myapp/1.2 (lender)"},
		{[]Option{WithUserAgent("")}, base},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			c, mt := newMockClient(t, tt.opts...)
			r := recordBody(mt, "getFundCitysB", http.StatusOK, fixture(t, "getFundCitysB.json"))
			_, err := c.Cities(context.Background())
			require.NoError(t, err)
			ua := r.requests()[0].UserAgent
			assert.Equal(t, tt.want, ua)
			assert.Regexp(t, format, ua)
		})
	}
}

func TestClientHidesTokenID(t *testing.T) {
	t.Parallel()
	c, _ := newMockClient(t)
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("client", "client", c)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("client", "client", c)
	for _, out := range []string{
		fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprint(c), c.String(), buf.String(),
		fmt.Sprintf("%+v", struct{ C *Client }{c}),
	} {
		assert.NotContains(t, out, testTokenID)
		assert.NotContains(t, out, "TOKEN")
	}
	assert.Equal(t, "tcredit.Client{appId: "+testAppID+", baseURL: "+testBaseURL+"}", c.String())
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	fund := recordBody(mt, "getFundB", http.StatusOK, fixture(t, "getFundB-variance.json"))
	create := recordBody(mt, "createFundSearchTaskB", http.StatusOK, fixture(t, "createFundSearchTaskB.json"))
	want, _, err := getFund(t, "2b5d0c1e9f3a4b7c8d6e5f4a3b2c1d0e", fixture(t, "getFundB-variance.json"))
	require.NoError(t, err)

	const goroutines, calls = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*calls*2)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				res, err := c.GetFund(context.Background(), "2b5d0c1e9f3a4b7c8d6e5f4a3b2c1d0e")
				if err == nil && !assert.ObjectsAreEqual(want, res) {
					err = fmt.Errorf("report differs: %+v", res)
				}
				errs <- err
				_, err = c.CreateTask(context.Background(), fullLogin)
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, goroutines*calls, fund.calls())
	assert.Equal(t, goroutines*calls, create.calls())
	reqs := create.requests()
	for _, r := range reqs[1:] {
		assert.Equal(t, reqs[0].Body, r.Body, "every request is signed the same")
	}
}

// Retries draw on a budget shared by the client, so that an outage is not met with
// MaxAttempts times the traffic.
func TestRetryBudget(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	r := recordBody(mt, "getFundB", http.StatusServiceUnavailable, nil)
	const calls = 10
	for i := 0; i < calls; i++ {
		_, err := c.GetFund(context.Background(), createdTID)
		require.Error(t, err)
	}
	assert.Equal(t, calls+budgetMax/budgetRetryCost, r.calls(), "retries stop when the budget is spent")

	// Successes earn retries back, one token each.
	ok := recordBody(mt, "createFundSearchTaskB", http.StatusOK, fixture(t, "createFundSearchTaskB.json"))
	for i := 0; i < budgetRetryCost; i++ {
		_, err := c.CreateTask(context.Background(), fullLogin)
		require.NoError(t, err)
	}
	assert.Equal(t, budgetRetryCost, ok.calls())
	before := r.calls()
	_, err := c.GetFund(context.Background(), createdTID)
	require.Error(t, err)
	assert.Equal(t, before+2, r.calls(), "one retry earned back")
}

// readers lists the endpoints that may be repeated, with the body of a success.
var readers = []struct {
	endpoint string
	success  string // fixture
	call     func(context.Context, *Client) error
}{
	{"getFundCitysB", "getFundCitysB.json", callers["getFundCitysB"]},
	{"getFundCityParamB", "getFundCityParamB.json", callers["getFundCityParamB"]},
	{"getFundB", "getFundB.json", callers["getFundB"]},
}

func TestReadsRetried(t *testing.T) {
	t.Parallel()
	failures := map[string]httpmock.Responder{
		"HTTP 500":         httpmock.NewStringResponder(http.StatusInternalServerError, "internal error"),
		"HTTP 502":         httpmock.NewBytesResponder(http.StatusBadGateway, fixture(t, "gateway-502.html")),
		"HTTP 503":         httpmock.NewStringResponder(http.StatusServiceUnavailable, ""),
		"HTTP 504":         httpmock.NewStringResponder(http.StatusGatewayTimeout, "timeout"),
		"HTTP 429":         httpmock.NewStringResponder(http.StatusTooManyRequests, `{"status":10}`),
		"status 10":        httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(10, "系统繁忙，请稍后再试", "s10", "null")),
		"connection error": httpmock.NewErrorResponder(errors.New("connection reset by peer")),
		"not JSON":         httpmock.NewStringResponder(http.StatusOK, "<html>maintenance</html>"),
		"truncated JSON":   httpmock.NewStringResponder(http.StatusOK, `{"status":0,"data":[{"area_code":"31`),
	}
	for _, rd := range readers {
		for name, failure := range failures {
			rd, name, failure := rd, name, failure
			t.Run(rd.endpoint+"/"+name, func(t *testing.T) {
				t.Parallel()
				c, mt := newMockClient(t)
				r := record(mt, rd.endpoint, failure, failure, httpmock.NewBytesResponder(http.StatusOK, fixture(t, rd.success)))
				require.NoError(t, rd.call(context.Background(), c))
				assert.Equal(t, 3, r.calls(), "two failures, then the answer")
				r.assertClosed(t)
			})
		}
	}
}

func TestReadsGiveUp(t *testing.T) {
	t.Parallel()
	for _, rd := range readers {
		c, mt := newMockClient(t)
		r := recordBody(mt, rd.endpoint, http.StatusServiceUnavailable, []byte("busy"))
		err := rd.call(context.Background(), c)
		var re *ResponseError
		require.True(t, errors.As(err, &re), "%T %v", err, err)
		assert.Equal(t, http.StatusServiceUnavailable, re.HTTPStatus)
		assert.Equal(t, rd.endpoint, re.Endpoint)
		assert.Equal(t, testRetry.MaxAttempts, r.calls())
		r.assertClosed(t)
	}
}

func TestReadsNotRetried(t *testing.T) {
	t.Parallel()
	failures := map[string]httpmock.Responder{
		"HTTP 400":      httpmock.NewStringResponder(http.StatusBadRequest, "bad request"),
		"HTTP 404":      httpmock.NewStringResponder(http.StatusNotFound, "not found"),
		"status 5":      httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(5, "TokenKey验证失败", "s5", "null")),
		"unknown 99":    httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(99, "?", "s99", "null")),
		"bad value":     httpmock.NewStringResponder(http.StatusOK, `{"status":0,"data":[{"area_status":"abc","login_type":"abc","code":"abc"}]}`),
		"too large":     tooLargeResponder(),
		"bad data kind": httpmock.NewStringResponder(http.StatusOK, `{"status":0,"data":[true]}`),
	}
	for _, rd := range readers {
		for name, failure := range failures {
			t.Run(rd.endpoint, func(t *testing.T) {
				c, mt := newMockClient(t)
				r := record(mt, rd.endpoint, failure)
				require.Error(t, rd.call(context.Background(), c), "%s %s", rd.endpoint, name)
				assert.Equal(t, 1, r.calls(), "%s %s: repeating would not change the answer", rd.endpoint, name)
				r.assertClosed(t)
			})
		}
	}
}

func TestRetryOff(t *testing.T) {
	t.Parallel()
	for _, rd := range readers {
		c, mt := newMockClient(t, WithRetry(RetryPolicy{MaxAttempts: 1}))
		r := record(mt, rd.endpoint, httpmock.NewStringResponder(http.StatusBadGateway, "bad gateway"),
			httpmock.NewBytesResponder(http.StatusOK, fixture(t, rd.success)))
		err := rd.call(context.Background(), c)
		var re *ResponseError
		require.True(t, errors.As(err, &re), "%T %v", err, err)
		assert.Equal(t, http.StatusBadGateway, re.HTTPStatus)
		assert.Equal(t, 1, r.calls())
	}
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	var dials atomic.Int32
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) {
			dials.Add(1)
			return nil, errors.New("no network in tests")
		},
	}}
	for endpoint, call := range callers {
		c, err := NewClient(testAppID, testTokenID, WithBaseURL("http://127.0.0.1:9"), WithHTTPClient(hc), WithRetry(testRetry))
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err = call(ctx, c)
		assert.True(t, errors.Is(err, context.Canceled), "%s: %v", endpoint, err)
		assert.False(t, errors.Is(err, ErrOutcomeUnknown), "%s: nothing was sent: %v", endpoint, err)
	}
	assert.Zero(t, dials.Load(), "nothing is sent, nor retried, once the context has ended")
}

// A context that ends while the client waits to retry ends the call at once.
func TestCancelledWhileWaitingToRetry(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The context ends as the client announces its wait to retry.
	waiting := slog.New(&retryLog{onWait: cancel})
	c, mt := newMockClient(t, WithRetry(RetryPolicy{MaxAttempts: 4, BaseDelay: time.Hour}), WithLogger(waiting))
	r := record(mt, "getFundB", func(*http.Request) (*http.Response, error) {
		return httpmock.NewStringResponse(http.StatusServiceUnavailable, ""), nil
	})
	_, err := c.GetFund(ctx, createdTID)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, r.calls())
	r.assertClosed(t)
}

func TestGatewayPage(t *testing.T) {
	t.Parallel()
	page := fixture(t, "gateway-502.html")
	c, mt := newMockClient(t, noRetry)
	r := recordBody(mt, "getFundB", http.StatusBadGateway, page)
	res, err := c.GetFund(context.Background(), createdTID)
	assert.Nil(t, res)
	var re *ResponseError
	require.True(t, errors.As(err, &re), "%T %v", err, err)
	assert.Equal(t, "getFundB", re.Endpoint)
	assert.Equal(t, http.StatusBadGateway, re.HTTPStatus)
	assert.Nil(t, re.Err)
	assert.Contains(t, re.Snippet, "502 Bad Gateway")
	assert.Contains(t, re.Snippet, "622**************23", "long digit runs are masked")
	assert.NotContains(t, re.Snippet, "6222021234567890123")
	assert.NotContains(t, re.Snippet, "padding comment", "only the start of the body is quoted")
	assert.Less(t, len(re.Snippet), 160, "a short snippet: %s", re.Snippet)
	assert.Less(t, len(re.Snippet), len(page))
	assert.Contains(t, err.Error(), "getFundB")
	assert.Contains(t, err.Error(), "HTTP 502")
	assert.Contains(t, err.Error(), re.Snippet)
	r.assertClosed(t)
}

func TestUnreadableBodies(t *testing.T) {
	t.Parallel()
	whole := fixture(t, "getFundB.json")
	tests := map[string]string{
		"HTML":           "<html><body>服务维护中</body></html>",
		"plain text":     "OK",
		"empty":          "",
		"truncated JSON": string(whole[:len(whole)/2]),
		"two documents":  `{"status":0}{"status":0}`,
		"JSON string":    `"成功"`,
		"invalid UTF-8":  "{\"status\":0,\"data\":\xff}",
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			c, mt := newMockClient(t, noRetry)
			r := recordBody(mt, "getFundB", http.StatusOK, []byte(body))
			res, err := c.GetFund(context.Background(), createdTID)
			assert.Nil(t, res, name)
			var re *ResponseError
			require.True(t, errors.As(err, &re), "%s: %T %v", name, err, err)
			assert.Equal(t, http.StatusOK, re.HTTPStatus, name)
			assert.Equal(t, "getFundB", re.Endpoint, name)
			assert.Error(t, re.Err, name)
			assert.LessOrEqual(t, len(re.Snippet), 160, name)
			r.assertClosed(t)
		})
	}
}

// spaces is an endless body of JSON white space, served without allocating it.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// tooLargeResponder answers 200 with a body one byte over the limit.
func tooLargeResponder() httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(http.StatusOK, nil)
		resp.Body = io.NopCloser(io.LimitReader(spaces{}, maxBodySize+1))
		return resp, nil
	}
}

func TestBodyLimit(t *testing.T) {
	// Not parallel: each case holds 32 MiB.
	c, mt := newMockClient(t)
	r := record(mt, "getFundCitysB", tooLargeResponder())
	_, err := c.Cities(context.Background())
	assert.True(t, errors.Is(err, ErrResponseTooLarge), "%v", err)
	var re *ResponseError
	require.True(t, errors.As(err, &re))
	assert.Equal(t, http.StatusOK, re.HTTPStatus)
	assert.Equal(t, "getFundCitysB", re.Endpoint)
	assert.Equal(t, 1, r.calls())
	r.assertClosed(t)

	// A body of exactly the limit is read.
	doc := fixture(t, "getFundCitysB.json")
	c, mt = newMockClient(t)
	record(mt, "getFundCitysB", func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(http.StatusOK, nil)
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(doc), io.LimitReader(spaces{}, int64(maxBodySize-len(doc)))))
		return resp, nil
	})
	cities, err := c.Cities(context.Background())
	require.NoError(t, err)
	assert.Len(t, cities, 2)
}

// Every response body is read to its end and closed, whatever it holds, so that one
// connection serves every call.
func TestConnectionReused(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	bodies := []struct {
		status int
		body   []byte
	}{
		{http.StatusOK, fixture(t, "getFundB-variance.json")},
		{http.StatusBadGateway, fixture(t, "gateway-502.html")},
		{http.StatusOK, fixture(t, "status5.json")},
		{http.StatusOK, envelopeJSON(0, "成功", "1", `{"code":50004,"msg":"登录失败"}`)},
		{http.StatusOK, envelopeJSON(0, "成功", "1", `{"code":0,"baseInfo":{"houseFundBalance":"abc"},"billInfos":[`+strings.Repeat(`{"balance":1},`, 2000)+`{}]}`)},
		{http.StatusNotFound, nil},
		{http.StatusOK, []byte("<html>not JSON</html>")},
	}
	var conns, served atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b := bodies[int(served.Add(1)-1)%len(bodies)]
		w.WriteHeader(b.status)
		_, _ = w.Write(b.body)
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()

	c, err := NewClient(testAppID, testTokenID, WithBaseURL(srv.URL), WithHTTPClient(srv.Client()), noRetry)
	require.NoError(t, err)
	const calls = 21
	for i := 0; i < calls; i++ {
		_, _ = c.GetFund(context.Background(), createdTID)
	}
	srv.Close()
	assert.Equal(t, int32(calls), served.Load())
	assert.Equal(t, int32(1), conns.Load(), "every call reuses the first connection")
	goleak.VerifyNone(t, ignore)
}

// A billed call whose request reached the server is not repeated; one that never left
// is. These run over a real transport, which reports what it wrote.
func TestCreateTaskOverTheNetwork(t *testing.T) {
	t.Parallel()
	t.Run("connection dropped after the request", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			hits.Add(1)
			_, _ = io.Copy(io.Discard, req.Body)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}))
		defer srv.Close()
		c, err := NewClient(testAppID, testTokenID, WithBaseURL(srv.URL), WithHTTPClient(srv.Client()), WithRetry(testRetry))
		require.NoError(t, err)

		_, err = c.CreateTask(context.Background(), fullLogin)
		assert.True(t, errors.Is(err, ErrOutcomeUnknown), "%v", err)
		assert.Equal(t, int32(1), hits.Load(), "billed once, never twice")

		_, err = c.GetFund(context.Background(), createdTID)
		require.Error(t, err)
		assert.False(t, errors.Is(err, ErrOutcomeUnknown), "a read's outcome is never in doubt")
		assert.Equal(t, int32(1+testRetry.MaxAttempts), hits.Load(), "a read is repeated")
	})
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		var mu sync.Mutex
		dials := 0
		hc := &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				mu.Lock()
				dials++
				mu.Unlock()
				return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
			},
		}}
		c, err := NewClient(testAppID, testTokenID, WithBaseURL("http://127.0.0.1:9"), WithHTTPClient(hc), WithRetry(testRetry))
		require.NoError(t, err)
		_, err = c.CreateTask(context.Background(), fullLogin)
		require.Error(t, err)
		assert.False(t, errors.Is(err, ErrOutcomeUnknown), "nothing was sent: %v", err)
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, testRetry.MaxAttempts, dials, "a request that never left may be sent again")
	})
}

func TestLogsHideSecrets(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt := newMockClient(t, WithLogger(logger))
	create := record(mt, "createFundSearchTaskB",
		httpmock.NewBytesResponder(http.StatusOK, fixture(t, "createFundSearchTaskB.json")),
		httpmock.NewBytesResponder(http.StatusBadGateway, fixture(t, "gateway-502.html")))
	submit := recordBody(mt, "fundUserCode", http.StatusOK, envelopeJSON(0, "成功", "1", `{"status":-2,"message":"参数错误"}`))
	fund := record(mt, "getFundB",
		httpmock.NewStringResponder(http.StatusServiceUnavailable, ""),
		httpmock.NewBytesResponder(http.StatusOK, fixture(t, "getFundB-variance.json")))

	ctx := context.Background()
	_, err := c.CreateTask(ctx, fullLogin)
	require.NoError(t, err)
	_, err = c.CreateTask(ctx, fullLogin)
	require.Error(t, err)
	require.Error(t, c.SubmitCode(ctx, createdTID, "739201"))
	_, err = c.GetFund(ctx, createdTID)
	require.NoError(t, err)

	mu.Lock()
	logs := buf.String()
	mu.Unlock()
	assert.Contains(t, logs, `"endpoint":"getFundB"`, "the calls are logged")
	assert.Contains(t, logs, "tcredit retry")
	assertNoSecrets(t, "logs", logs)
	assert.NotContains(t, logs, "739201", "the SMS code")
	assert.NotContains(t, logs, "431202198001011234", "the report's ID card")
	for _, r := range []*recorder{create, submit, fund} {
		for _, req := range r.requests() {
			assert.NotContains(t, logs, req.Form.Get("tokenKey"))
		}
	}
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// An error quotes the start of a body; a report's body starts with a person's data.
func TestResponseErrorHidesPersonalData(t *testing.T) {
	t.Parallel()
	body := []byte(`{"status":0,"data":{"code":0,"baseInfo":{"employeeName":"马蓉","gender":"女","houseFundBalance":"abc"}}}`)
	c, mt := newMockClient(t)
	recordBody(mt, "getFundB", http.StatusOK, body)
	_, err := c.GetFund(context.Background(), createdTID)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "data.baseInfo.houseFundBalance")
	assert.NotContains(t, err.Error(), "马蓉")
}

// h2ResetServer speaks just enough HTTP/2 (over TLS with ALPN h2) to read each
// request whole and then reset its stream with PROTOCOL_ERROR. It counts the requests
// (HEADERS frames) it read.
func h2ResetServer(t *testing.T) (addr string, client *http.Client, requests *atomic.Int64) {
	// Borrow httptest's certificate, then serve raw HTTP/2 over TLS (ALPN "h2").
	ts := httptest.NewUnstartedServer(nil)
	ts.EnableHTTP2 = true
	ts.StartTLS()
	certs, pool := ts.TLS.Certificates, x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	ts.Close()
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: certs, NextProtos: []string{"h2"}})
	require.NoError(t, err)
	// What the SDK's default transport is, but trusting the test certificate.
	client = &http.Client{Transport: &http.Transport{ForceAttemptHTTP2: true, TLSClientConfig: &tls.Config{RootCAs: pool}}}
	t.Cleanup(func() { l.Close() })
	requests = new(atomic.Int64)
	frame := func(typ, flags byte, stream uint32, payload []byte) []byte {
		b := make([]byte, 9, 9+len(payload))
		b[0], b[1], b[2] = byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
		b[3], b[4] = typ, flags
		binary.BigEndian.PutUint32(b[5:], stream)
		return append(b, payload...)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				preface := make([]byte, 24)
				if _, err := io.ReadFull(c, preface); err != nil {
					return
				}
				_, _ = c.Write(frame(0x4, 0, 0, nil)) // SETTINGS
				hdr := make([]byte, 9)
				for {
					if _, err := io.ReadFull(c, hdr); err != nil {
						return
					}
					n := int(hdr[0])<<16 | int(hdr[1])<<8 | int(hdr[2])
					typ, flags := hdr[3], hdr[4]
					stream := binary.BigEndian.Uint32(hdr[5:]) & 0x7fffffff
					if _, err := io.CopyN(io.Discard, c, int64(n)); err != nil {
						return
					}
					switch {
					case typ == 0x4 && flags&0x1 == 0:
						_, _ = c.Write(frame(0x4, 0x1, 0, nil)) // SETTINGS ACK
					case typ == 0x1:
						requests.Add(1)
					}
					if (typ == 0x0 || typ == 0x1) && flags&0x1 != 0 { // END_STREAM: request read whole
						_, _ = c.Write(frame(0x3, 0, stream, []byte{0, 0, 0, 1})) // RST_STREAM PROTOCOL_ERROR
					}
				}
			}(c)
		}
	}()
	return l.Addr().String(), client, requests
}

// net/http's HTTP/2 transport sends a request again, through req.GetBody, when the peer
// resets its stream with PROTOCOL_ERROR, even after the whole body was read, and with no
// limit. A billed call must reach the API once all the same.
func TestH2ResetRetriesBilledCall(t *testing.T) {
	addr, hc, requests := h2ResetServer(t)
	c, err := NewClient(testAppID, testTokenID, WithBaseURL("https://"+addr),
		WithHTTPClient(hc), WithRetry(testRetry))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = c.CreateTask(ctx, CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "zhangsan", Password: "p@ss word"})
	require.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.EqualValues(t, 1, requests.Load(), "billed requests that reached the API")
}
