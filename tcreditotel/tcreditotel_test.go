package tcreditotel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcreditotel"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// rig is a sandbox, a client instrumented with an in-memory span recorder and a manual
// metric reader, and the tokenKeys of every request the client sent.
type rig struct {
	srv    *tcredittest.Server
	client *tcredit.Client
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	keys   *keyRecorder
}

func newRig(t *testing.T, opts ...tcredit.Option) *rig {
	t.Helper()
	r := &rig{
		srv:    tcredittest.NewServer(tcredittest.WithStep(2 * time.Millisecond)),
		spans:  tracetest.NewSpanRecorder(),
		reader: sdkmetric.NewManualReader(),
		keys:   &keyRecorder{base: &http.Transport{}},
	}
	t.Cleanup(r.srv.Close)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	hc := &http.Client{Transport: r.keys}
	t.Cleanup(hc.CloseIdleConnections)
	all := []tcredit.Option{
		tcredit.WithBaseURL(r.srv.URL), tcredit.WithHTTPClient(hc),
		tcredit.WithRetry(tcredit.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}),
		tcreditotel.Instrument(tcreditotel.WithTracerProvider(tp), tcreditotel.WithMeterProvider(mp)),
	}
	client, err := tcredit.NewClient(r.srv.AppID(), r.srv.TokenID(), append(all, opts...)...)
	require.NoError(t, err)
	r.client = client
	return r
}

// keyRecorder is a transport that keeps the tokenKey of every request it carries.
type keyRecorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	keys []string
}

func (k *keyRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	form, _ := url.ParseQuery(string(body))
	k.mu.Lock()
	k.keys = append(k.keys, form.Get("tokenKey"))
	k.mu.Unlock()
	req.Body = io.NopCloser(strings.NewReader(string(body)))
	return k.base.RoundTrip(req)
}

// smsLogin is a login by ID card, name and mobile whose task asks for an SMS code.
var smsLogin = tcredit.CreateTaskRequest{
	AreaCode: "120100", LoginType: 3,
	IDCard: "110105199003071060", RealName: "王小明", Mobile: "13912345678",
}

// answerSMS is a code provider that answers the sandbox's SMS code.
var answerSMS = tcredit.WithCodeProvider(func(context.Context, tcredit.Challenge) (string, error) {
	return tcredittest.SMSCode, nil
})

var fastPolls = tcredit.WithPollInterval(2*time.Millisecond, 5*time.Millisecond)

// attrs returns a span's attributes by key.
func attrs(kvs []attribute.KeyValue) map[string]attribute.Value {
	m := make(map[string]attribute.Value, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value
	}
	return m
}

