package tcredit_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// The end-to-end tests run the SDK against the sandbox, an independent implementation
// of the server side.

// sandbox is a tcredittest server, a client for it, and optionally a callback receiver
// that routes the sandbox's callbacks to the client.
type sandbox struct {
	srv       *tcredittest.Server
	client    *tcredit.Client
	hc        *http.Client
	callbacks atomic.Int32
}

// newSandbox starts a sandbox with a fast clock; with callbacks, its callbacks reach
// client.Notify through NewCallbackHandler. Everything stops at the test's end.
func newSandbox(t *testing.T, callbacks bool, clientOpts ...tcredit.Option) *sandbox {
	t.Helper()
	return newSandboxWith(t, callbacks, nil, clientOpts...)
}

// newSandboxWith is newSandbox with more options for the sandbox.
func newSandboxWith(t *testing.T, callbacks bool, sandboxOpts []tcredittest.Option, clientOpts ...tcredit.Option) *sandbox {
	t.Helper()
	sb := &sandbox{hc: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
	opts := append([]tcredittest.Option{tcredittest.WithStep(3 * time.Millisecond)}, sandboxOpts...)
	if callbacks {
		const secret = "callback-secret-0123456789"
		receiver := httptest.NewServer(tcredit.NewCallbackHandler(func(_ context.Context, cb tcredit.Callback) error {
			sb.callbacks.Add(1)
			sb.client.Notify(cb)
			return nil
		}, tcredit.WithCallbackSecret(secret)))
		t.Cleanup(receiver.Close)
		u, err := tcredit.CallbackURL(receiver.URL+"/fund/callback", secret)
		require.NoError(t, err)
		opts = append(opts, tcredittest.WithCallbackURL(u))
	}
	sb.srv = tcredittest.NewServer(opts...)
	t.Cleanup(sb.srv.Close)
	base := []tcredit.Option{
		tcredit.WithBaseURL(sb.srv.URL),
		tcredit.WithHTTPClient(sb.hc),
		tcredit.WithRetry(tcredit.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}),
	}
	client, err := tcredit.NewClient(sb.srv.AppID(), sb.srv.TokenID(), append(base, clientOpts...)...)
	require.NoError(t, err)
	sb.client = client
	t.Cleanup(sb.hc.CloseIdleConnections)
	return sb
}

// login is a request for the sandbox's 杭州 account-and-password form.
func login(account string) tcredit.CreateTaskRequest {
	return tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: account, Password: "pw-123456", SubArea: "1"}
}

// answer is a code provider that answers as the person would: the SMS code they got, or
// the digits of the captcha, which the test reads from the sandbox.
func (sb *sandbox) answer(t *testing.T) tcredit.QueryOption {
	return tcredit.WithCodeProvider(func(_ context.Context, ch tcredit.Challenge) (string, error) {
		if ch.Code.NeedsCaptcha() {
			assert.Equal(t, "image/png", ch.ImageType())
			task, ok := sb.srv.Task(ch.TID)
			require.True(t, ok)
			return task.Answer, nil
		}
		return tcredittest.SMSCode, nil
	})
}

// getFundCalls counts the sandbox's getFundB calls.
func (sb *sandbox) getFundCalls() int {
	n := 0
	for _, r := range sb.srv.Requests() {
		if r.Endpoint == "getFundB" {
			n++
		}
	}
	return n
}

func TestEveryScenarioThroughQuery(t *testing.T) {
	scenarios := []struct {
		account string
		want    tcredit.TaskCode
	}{
		{"demo-success", tcredit.CodeDone},
		{"demo-partial", tcredit.CodeDonePartial},
		{"demo-sms-challenge", tcredit.CodeDone},
		{"demo-image-challenge", tcredit.CodeDone},
		{"demo-wrong-password", tcredit.CodeBadCredentials},
		{"demo-wrong-code", tcredit.CodeWrongCode},
		{"demo-input-timeout", tcredit.CodeInputTimeout},
		{"demo-site-down", tcredit.CodeSiteMaintenance},
		{"demo-site-unstable", tcredit.CodeSiteUnstable},
		{"demo-crawl-failure", tcredit.CodeCrawlFailed},
	}
	for _, mode := range []string{"polling", "callbacks"} {
		for _, sc := range scenarios {
			t.Run(mode+"/"+sc.account, func(t *testing.T) {
				callbacks := mode == "callbacks"
				sb := newSandbox(t, callbacks)
				poll := tcredit.WithPollInterval(2*time.Millisecond, 10*time.Millisecond)
				if callbacks {
					// Polling only as a safety net: the callbacks must drive the task.
					poll = tcredit.WithPollInterval(time.Minute, time.Minute)
				}
				var seen []tcredit.TaskCode
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				res, err := sb.client.Query(ctx, login(sc.account), poll, sb.answer(t),
					tcredit.OnStatus(func(res *tcredit.FundResult) { seen = append(seen, res.Code) }))

				require.NotNil(t, res)
				require.Equal(t, sc.want, res.Code, "%v", err)
				require.NotEmpty(t, seen)
				assert.Equal(t, sc.want, seen[len(seen)-1], "OnStatus saw the end")
				billed := 0
				if sc.want.Done() {
					require.NoError(t, err)
					require.NotNil(t, res.BaseInfo)
					assert.NotEmpty(t, res.BillInfos)
					billed = 1
				} else {
					var te *tcredit.TaskError
					require.True(t, errors.As(err, &te), "%v", err)
					assert.Equal(t, sc.want, te.Code)
					assert.Equal(t, res.TID, te.TID)
				}
				assert.Len(t, sb.srv.Tasks(), 1, "one task per Query")
				assert.Equal(t, billed, sb.srv.Billed(sb.srv.AppID()), "billed, or rolled back for a failed task")
				if callbacks {
					assert.Positive(t, sb.callbacks.Load())
					// About one GetFund at the end, plus one per challenge.
					assert.LessOrEqual(t, sb.getFundCalls(), 3)
				}
			})
		}
	}
}

