package tcredit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/internal/wire"
)

// The failures a call can meet, each as roundTrip reports it.
var (
	errBusy       = &APIError{Endpoint: "e", Status: StatusBusy}
	errProcessing = &APIError{Endpoint: "e", Status: StatusProcessing}
	errRefused    = &APIError{Endpoint: "e", Status: StatusInvalidParams}
	errNotSent    = &transportError{endpoint: "e", err: io.EOF}
	errSent       = &transportError{endpoint: "e", sent: true, err: io.EOF}
	errCut        = &ResponseError{Endpoint: "e", HTTPStatus: http.StatusOK, Err: &cutBodyError{err: io.ErrUnexpectedEOF}}
	errHTTP502    = &ResponseError{Endpoint: "e", HTTPStatus: http.StatusBadGateway}
	errHTTP429    = &ResponseError{Endpoint: "e", HTTPStatus: http.StatusTooManyRequests}
	errHTTP404    = &ResponseError{Endpoint: "e", HTTPStatus: http.StatusNotFound}
	errNotJSON    = &ResponseError{Endpoint: "e", HTTPStatus: http.StatusOK, Err: &wire.Error{Msg: "invalid character"}}
	errBadValue   = &ResponseError{Endpoint: "e", HTTPStatus: http.StatusOK, Err: &wire.Error{Path: "data.code", Msg: "not a number"}}
	errOther      = errors.New("something else")
)

func TestRetryable(t *testing.T) {
	read, billed := epGetFund, epCreateTask
	tests := []struct {
		name   string
		ep     endpoint
		err    error
		reason string // "" for no retry
	}{
		{"read busy", read, errBusy, "status 10 (busy)"},
		{"billed busy", billed, errBusy, "status 10 (busy)"},
		{"read processing", read, errProcessing, ""},
		{"read refused", read, errRefused, ""},
		{"read not sent", read, errNotSent, "network error"},
		{"read sent", read, errSent, "network error"},
		{"billed not sent", billed, errNotSent, "network error"},
		{"billed sent", billed, errSent, ""},
		{"read body cut", read, errCut, "body cut short"},
		{"read 502", read, errHTTP502, "HTTP Bad Gateway"},
		{"read 429", read, errHTTP429, "HTTP 429"},
		{"read 404", read, errHTTP404, ""},
		{"read not JSON", read, errNotJSON, "unreadable body"},
		{"read bad value", read, errBadValue, ""},
		{"billed body cut", billed, errCut, ""},
		{"billed 502", billed, errHTTP502, ""},
		{"code sent", epUserCode, errSent, ""},
		{"other", read, errOther, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason, ok := retryable(context.Background(), tt.ep, tt.err)
			assert.Equal(t, tt.reason != "", ok)
			assert.Equal(t, tt.reason, reason)
		})
	}
}

func TestRetryableAfterTheCallerGaveUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range []error{errNotSent, errSent, errCut, errHTTP502} {
		t.Run(err.Error(), func(t *testing.T) {
			_, ok := retryable(ctx, epGetFund, err)
			assert.False(t, ok)
		})
	}
	// A busy server is another matter: the wait before a retry sees ctx's end.
	_, ok := retryable(ctx, epGetFund, errBusy)
	assert.True(t, ok)
}

func TestOutcome(t *testing.T) {
	tests := []struct {
		name    string
		ep      endpoint
		err     error
		unknown bool
	}{
		{"read sent", epGetFund, errSent, false},
		{"read processing", epGetFund, errProcessing, false},
		{"read 502", epGetFund, errHTTP502, false},
		{"billed busy", epCreateTask, errBusy, false},
		{"billed refused", epCreateTask, errRefused, false},
		{"billed processing", epCreateTask, errProcessing, true},
		{"billed not sent", epCreateTask, errNotSent, false},
		{"billed sent", epCreateTask, errSent, true},
		{"billed body cut", epCreateTask, errCut, true},
		{"billed 502", epCreateTask, errHTTP502, true},
		{"billed 404", epCreateTask, errHTTP404, true},
		{"code sent", epUserCode, errSent, true},
		{"code processing", epUserCode, errProcessing, true},
		{"billed other", epCreateTask, errOther, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := outcome(tt.ep, tt.err)
			require.ErrorIs(t, out, tt.err)
			if !tt.unknown {
				assert.Same(t, tt.err, out)
				return
			}
			var uo *UnknownOutcomeError
			require.ErrorAs(t, out, &uo)
			assert.Equal(t, tt.ep.name, uo.Endpoint)
			assert.ErrorIs(t, out, ErrOutcomeUnknown)
		})
	}
}