func TestSpanTreeOfAQueryWithAChallenge(t *testing.T) {
	r := newRig(t)
	caller := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans)).Tracer("caller")
	ctx, parent := caller.Start(context.Background(), "page")

	res, err := r.client.Query(ctx, smsLogin, answerSMS, fastPolls)
	parent.End()
	require.NoError(t, err)
	require.Equal(t, tcredit.CodeDone, res.Code)

	spans := r.spans.Ended()
	var query sdktrace.ReadOnlySpan
	var calls []sdktrace.ReadOnlySpan
	for _, s := range spans {
		switch {
		case s.Name() == "tcredit Query":
			require.Nil(t, query, "one Query span")
			query = s
		case strings.HasPrefix(s.Name(), "tcredit "):
			calls = append(calls, s)
		}
	}
	require.NotNil(t, query)
	assert.Equal(t, parent.SpanContext().SpanID(), query.Parent().SpanID(), "the Query continues the caller's trace")
	assert.Equal(t, parent.SpanContext().TraceID(), query.SpanContext().TraceID())
	assert.Equal(t, codes.Unset, query.Status().Code)
	assert.Equal(t, res.TID, attrs(query.Attributes())["tcredit.tid"].AsString())

	sent := r.srv.Requests()
	require.Len(t, calls, len(sent), "one span per call")
	var endpoints []string
	for i, s := range calls {
		assert.Equal(t, query.SpanContext().SpanID(), s.Parent().SpanID(), s.Name())
		assert.Equal(t, "tcredit "+sent[i].Endpoint, s.Name())
		endpoints = append(endpoints, sent[i].Endpoint)
		a := attrs(s.Attributes())
		assert.Equal(t, sent[i].Endpoint, a["tcredit.endpoint"].AsString())
		assert.Equal(t, int64(0), a["tcredit.api.status"].AsInt64())
		assert.NotEmpty(t, a["tcredit.seq_num"].AsString())
		assert.Equal(t, "POST", a["http.request.method"].AsString())
		assert.Equal(t, "127.0.0.1", a["server.address"].AsString())
		assert.Equal(t, strings.TrimPrefix(r.srv.URL, "http://127.0.0.1:"), fmt.Sprint(a["server.port"].AsInt64()))
		assert.Equal(t, "/identity/"+sent[i].Endpoint, a["url.template"].AsString())
		assert.Equal(t, int64(200), a["http.response.status_code"].AsInt64())
		assert.Equal(t, sent[i].Endpoint == "createFundSearchTaskB", a["tcredit.billed"].AsBool())
		assert.False(t, a["tcredit.outcome_unknown"].AsBool())
		assert.Equal(t, codes.Unset, s.Status().Code)
		require.Len(t, s.Events(), 1, "one attempt")
		ev := attrs(s.Events()[0].Attributes)
		assert.Equal(t, "tcredit.attempt", s.Events()[0].Name)
		assert.Equal(t, int64(0), ev["http.request.resend_count"].AsInt64())
		assert.Equal(t, int64(200), ev["http.response.status_code"].AsInt64())
		if sent[i].Endpoint == "getFundB" || sent[i].Endpoint == "fundUserCode" || sent[i].Endpoint == "createFundSearchTaskB" {
			assert.Equal(t, res.TID, a["tcredit.tid"].AsString(), s.Name())
		}
	}
	assert.Contains(t, endpoints, "fundUserCode")
	assert.Equal(t, "createFundSearchTaskB", endpoints[2], "after the city list and the city's login methods")
}

// collect reads every metric, by name.
func collect(t *testing.T, r *rig) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// sum adds up the points of a counter.
func sum(m metricdata.Metrics) int64 {
	var n int64
	if s, ok := m.Data.(metricdata.Sum[int64]); ok {
		for _, p := range s.DataPoints {
			n += p.Value
		}
	}
	return n
}

func TestTaskMetricsMatchTheSandbox(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	logins := []string{"demo-success", "demo-partial", "demo-wrong-password", "demo-success"}
	for _, account := range logins {
		_, _ = r.client.Query(ctx, tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: account, Password: "pw", SubArea: "1"}, fastPolls)
	}
	m := collect(t, r)

	assert.EqualValues(t, len(logins), sum(m["tcredit.tasks.billed"]), "every task created")
	assert.EqualValues(t, 3, sum(m["tcredit.tasks.succeeded"]))
	assert.EqualValues(t, 1, sum(m["tcredit.tasks.rolled_back"]))
	assert.EqualValues(t, r.srv.Billed(r.srv.AppID()), sum(m["tcredit.tasks.billed"])-sum(m["tcredit.tasks.rolled_back"]),
		"billed less rolled back is the sandbox's bill")
	assert.Zero(t, sum(m["tcredit.tasks.outcome_unknown"]))

	polls := m["tcredit.task.polls"].Data.(metricdata.Histogram[int64]).DataPoints
	require.Len(t, polls, 1)
	assert.EqualValues(t, len(logins), polls[0].Count)
	getFunds := 0
	for _, req := range r.srv.Requests() {
		if req.Endpoint == "getFundB" {
			getFunds++
		}
	}
	assert.EqualValues(t, getFunds, polls[0].Sum)

	durations := m["tcredit.client.call.duration"].Data.(metricdata.Histogram[float64]).DataPoints
	var calls uint64
	for _, p := range durations {
		calls += p.Count
		ep, _ := p.Attributes.Value("tcredit.endpoint")
		assert.NotEmpty(t, ep.AsString())
	}
	assert.EqualValues(t, len(r.srv.Requests()), calls)
	assert.Equal(t, "s", m["tcredit.client.call.duration"].Unit)
}