func TestPartialReportSaysWhatIsMissing(t *testing.T) {
	sb := newSandbox(t, false)
	res, err := sb.client.Query(context.Background(), login("demo-partial"), tcredit.WithPollInterval(2*time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, []string{"loanInfos"}, res.Missing)
	assert.Empty(t, res.LoanInfos)
}

func TestResumeAfterCancelledQuery(t *testing.T) {
	sb := newSandbox(t, false)
	ctx, cancel := context.WithCancel(context.Background())
	var saved string
	_, err := sb.client.Query(ctx, login("demo-sms-challenge"), tcredit.WithPollInterval(2*time.Millisecond, 5*time.Millisecond),
		tcredit.OnTaskCreated(func(_ context.Context, tid string) error {
			saved = tid
			cancel() // the pod goes down right after saving the tid
			return nil
		}))
	require.ErrorIs(t, err, context.Canceled)
	var qe *tcredit.QueryError
	require.True(t, errors.As(err, &qe))
	assert.Equal(t, saved, qe.TID)

	res, err := sb.client.Wait(context.Background(), saved, tcredit.WithPollInterval(2*time.Millisecond, 5*time.Millisecond), sb.answer(t))
	require.NoError(t, err)
	assert.Equal(t, tcredit.CodeDone, res.Code)
	assert.Equal(t, 1, sb.srv.Billed(sb.srv.AppID()))
}

func TestBillingUnderFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault tcredittest.Fault
		// outcomeUnknown: the create's answer was lost, so Query must stop without a
		// second task; otherwise the query must recover and succeed.
		outcomeUnknown bool
	}{
		{"create busy", tcredittest.Fault{Kind: tcredittest.FaultStatus, Endpoint: "createFundSearchTaskB", Status: 10, Count: 2}, false},
		{"create 502", tcredittest.Fault{Kind: tcredittest.FaultBadGateway, Endpoint: "createFundSearchTaskB"}, true},
		{"create truncated", tcredittest.Fault{Kind: tcredittest.FaultTruncate, Endpoint: "createFundSearchTaskB"}, true},
		{"create dropped", tcredittest.Fault{Kind: tcredittest.FaultDrop, Endpoint: "createFundSearchTaskB"}, true},
		{"create dropped after processing", tcredittest.Fault{Kind: tcredittest.FaultDropAfter, Endpoint: "createFundSearchTaskB"}, true},
		{"create slower than the timeout", tcredittest.Fault{Kind: tcredittest.FaultLatency, Endpoint: "createFundSearchTaskB", Delay: 300 * time.Millisecond}, true},
		{"getFundB busy", tcredittest.Fault{Kind: tcredittest.FaultStatus, Endpoint: "getFundB", Status: 10, Count: 3}, false},
		{"getFundB processing", tcredittest.Fault{Kind: tcredittest.FaultStatus, Endpoint: "getFundB", Status: 11, Count: 3}, false},
		{"getFundB 502", tcredittest.Fault{Kind: tcredittest.FaultBadGateway, Endpoint: "getFundB", Count: 3}, false},
		{"getFundB truncated", tcredittest.Fault{Kind: tcredittest.FaultTruncate, Endpoint: "getFundB", Count: 3}, false},
		{"getFundB dropped", tcredittest.Fault{Kind: tcredittest.FaultDrop, Endpoint: "getFundB", Count: 3}, false},
		{"getFundB slower than the timeout", tcredittest.Fault{Kind: tcredittest.FaultLatency, Endpoint: "getFundB", Delay: 300 * time.Millisecond, Count: 2}, false},
		{"cities 502", tcredittest.Fault{Kind: tcredittest.FaultBadGateway, Endpoint: "getFundCitysB", Count: 2}, false},
		{"params dropped", tcredittest.Fault{Kind: tcredittest.FaultDrop, Endpoint: "getFundCityParamB", Count: 2}, false},
		{"a third of all calls fail", tcredittest.Fault{Kind: tcredittest.FaultBadGateway, Rate: 0.3}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := newSandbox(t, false)
			sb.hc.Timeout = 150 * time.Millisecond
			sb.srv.InjectFault(tt.fault)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res, err := sb.client.Query(ctx, login("demo-success"), tcredit.WithPollInterval(2*time.Millisecond, 5*time.Millisecond))
			sb.srv.ClearFaults()
			if tt.outcomeUnknown {
				require.ErrorIs(t, err, tcredit.ErrOutcomeUnknown)
				assert.Nil(t, res)
				assert.LessOrEqual(t, len(sb.srv.Tasks()), 1, "never a second task")
				assert.Equal(t, len(sb.srv.Tasks()), sb.srv.Billed(sb.srv.AppID()))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tcredit.CodeDone, res.Code)
			assert.Len(t, sb.srv.Tasks(), 1)
			assert.Equal(t, 1, sb.srv.Billed(sb.srv.AppID()), "exactly one billed task")
		})
	}
}

func TestSandboxLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	t.Run("query with callbacks", func(t *testing.T) {
		sb := newSandbox(t, true)
		_, err := sb.client.Query(context.Background(), login("demo-sms-challenge"),
			tcredit.WithPollInterval(time.Minute, time.Minute), sb.answer(t))
		require.NoError(t, err)
	})
}

// A burst of callbacks for one live task costs a poll or two, not one each: 1,000
// callbacks posted to the callback handler as the sandbox posts them, for a task whose
// Wait would otherwise poll again only a minute later, counted as getFundB calls on the
// sandbox.
func TestCallbackBurstCostsAFewPolls(t *testing.T) {
	const callbacks, senders = 1000, 4
	srv := tcredittest.NewServer(tcredittest.WithStep(time.Minute)) // the task stays live
	t.Cleanup(srv.Close)
	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)
	const secret = "callback-secret-0123456789"
	receiver := httptest.NewServer(tcredit.NewCallbackHandler(func(_ context.Context, cb tcredit.Callback) error {
		client.Notify(cb)
		return nil
	}, tcredit.WithCallbackSecret(secret)))
	t.Cleanup(receiver.Close)
	callbackURL, err := tcredit.CallbackURL(receiver.URL+"/fund/callback", secret)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tid, err := client.CreateTask(ctx, login("demo-success"))
	require.NoError(t, err)
	firstPoll := make(chan struct{})
	ended := make(chan error, 1)
	go func() {
		_, err := client.Wait(ctx, tid, tcredit.WithPollInterval(time.Minute, time.Minute),
			tcredit.OnStatus(func(*tcredit.FundResult) { close(firstPoll) }))
		ended <- err
	}()
	<-firstPoll
	calls := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Endpoint == "getFundB" && r.TID == tid {
				n++
			}
		}
		return n
	}
	before := calls()

	form := url.Values{"tid": {tid}, "status": {"10001"}, "msg": {"登录中"}}.Encode()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	defer hc.CloseIdleConnections()
	start := time.Now()
	var wg sync.WaitGroup
	for range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range callbacks / senders {
				resp, err := hc.Post(callbackURL, "application/x-www-form-urlencoded; charset=UTF-8", strings.NewReader(form))
				if !assert.NoError(t, err) {
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				assert.Equal(t, http.StatusOK, resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	burst := time.Since(start)
	time.Sleep(1300 * time.Millisecond) // the poll held for the burst's end, a second at most
	polls := calls() - before
	t.Logf("%d callbacks in %v caused %d getFundB calls", callbacks, burst.Round(time.Millisecond), polls)
	assert.GreaterOrEqual(t, polls, 1, "the callbacks woke the wait")
	// One at once, then one per second of the burst, and one for its end.
	assert.LessOrEqual(t, polls, 2+int(burst/time.Second), "a poll at the burst's start and one per second at most after")

	// A lone callback after the burst is answered by a poll of its own, long before
	// the minute of the schedule.
	resp, err := hc.Post(callbackURL, "application/x-www-form-urlencoded; charset=UTF-8", strings.NewReader(form))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Eventually(t, func() bool { return calls() == before+polls+1 }, 5*time.Second, time.Millisecond)

	cancel()
	assert.ErrorIs(t, <-ended, context.Canceled)
}