func TestDefaultRetryPolicy(t *testing.T) {
	c, err := NewClient("app", "token")
	require.NoError(t, err)
	assert.Equal(t, DefaultRetryPolicy(), c.retry)
	p := DefaultRetryPolicy()
	p.MaxAttempts = 1
	assert.Equal(t, 4, DefaultRetryPolicy().MaxAttempts, "a caller's copy changes nothing")
}

// hostileAPI is a server on loopback that plays the API behind a hostile network: every
// request it receives is counted, then answered by the fault under test.
type hostileAPI struct {
	srv   *httptest.Server
	hits  atomic.Int64
	fault func(w http.ResponseWriter, r *http.Request)
}

func newHostileAPI(t *testing.T, fault func(w http.ResponseWriter, r *http.Request)) *hostileAPI {
	t.Helper()
	a := &hostileAPI{fault: fault}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.hits.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		a.fault(w, r)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

// otherHost is a server that must never receive anything: it counts what reaches it.
func otherHost(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":0,"seqNum":"1","data":{"success":true,"tid":"EVIL","code":0,"status":0}}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// deadHost returns the URL of a loopback address that refuses every connection.
func deadHost(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

// hijack takes the connection from the server, for faults below HTTP.
func hijack(t *testing.T, w http.ResponseWriter) net.Conn {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return nil
	}
	return conn
}

// faultModes are the ways a network between the client and the API misbehaves, each
// with whether the API is certain not to have acted on the request.
func faultModes(t *testing.T, dead, other string) []struct {
	name      string
	fault     func(w http.ResponseWriter, r *http.Request)
	certainNo bool // the API said it did nothing (status 10): the call may be repeated
} {
	html := func(status int) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "<html><body><h1>"+http.StatusText(status)+"</h1></body></html>")
		}
	}
	redirect := func(status int, to string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			target := to
			if target == "" { // to itself
				target = "http://" + r.Host + r.URL.Path
			}
			http.Redirect(w, r, target+r.URL.Path, status)
		}
	}
	type mode = struct {
		name      string
		fault     func(w http.ResponseWriter, r *http.Request)
		certainNo bool
	}
	modes := []mode{
		{name: "close after read", fault: func(w http.ResponseWriter, r *http.Request) {
			if c := hijack(t, w); c != nil {
				c.Close()
			}
		}},
		{name: "reset after read", fault: func(w http.ResponseWriter, r *http.Request) {
			if c := hijack(t, w); c != nil {
				_ = c.(*net.TCPConn).SetLinger(0)
				c.Close()
			}
		}},
		{name: "502 HTML", fault: html(http.StatusBadGateway)},
		{name: "503", fault: html(http.StatusServiceUnavailable)},
		{name: "429", fault: html(http.StatusTooManyRequests)},
		{name: "busy", certainNo: true, fault: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"status":10,"message":"系统繁忙，请稍后再试","seqNum":"1"}`)
		}},
		{name: "truncated JSON", fault: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"status":0,"seqNum":"1","data":{"success":true,"tid":"T`)
		}},
		{name: "cut body", fault: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "400")
			_, _ = io.WriteString(w, `{"status":0,"seqNum":"1","data":{"success":true,`)
			_ = http.NewResponseController(w).Flush()
			if c := hijack(t, w); c != nil {
				c.Close()
			}
		}},
		{name: "chunked cut", fault: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, `{"status":0,"seqNum":"1","data":{"success":true,`)
			_ = http.NewResponseController(w).Flush() // no Content-Length: chunked
			if c := hijack(t, w); c != nil {
				c.Close()
			}
		}},
		{name: "hang", fault: func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}},
		{name: "headers then hang", fault: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			_ = http.NewResponseController(w).Flush()
			<-r.Context().Done()
		}},
	}
	for _, status := range []int{301, 302, 303, 307, 308} {
		modes = append(modes,
			mode{name: fmt.Sprintf("%d to a dead host", status), fault: redirect(status, dead)},
			mode{name: fmt.Sprintf("%d to another host", status), fault: redirect(status, other)},
			mode{name: fmt.Sprintf("%d to itself", status), fault: redirect(status, "")},
		)
	}
	return modes
}