func TestBilledCounterEqualsTheSandboxsBill(t *testing.T) {
	r := newRig(t)
	for range 3 {
		_, err := r.client.CreateTask(context.Background(), tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "demo-success", Password: "pw", SubArea: "1"})
		require.NoError(t, err)
	}
	assert.EqualValues(t, r.srv.Billed(r.srv.AppID()), sum(collect(t, r)["tcredit.tasks.billed"]))
}

func TestOutcomeUnknownIsCounted(t *testing.T) {
	r := newRig(t)
	r.srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultDropAfter, Endpoint: "createFundSearchTaskB", Count: 1})
	_, err := r.client.CreateTask(context.Background(), tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "demo-success", Password: "pw", SubArea: "1"})
	require.ErrorIs(t, err, tcredit.ErrOutcomeUnknown)

	m := collect(t, r)
	assert.EqualValues(t, 1, sum(m["tcredit.tasks.outcome_unknown"]))
	assert.EqualValues(t, r.srv.Billed(r.srv.AppID()), sum(m["tcredit.tasks.outcome_unknown"]), "the task was billed")
	spans := r.spans.Ended()
	require.Len(t, spans, 1)
	a := attrs(spans[0].Attributes())
	assert.True(t, a["tcredit.billed"].AsBool())
	assert.True(t, a["tcredit.outcome_unknown"].AsBool())
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	assert.Equal(t, "*tcredit.UnknownOutcomeError", spans[0].Status().Description)
}

func TestBusyAnswerIsAnError(t *testing.T) {
	r := newRig(t, tcredit.WithRetry(tcredit.RetryPolicy{MaxAttempts: 1}))
	r.srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultStatus, Endpoint: "getFundCitysB", Status: 10, Count: 1})

	_, err := r.client.Cities(context.Background())
	require.Error(t, err)

	spans := r.spans.Ended()
	require.Len(t, spans, 1)
	s := spans[0]
	assert.Equal(t, "tcredit getFundCitysB", s.Name())
	assert.Equal(t, codes.Error, s.Status().Code)
	assert.Equal(t, "*tcredit.APIError", s.Status().Description, "the error's type, not the server's text")
	a := attrs(s.Attributes())
	assert.Equal(t, int64(10), a["tcredit.api.status"].AsInt64())
	assert.Equal(t, int64(200), a["http.response.status_code"].AsInt64())
	assert.Equal(t, "*tcredit.APIError", a["error.type"].AsString())

	durations := collect(t, r)["tcredit.client.call.duration"].Data.(metricdata.Histogram[float64]).DataPoints
	require.Len(t, durations, 1)
	status, _ := durations[0].Attributes.Value("tcredit.api.status")
	assert.Equal(t, int64(10), status.AsInt64())
}

func TestBusyAnswerRetriedIsOneSpanWithTwoAttempts(t *testing.T) {
	r := newRig(t)
	r.srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultStatus, Endpoint: "getFundCitysB", Status: 10, Count: 1})

	_, err := r.client.Cities(context.Background())
	require.NoError(t, err)

	spans := r.spans.Ended()
	require.Len(t, spans, 1)
	s := spans[0]
	assert.Equal(t, codes.Unset, s.Status().Code)
	assert.Equal(t, int64(1), attrs(s.Attributes())["http.request.resend_count"].AsInt64())
	require.Len(t, s.Events(), 2)
	first, second := attrs(s.Events()[0].Attributes), attrs(s.Events()[1].Attributes)
	assert.Equal(t, int64(10), first["tcredit.api.status"].AsInt64())
	assert.Equal(t, "*tcredit.APIError", first["error.type"].AsString())
	assert.Equal(t, int64(0), first["http.request.resend_count"].AsInt64())
	assert.Equal(t, int64(0), second["tcredit.api.status"].AsInt64())
	assert.Equal(t, int64(1), second["http.request.resend_count"].AsInt64())
}

