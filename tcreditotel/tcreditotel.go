package tcreditotel

import (
	"context"
	"net"
	"strconv"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/tcredit-go/tcredit"
)

// scope names this package to the providers.
const scope = "github.com/tcredit-go/tcredit/tcreditotel"

// Option configures Instrument.
type Option func(*config)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider sets the provider of the tracer; the global one when not given.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider sets the provider of the meter; the global one when not given.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.mp = mp }
}

// Instrument returns the option of tcredit.NewClient that reports the client's calls,
// queries and tasks as traces and metrics (see the package's documentation).
func Instrument(opts ...Option) tcredit.Option {
	cfg := config{}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.tp == nil {
		cfg.tp = otel.GetTracerProvider()
	}
	if cfg.mp == nil {
		cfg.mp = otel.GetMeterProvider()
	}
	o, err := newObserver(cfg)
	if err != nil {
		return func(*tcredit.Client) error { return err }
	}
	return tcredit.WithObserver(o)
}

// The attributes this package sets.
const (
	attrEndpoint       = attribute.Key("tcredit.endpoint")
	attrAPIStatus      = attribute.Key("tcredit.api.status")
	attrSeqNum         = attribute.Key("tcredit.seq_num")
	attrTID            = attribute.Key("tcredit.tid")
	attrBilled         = attribute.Key("tcredit.billed")
	attrOutcomeUnknown = attribute.Key("tcredit.outcome_unknown")
	attrAreaCode       = attribute.Key("tcredit.area_code")
	attrTaskCode       = attribute.Key("tcredit.task.code")
	attrMethod         = attribute.Key("http.request.method")
	attrServerAddress  = attribute.Key("server.address")
	attrServerPort     = attribute.Key("server.port")
	attrURLTemplate    = attribute.Key("url.template")
	attrHTTPStatus     = attribute.Key("http.response.status_code")
	attrResendCount    = attribute.Key("http.request.resend_count")
	attrErrorType      = attribute.Key("error.type")
	attrRetryAfter     = attribute.Key("tcredit.retry_after")
)

// observer is the tcredit.Observer of Instrument.
type observer struct {
	tracer         trace.Tracer
	callDuration   metric.Float64Histogram
	billed         metric.Int64Counter
	outcomeUnknown metric.Int64Counter
	succeeded      metric.Int64Counter
	rolledBack     metric.Int64Counter
	polls          metric.Int64Histogram
	wakeLatency    metric.Float64Histogram
}

// durationBuckets are the bounds, in seconds, of the call duration and wake-up latency
// histograms: from 5ms to a minute.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// pollBuckets are the bounds of the polls histogram.
var pollBuckets = []float64{1, 2, 3, 5, 8, 13, 21, 34, 55, 89}

func newObserver(cfg config) (*observer, error) {
	m := cfg.mp.Meter(scope, metric.WithInstrumentationVersion(tcredit.Version))
	o := &observer{tracer: cfg.tp.Tracer(scope, trace.WithInstrumentationVersion(tcredit.Version))}
	var err error
	if o.callDuration, err = m.Float64Histogram("tcredit.client.call.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of the calls of the API's endpoints, retries included."),
		metric.WithExplicitBucketBoundaries(durationBuckets...)); err != nil {
		return nil, err
	}
	counters := []struct {
		c           *metric.Int64Counter
		name, descr string
	}{
		{&o.billed, "tcredit.tasks.billed", "Tasks created, each billed."},
		{&o.outcomeUnknown, "tcredit.tasks.outcome_unknown", "Creates whose outcome is unknown: a task may have been created and billed."},
		{&o.succeeded, "tcredit.tasks.succeeded", "Tasks seen done."},
		{&o.rolledBack, "tcredit.tasks.rolled_back", "Tasks seen failed, whose charge is rolled back."},
	}
	for _, c := range counters {
		if *c.c, err = m.Int64Counter(c.name, metric.WithUnit("{task}"), metric.WithDescription(c.descr)); err != nil {
			return nil, err
		}
	}
	if o.polls, err = m.Int64Histogram("tcredit.task.polls", metric.WithUnit("{call}"),
		metric.WithDescription("getFundB calls of each wait that saw its task end."),
		metric.WithExplicitBucketBoundaries(pollBuckets...)); err != nil {
		return nil, err
	}
	if o.wakeLatency, err = m.Float64Histogram("tcredit.callback.wake.latency", metric.WithUnit("s"),
		metric.WithDescription("Time from a callback's wake-up of a wait to the end of the getFundB it caused."),
		metric.WithExplicitBucketBoundaries(durationBuckets...)); err != nil {
		return nil, err
	}
	return o, nil
}

func (o *observer) StartQuery(ctx context.Context, q tcredit.QueryInfo) context.Context {
	attrs := make([]attribute.KeyValue, 0, 2)
	if q.AreaCode != "" {
		attrs = append(attrs, attrAreaCode.String(q.AreaCode))
	}
	if q.TID != "" {
		attrs = append(attrs, attrTID.String(q.TID))
	}
	ctx, _ = o.tracer.Start(ctx, "tcredit "+q.Op, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(attrs...))
	return ctx
}