// billedCalls are the calls that must never be repeated once they may have been sent.
var billedCalls = map[string]func(ctx context.Context, c *Client) error{
	"createFundSearchTaskB": func(ctx context.Context, c *Client) error {
		_, err := c.CreateTask(ctx, CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "zhangsan", Password: "p@ss word"})
		return err
	},
	"fundUserCode": func(ctx context.Context, c *Client) error {
		return c.SubmitCode(ctx, "T-0001", "739201")
	},
}

// faultRun is one call under one fault: the API, a host that must see nothing, and a
// client of the API with a deadline for the modes that hang.
type faultRun struct {
	api       *hostileAPI
	otherHits *atomic.Int64
	client    *Client
	ctx       context.Context
	certainNo bool
}

// eachFault runs test in a parallel subtest for every fault mode, with hosts of its own.
func eachFault(t *testing.T, prefix string, test func(t *testing.T, name string, r faultRun)) {
	for i, mode := range faultModes(t, "", "") {
		t.Run(prefix+mode.name, func(t *testing.T) {
			t.Parallel()
			other, otherHits := otherHost(t)
			mode := faultModes(t, deadHost(t), other.URL)[i]
			api := newHostileAPI(t, mode.fault)
			c, err := NewClient(testAppID, testTokenID, WithBaseURL(api.srv.URL), WithRetry(testRetry))
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			test(t, mode.name, faultRun{api: api, otherHits: otherHits, client: c, ctx: ctx, certainNo: mode.certainNo})
		})
	}
}

func TestFaultMatrixBilledCalls(t *testing.T) {
	for name, billed := range billedCalls {
		eachFault(t, name+"/", func(t *testing.T, _ string, r faultRun) {
			err := billed(r.ctx, r.client)

			require.Error(t, err)
			assert.Zero(t, r.otherHits.Load(), "a request reached another host")
			if r.certainNo {
				assert.ErrorIs(t, err, ErrBusy)
				assert.NotErrorIs(t, err, ErrOutcomeUnknown)
				assert.EqualValues(t, testRetry.MaxAttempts, r.api.hits.Load(), "each refusal is certain, so the call is repeated")
				return
			}
			assert.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.EqualValues(t, 1, r.api.hits.Load(), "requests that reached the API")
		})
	}
}

func TestFaultMatrixReads(t *testing.T) {
	retried := map[string]bool{ // faults after which a read is asked again
		"close after read": true, "reset after read": true, "502 HTML": true, "503": true, "429": true,
		"busy": true, "truncated JSON": true, "cut body": true, "chunked cut": true,
	}
	eachFault(t, "", func(t *testing.T, name string, r faultRun) {
		res, err := r.client.GetFund(r.ctx, "T-0001")

		require.Error(t, err)
		assert.Nil(t, res)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a read has no unknown outcome")
		assert.Zero(t, r.otherHits.Load(), "a request reached another host")
		switch {
		case retried[name]:
			assert.EqualValues(t, testRetry.MaxAttempts, r.api.hits.Load())
		case strings.Contains(name, "hang"):
			assert.ErrorIs(t, err, context.DeadlineExceeded)
		default: // a redirect: an answer, not a passing failure
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.EqualValues(t, 1, r.api.hits.Load())
		}
	})
}