func TestNoSecretInAnySpanOrMetric(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	_, err := r.client.Query(ctx, smsLogin, answerSMS, fastPolls)
	require.NoError(t, err)
	wrong := tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "demo-wrong-password", Password: "hunter2-secret", SubArea: "1"}
	_, err = r.client.Query(ctx, wrong, fastPolls)
	require.Error(t, err)

	var texts []string
	add := func(kvs []attribute.KeyValue) {
		for _, kv := range kvs {
			texts = append(texts, string(kv.Key)+"="+kv.Value.String())
		}
	}
	for _, s := range r.spans.Ended() {
		texts = append(texts, s.Name(), s.Status().Description)
		add(s.Attributes())
		for _, ev := range s.Events() {
			texts = append(texts, ev.Name)
			add(ev.Attributes)
		}
	}
	for _, m := range collect(t, r) {
		texts = append(texts, m.Name, m.Description)
		switch d := m.Data.(type) {
		case metricdata.Sum[int64]:
			for _, p := range d.DataPoints {
				add(p.Attributes.ToSlice())
			}
		case metricdata.Histogram[int64]:
			for _, p := range d.DataPoints {
				add(p.Attributes.ToSlice())
			}
		case metricdata.Histogram[float64]:
			for _, p := range d.DataPoints {
				add(p.Attributes.ToSlice())
			}
		}
	}
	require.NotEmpty(t, r.keys.keys)
	secrets := append([]string{smsLogin.IDCard, smsLogin.RealName, smsLogin.Mobile, wrong.Account, wrong.Password, r.srv.TokenID()}, r.keys.keys...)
	code := regexp.MustCompile(`(^|[^0-9])` + tcredittest.SMSCode + `([^0-9]|$)`)
	for _, text := range texts {
		for _, secret := range secrets {
			assert.NotContains(t, text, secret)
		}
		assert.NotRegexp(t, code, text)
	}
}

func TestTheGlobalProvidersByDefault(t *testing.T) {
	srv := tcredittest.NewServer()
	defer srv.Close()
	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL), tcreditotel.Instrument())
	require.NoError(t, err)
	_, err = client.Cities(context.Background())
	assert.NoError(t, err, "the no-op global providers take the reports")
}

func TestWaitIsOneSpanOverItsPolls(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	tid, err := r.client.CreateTask(ctx, tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "demo-wrong-password", Password: "pw", SubArea: "1"})
	require.NoError(t, err)

	_, err = r.client.Wait(ctx, tid, fastPolls)
	var te *tcredit.TaskError
	require.ErrorAs(t, err, &te)

	var wait sdktrace.ReadOnlySpan
	polls := 0
	for _, s := range r.spans.Ended() {
		if s.Name() == "tcredit Wait" {
			wait = s
		}
	}
	require.NotNil(t, wait)
	for _, s := range r.spans.Ended() {
		if s.Parent().SpanID() == wait.SpanContext().SpanID() {
			assert.Equal(t, "tcredit getFundB", s.Name())
			polls++
		}
	}
	assert.Positive(t, polls)
	assert.Equal(t, codes.Error, wait.Status().Code)
	assert.Equal(t, "*tcredit.TaskError", wait.Status().Description)
	a := attrs(wait.Attributes())
	assert.Equal(t, tid, a["tcredit.tid"].AsString())
	assert.Equal(t, int64(tcredit.CodeBadCredentials), a["tcredit.task.code"].AsInt64())
	m := collect(t, r)
	assert.EqualValues(t, 1, sum(m["tcredit.tasks.rolled_back"]))
	assert.Zero(t, sum(m["tcredit.tasks.succeeded"]))
}

func TestCallErrorOfGetFundIsNoRollback(t *testing.T) {
	r := newRig(t)
	// The sandbox answers getFundB for a tid it never gave with code -2: an error of
	// the call, which ends the Wait but is no task's end, billed or rolled back.
	_, err := r.client.Wait(context.Background(), "00000000000000000000000000000000", fastPolls)
	var te *tcredit.TaskError
	require.ErrorAs(t, err, &te)
	require.Equal(t, tcredit.CodeInvalidParams, te.Code)
	m := collect(t, r)
	assert.Zero(t, sum(m["tcredit.tasks.rolled_back"]))
	assert.Zero(t, sum(m["tcredit.tasks.succeeded"]))
}