func (o *observer) EndQuery(ctx context.Context, q tcredit.QueryInfo) {
	span := trace.SpanFromContext(ctx)
	if q.TID != "" {
		span.SetAttributes(attrTID.String(q.TID))
	}
	if q.Code != 0 {
		span.SetAttributes(attrTaskCode.Int(int(q.Code)))
	}
	setError(span, q.ErrorType)
	span.End()
}

func (o *observer) StartCall(ctx context.Context, c tcredit.CallInfo) context.Context {
	attrs := []attribute.KeyValue{
		attrEndpoint.String(c.Endpoint),
		attrMethod.String("POST"),
		attrURLTemplate.String(c.Path),
	}
	attrs = append(attrs, server(c.Server)...)
	if c.TID != "" {
		attrs = append(attrs, attrTID.String(c.TID))
	}
	ctx, _ = o.tracer.Start(ctx, "tcredit "+c.Endpoint, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	return ctx
}

// server returns the attributes of a host with an optional port.
func server(hostport string) []attribute.KeyValue {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return []attribute.KeyValue{attrServerAddress.String(hostport)}
	}
	attrs := []attribute.KeyValue{attrServerAddress.String(host)}
	if p, err := strconv.Atoi(port); err == nil {
		attrs = append(attrs, attrServerPort.Int(p))
	}
	return attrs
}

func (o *observer) Attempt(ctx context.Context, a tcredit.AttemptInfo) {
	attrs := []attribute.KeyValue{attrResendCount.Int(a.Attempt - 1)}
	if a.HTTPStatus != 0 {
		attrs = append(attrs, attrHTTPStatus.Int(a.HTTPStatus))
	}
	if a.Answered {
		attrs = append(attrs, attrAPIStatus.Int(int(a.Status)))
	}
	if a.RetryAfter > 0 {
		attrs = append(attrs, attrRetryAfter.Float64(a.RetryAfter.Seconds()))
	}
	if a.ErrorType != "" {
		attrs = append(attrs, attrErrorType.String(a.ErrorType))
	}
	trace.SpanFromContext(ctx).AddEvent("tcredit.attempt", trace.WithAttributes(attrs...))
}

func (o *observer) EndCall(ctx context.Context, c tcredit.CallInfo) {
	span := trace.SpanFromContext(ctx)
	attrs := []attribute.KeyValue{attrBilled.Bool(c.Billed), attrOutcomeUnknown.Bool(c.OutcomeUnknown)}
	metricAttrs := []attribute.KeyValue{attrEndpoint.String(c.Endpoint)}
	if c.TID != "" {
		attrs = append(attrs, attrTID.String(c.TID))
	}
	if c.Answered {
		attrs = append(attrs, attrAPIStatus.Int(int(c.Status)), attrSeqNum.String(c.SeqNum))
		metricAttrs = append(metricAttrs, attrAPIStatus.Int(int(c.Status)))
	}
	if c.HTTPStatus != 0 {
		attrs = append(attrs, attrHTTPStatus.Int(c.HTTPStatus))
	}
	if c.Attempts > 1 {
		attrs = append(attrs, attrResendCount.Int(c.Attempts-1))
	}
	errType := c.ErrorType
	if errType == "" && c.Answered && c.Status != tcredit.StatusOK {
		errType = "status " + strconv.Itoa(int(c.Status))
	}
	if errType != "" {
		metricAttrs = append(metricAttrs, attrErrorType.String(errType))
	}
	span.SetAttributes(attrs...)
	setError(span, errType)
	span.End()
	o.callDuration.Record(ctx, c.Duration.Seconds(), metric.WithAttributes(metricAttrs...))
}

// setError marks span as failed with errType, the type of its error, unless it is "".
func setError(span trace.Span, errType string) {
	if errType == "" {
		return
	}
	span.SetAttributes(attrErrorType.String(errType))
	span.SetStatus(codes.Error, errType)
}

func (o *observer) TaskBilled(ctx context.Context, t tcredit.TaskInfo) {
	attrs := metric.WithAttributes(attrAreaCode.String(t.AreaCode))
	if t.OutcomeUnknown {
		o.outcomeUnknown.Add(ctx, 1, attrs)
		return
	}
	o.billed.Add(ctx, 1, attrs)
}

func (o *observer) TaskEnded(ctx context.Context, t tcredit.TaskInfo) {
	o.polls.Record(ctx, int64(t.Polls))
	// The ends the ledger counts: a call error (-1, -2, -9) ends a wait, not a task.
	kind, _ := tcredit.BillingEndOf(t.Code)
	switch kind {
	case tcredit.BillingSucceeded:
		o.succeeded.Add(ctx, 1)
	case tcredit.BillingFailed:
		o.rolledBack.Add(ctx, 1, metric.WithAttributes(attrTaskCode.Int(int(t.Code))))
	}
}

func (o *observer) Woken(ctx context.Context, w tcredit.WakeInfo) {
	o.wakeLatency.Record(ctx, w.Latency.Seconds())
}