func TestRedirectIsNamedNotFollowed(t *testing.T) {
	other, otherHits := otherHost(t)
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			api := newHostileAPI(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+"/identity/createFundSearchTaskB?from=gateway", status)
			})
			// A caller's own HTTP client that would follow redirects is not obeyed.
			follow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
			c, err := NewClient(testAppID, testTokenID, WithBaseURL(api.srv.URL), WithHTTPClient(follow))
			require.NoError(t, err)

			tid, err := c.CreateTask(context.Background(), CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "zhangsan", Password: "secret-pass"})

			assert.Empty(t, tid)
			require.ErrorIs(t, err, ErrOutcomeUnknown)
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, status, re.HTTPStatus)
			assert.Equal(t, strings.TrimPrefix(other.URL, "http://"), re.RedirectHost)
			assert.Contains(t, err.Error(), "redirecting to "+re.RedirectHost+", not followed")
			assert.NotContains(t, err.Error(), "from=gateway", "only the host of a Location is shown")
			assert.Zero(t, otherHits.Load())
			assert.Nil(t, follow.Transport, "the caller's client is left as it was")
			assert.NotNil(t, follow.CheckRedirect)
		})
	}
}

// opaqueTransport is a RoundTripper that is not net/http's: it fails every request with
// a dial error, after the request may or may not have left.
type opaqueTransport struct{ calls atomic.Int64 }

func (o *opaqueTransport) RoundTrip(*http.Request) (*http.Response, error) {
	o.calls.Add(1)
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
}

func TestNotSentIsJudgedByTheTransport(t *testing.T) {
	t.Run("an error's Op says nothing", func(t *testing.T) {
		tr := &opaqueTransport{}
		c, err := NewClient(testAppID, testTokenID, WithBaseURL(testBaseURL), WithHTTPClient(&http.Client{Transport: tr}), WithRetry(testRetry))
		require.NoError(t, err)
		err = billedCalls["createFundSearchTaskB"](context.Background(), c)
		require.ErrorIs(t, err, ErrOutcomeUnknown)
		assert.EqualValues(t, 1, tr.calls.Load(), "a billed call through an opaque transport is never repeated")
	})
	t.Run("no connection", func(t *testing.T) {
		var dials atomic.Int64
		dialer := &net.Dialer{}
		hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return dialer.DialContext(ctx, network, addr)
		}}}
		c, err := NewClient(testAppID, testTokenID, WithBaseURL(deadHost(t)), WithHTTPClient(hc), WithRetry(testRetry))
		require.NoError(t, err)
		err = billedCalls["createFundSearchTaskB"](context.Background(), c)
		require.Error(t, err)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown, "nothing was sent: the outcome is known")
		assert.EqualValues(t, testRetry.MaxAttempts, dials.Load(), "a request that never left may be tried again")
	})
}

func TestCutReadIsRetried(t *testing.T) {
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			var n atomic.Int64
			api := newHostileAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) <= 2 { // two cut answers, then a whole one
					if !chunked {
						w.Header().Set("Content-Length", "4000")
					}
					_, _ = io.WriteString(w, `{"status":0,"seqNum":"1","data":{"tid":"T-0001","code":2000`)
					_ = http.NewResponseController(w).Flush()
					if c := hijack(t, w); c != nil {
						c.Close()
					}
					return
				}
				_, _ = io.WriteString(w, `{"status":0,"seqNum":"1","data":{"tid":"T-0001","code":40001}}`)
			})
			c, err := NewClient(testAppID, testTokenID, WithBaseURL(api.srv.URL), WithRetry(testRetry))
			require.NoError(t, err)

			res, err := c.Wait(context.Background(), "T-0001", WithPollInterval(time.Millisecond, time.Millisecond))

			require.NoError(t, err)
			assert.Equal(t, CodeDone, res.Code)
			assert.EqualValues(t, 3, api.hits.Load())
		})
	}
}

func TestHTTPSStatus5Hint(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"status":5,"message":"TokenKey验证失败","seqNum":"1"}`)
	}))
	defer srv.Close()
	c, err := NewClient(testAppID, testTokenID, WithBaseURL(srv.URL), WithHTTPClient(srv.Client()))
	require.NoError(t, err)
	_, err = c.Cities(context.Background())
	require.ErrorIs(t, err, ErrTokenKey)
	assert.Contains(t, err.Error(), "http://api.tcredit.com")

	plain := httptest.NewServer(srv.Config.Handler)
	defer plain.Close()
	c, err = NewClient(testAppID, testTokenID, WithBaseURL(plain.URL))
	require.NoError(t, err)
	_, err = c.Cities(context.Background())
	require.ErrorIs(t, err, ErrTokenKey)
	assert.NotContains(t, err.Error(), "http://api.tcredit.com", "over http there is nothing to advise")
}

func TestBlankIsNotAValue(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		call       func(ctx context.Context, c *Client) error
		unknown    bool // the error matches ErrOutcomeUnknown
	}{
		{"getFundB code tab", `{"status":0,"seqNum":"1","data":{"tid":"T","code":"\t"}}`, echoCalls["GetFund"], false},
		{"getFundB code space", `{"status":0,"seqNum":"1","data":{"tid":"T","code":" "}}`, echoCalls["GetFund"], false},
		{"getFundB code twice", `{"status":0,"seqNum":"1","data":{"tid":"T","code":50004,"code":0}}`, echoCalls["GetFund"], false},
		{"getFundB status tab", `{"status":"\t","seqNum":"1","data":{"tid":"T","code":0}}`, echoCalls["GetFund"], false},
		{"getFundB status ideographic space", `{"status":"\u3000","seqNum":"1","data":{"tid":"T","code":0}}`, echoCalls["GetFund"], false},
		{"getFundB status twice", `{"status":5,"status":0,"seqNum":"1","data":{"tid":"T","code":0}}`, echoCalls["GetFund"], false},
		{"cities status twice", `{"status":0,"status":5,"seqNum":"1","data":[]}`, echoCalls["Cities"], false},
		{"fundUserCode no data", `{"status":0,"seqNum":"1"}`, echoCalls["SubmitCode"], true},
		{"fundUserCode data null", `{"status":0,"seqNum":"1","data":null}`, echoCalls["SubmitCode"], true},
		{"fundUserCode data empty", `{"status":0,"seqNum":"1","data":{}}`, echoCalls["SubmitCode"], true},
		{"fundUserCode data.status blank", `{"status":0,"seqNum":"1","data":{"status":" "}}`, echoCalls["SubmitCode"], true},
		{"fundUserCode data.status twice", `{"status":0,"seqNum":"1","data":{"status":-2,"status":0}}`, echoCalls["SubmitCode"], true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMockClient(t, noRetry)
			mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(tt.body)), Header: http.Header{}}, nil
			})
			err := tt.call(context.Background(), c)
			require.Error(t, err, "a blank or repeated status or code is no answer")
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.unknown, errors.Is(err, ErrOutcomeUnknown))
		})
	}
}

func TestValuesAreTrimmedBeforeSigningAndSending(t *testing.T) {
	c, mt := newMockClient(t)
	r := recordBody(mt, "createFundSearchTaskB", http.StatusOK, fixture(t, "createFundSearchTaskB.json"))
	_, err := c.CreateTask(context.Background(), CreateTaskRequest{
		AreaCode: " 330100\t", LoginType: 1, Account: "\u3000zhangsan\u00a0", Password: " p@ss word\n",
		Mobile: "\u3000\u2003", RealName: "\x00\x1f", SubArea: "\ufeff",
	})
	require.NoError(t, err)
	reqs := r.requests()
	require.Len(t, reqs, 1)
	want := map[string]string{"area_code": "330100", "login_type": "1", "account": "zhangsan", "password": "p@ss word"}
	assertWire(t, r, "createFundSearchTaskB", want)
	for _, absent := range []string{"mobile", "real_name", "sub_area"} {
		assert.NotContains(t, reqs[0].Form, absent, "blank after trimming: not sent")
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		status int
		value  string
		want   time.Duration
	}{
		{"429 seconds", http.StatusTooManyRequests, "3", 3 * time.Second},
		{"503 seconds", http.StatusServiceUnavailable, " 120 ", 2 * time.Minute},
		{"503 HTTP date", http.StatusServiceUnavailable, now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"date in the past", http.StatusServiceUnavailable, now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"negative", http.StatusTooManyRequests, "-5", 0},
		{"garbage", http.StatusTooManyRequests, "soon", 0},
		{"absent", http.StatusTooManyRequests, "", 0},
		{"502 is not asked", http.StatusBadGateway, "3", 0},
		{"200 is not asked", http.StatusOK, "3", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			if tt.value != "" {
				resp.Header.Set("Retry-After", tt.value)
			}
			assert.Equal(t, tt.want, retryAfter(resp, now))
		})
	}
}

// retryLog records the waits the client's "tcredit retry" logs announce, and calls
// onWait, when set, as each is announced: after the answer was read, before the wait.
type retryLog struct {
	mu     sync.Mutex
	waits  []time.Duration
	onWait func()
}

func (l *retryLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *retryLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *retryLog) WithGroup(string) slog.Handler            { return l }
func (l *retryLog) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "backoff" {
			l.mu.Lock()
			l.waits = append(l.waits, a.Value.Duration())
			l.mu.Unlock()
			if l.onWait != nil {
				l.onWait()
			}
		}
		return true
	})
	return nil
}

// respondThen answers a Retry-After response first, then body.
func respondThen(status int, retryAfter string, body []byte) []httpmock.Responder {
	busy := httpmock.NewStringResponse(status, "slow down")
	busy.Header.Set("Retry-After", retryAfter)
	return []httpmock.Responder{httpmock.ResponderFromResponse(busy), httpmock.NewBytesResponder(http.StatusOK, body)}
}

func TestRetryAfterDelaysARead(t *testing.T) {
	log := &retryLog{}
	c, mt := newMockClient(t, WithLogger(slog.New(log)),
		WithRetry(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Second}))
	r := record(mt, "getFundB", respondThen(http.StatusTooManyRequests, "1", envelopeJSON(0, "", "s1", `{"code":10001}`))...)

	res, err := c.GetFund(context.Background(), "T1")
	require.NoError(t, err)
	assert.Equal(t, CodeLoggingIn, res.Code)
	assert.Equal(t, 2, r.calls())
	assert.Equal(t, []time.Duration{time.Second}, log.waits, "the retry waits what Retry-After said, not the 1ms backoff")
}

func TestRetryAfterBeyondThePolicyOrTheContext(t *testing.T) {
	tests := []struct {
		name     string
		after    string
		maxDelay time.Duration
		timeout  time.Duration
	}{
		{"longer than MaxDelay", "60", 2 * time.Second, time.Minute},
		{"past the context's deadline", "1", 2 * time.Second, 300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMockClient(t, WithRetry(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: tt.maxDelay}))
			r := record(mt, "getFundB", respondThen(http.StatusServiceUnavailable, tt.after, envelopeJSON(0, "", "s1", `{"code":10001}`))...)
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()

			_, err := c.GetFund(ctx, "T1")
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, http.StatusServiceUnavailable, re.HTTPStatus)
			assert.Equal(t, 1, r.calls(), "no retry sooner than asked")
			assert.NoError(t, ctx.Err(), "the call returned at once, without waiting")
		})
	}
}

func TestRetryAfterNeverResendsACreate(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			c, mt := newMockClient(t)
			r := record(mt, "createFundSearchTaskB", respondThen(status, "0", envelopeJSON(0, "", "s1", `{"success":true,"tid":"T1"}`))...)

			_, err := c.CreateTask(context.Background(), CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "a", Password: "p"})
			require.ErrorIs(t, err, ErrOutcomeUnknown)
			assert.Equal(t, 1, r.calls(), "a billed call is sent once")
		})
	}
}
