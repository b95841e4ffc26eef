package tcredit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Observer is told what a Client does as it does it: each Query and Wait, each call of
// an endpoint and each of its attempts, each task billed and ended, and each wake-up
// from a callback. Package tcreditotel implements it with OpenTelemetry traces and
// metrics; set one with WithObserver.
//
// An Observer sees no secret: the values it is given are endpoint names, tids, area
// codes, statuses, seqNums, counts, durations and the types of errors, never a
// password, account, ID card number, code, tokenId or tokenKey, nor a text of the
// server's. Its methods are called on the goroutine of the call they report on, and
// should return quickly. The context StartQuery returns is the one the query's calls
// are made with, and the one StartCall returns the one its attempts and EndCall are
// reported with, so that an observer can keep a span in them.
type Observer interface {
	// StartQuery is called as a Query or a Wait begins.
	StartQuery(ctx context.Context, q QueryInfo) context.Context
	// EndQuery is called as it returns, with the context StartQuery returned.
	EndQuery(ctx context.Context, q QueryInfo)
	// StartCall is called as a call of an endpoint begins, before its first attempt.
	StartCall(ctx context.Context, c CallInfo) context.Context
	// Attempt is called after each attempt of a call, answered or not.
	Attempt(ctx context.Context, a AttemptInfo)
	// EndCall is called as the call returns, with the context StartCall returned.
	EndCall(ctx context.Context, c CallInfo)
	// TaskBilled is called when a create may have been billed: it created a task, or
	// its outcome is unknown (ErrOutcomeUnknown).
	TaskBilled(ctx context.Context, t TaskInfo)
	// TaskEnded is called when a Query or a Wait sees its task end: done, or failed
	// (and its charge rolled back).
	TaskEnded(ctx context.Context, t TaskInfo)
	// Woken is called when a wait woken by a callback (Client.Notify) has read its
	// task's new state.
	Woken(ctx context.Context, w WakeInfo)
}

// QueryInfo describes a Query or a Wait. The fields after TID are set at its end.
type QueryInfo struct {
	Op        string // "Query" or "Wait"
	AreaCode  string // the city, for a Query
	TID       string // the task, once known
	Code      TaskCode
	Duration  time.Duration
	ErrorType string // the type of the error it returned, such as "*tcredit.TaskError"; "" for none
}

// CallInfo describes a call of an endpoint. The fields after Path are set at its end.
type CallInfo struct {
	Endpoint string // the endpoint's name, such as "getFundB"
	TID      string // the task the call is about, when known (a create's once it returned)
	AreaCode string // the city, for a create or getFundCityParamB
	Server   string // the host (and port, if the base URL has one) the call is sent to
	Path     string // the URL's path, such as "/identity/getFundB"

	Answered       bool   // an answer of the API's was read: Status and SeqNum are its
	Status         Status // the API status of the last answer
	SeqNum         string // the seqNum of the last answer
	HTTPStatus     int    // the HTTP status of the last response; 0 when none came
	Attempts       int    // the attempts made
	Duration       time.Duration
	Billed         bool   // a create that may have been billed
	OutcomeUnknown bool   // the error matches ErrOutcomeUnknown
	ErrorType      string // the type of the error the call returned; "" for none
}

// AttemptInfo describes one attempt of a call.
type AttemptInfo struct {
	Endpoint   string
	Attempt    int  // 1 for the first
	Answered   bool // an answer of the API's was read
	Status     Status
	SeqNum     string
	HTTPStatus int           // 0 when no response came
	RetryAfter time.Duration // what a 429 or 503 asked to wait, if anything
	Duration   time.Duration
	ErrorType  string
}

// TaskInfo describes a task billed or ended.
type TaskInfo struct {
	TID            string
	AreaCode       string   // the city, when known (at TaskBilled)
	OutcomeUnknown bool     // at TaskBilled: whether a task was created is unknown
	Code           TaskCode // at TaskEnded: the final code
	Polls          int      // at TaskEnded: the GetFund calls of the wait that saw it end
}

// WakeInfo describes a wake-up: the task, and the time from the wake-up to the end of
// the GetFund it caused.
type WakeInfo struct {
	TID     string
	Latency time.Duration
}

// WithObserver reports what the client does to o (see Observer).
func WithObserver(o Observer) Option {
	return func(c *Client) error {
		if o == nil {
			return errors.New("observer is nil")
		}
		c.observer = o
		return nil
	}
}

// errorType names the type of err for an observer: the context's error by its name,
// otherwise the dynamic type of err; "" for nil. It never quotes err's text.
func errorType(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled):
		return "context.Canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "context.DeadlineExceeded"
	}
	return fmt.Sprintf("%T", err)
}

// callObs follows one observed call: nil when the client has no observer.
type callObs struct {
	obs   Observer
	ctx   context.Context // the context StartCall returned
	info  CallInfo
	start time.Time
}

type callObsKey struct{}

// startCall reports the start of a call of ep about tid (or "") and areaCode (or "").
// The context it returns carries the observation to the call's attempts.
func (c *Client) startCall(ctx context.Context, ep endpoint, tid, areaCode string) (context.Context, *callObs) {
	if c.observer == nil {
		return ctx, nil
	}
	o := &callObs{obs: c.observer, start: time.Now(), info: CallInfo{
		Endpoint: ep.name, TID: tid, AreaCode: areaCode, Server: c.server, Path: c.path(ep),
	}}
	o.ctx = c.observer.StartCall(ctx, o.info)
	return context.WithValue(o.ctx, callObsKey{}, o), o
}

// callObsFrom returns the observation of the call ctx is the context of, or nil.
func callObsFrom(ctx context.Context) *callObs {
	o, _ := ctx.Value(callObsKey{}).(*callObs)
	return o
}

// attempt reports an attempt and keeps what its answer said for the call's end.
func (o *callObs) attempt(a AttemptInfo) {
	if o == nil {
		return
	}
	o.info.Attempts = a.Attempt
	o.info.HTTPStatus = a.HTTPStatus
	o.info.Answered, o.info.Status, o.info.SeqNum = a.Answered, a.Status, a.SeqNum
	o.obs.Attempt(o.ctx, a)
}

// end reports the end of the call, which returned tid (or "") and err; a create that
// may have been billed is reported as a task billed too.
func (o *callObs) end(tid string, err error) {
	if o == nil {
		return
	}
	info := &o.info
	if info.TID == "" {
		// Only a call that asked for no tid (a create) learns one from its answer.
		info.TID = tid
		if info.TID == "" {
			info.TID = errorTID(err)
		}
	}
	info.Duration = time.Since(o.start)
	info.OutcomeUnknown = errors.Is(err, ErrOutcomeUnknown)
	info.Billed = info.Endpoint == epCreateTask.name && (err == nil || info.OutcomeUnknown)
	info.ErrorType = errorType(err)
	o.obs.EndCall(o.ctx, *info)
	if info.Billed {
		o.obs.TaskBilled(o.ctx, TaskInfo{TID: info.TID, AreaCode: info.AreaCode, OutcomeUnknown: info.OutcomeUnknown})
	}
}

// errorTID is the tid an error of the SDK's names, or "".
func errorTID(err error) string {
	var uo *UnknownOutcomeError
	var te *TaskError
	var qe *QueryError
	switch {
	case errors.As(err, &uo):
		return uo.TID
	case errors.As(err, &te):
		return te.TID
	case errors.As(err, &qe):
		return qe.TID
	}
	return ""
}

// queryObs follows one observed Query or Wait: nil when the client has no observer.
type queryObs struct {
	obs   Observer
	ctx   context.Context
	info  QueryInfo
	start time.Time
}

// startQuery reports the start of a Query (with its areaCode) or a Wait (with its tid).
func (c *Client) startQuery(ctx context.Context, op, areaCode, tid string) (context.Context, *queryObs) {
	if c.observer == nil {
		return ctx, nil
	}
	q := &queryObs{obs: c.observer, start: time.Now(), info: QueryInfo{Op: op, AreaCode: areaCode, TID: tid}}
	q.ctx = c.observer.StartQuery(ctx, q.info)
	return q.ctx, q
}

// end reports the end of the query, which returned res and err.
func (q *queryObs) end(res *FundResult, err error) {
	if q == nil {
		return
	}
	if res != nil {
		q.info.Code = res.Code
		if q.info.TID == "" {
			q.info.TID = res.TID
		}
	}
	if q.info.TID == "" {
		q.info.TID = errorTID(err)
	}
	q.info.Duration = time.Since(q.start)
	q.info.ErrorType = errorType(err)
	q.obs.EndQuery(q.ctx, q.info)
}

// taskEnded reports that a wait saw its task end with res, after polls GetFund calls.
func (c *Client) taskEnded(ctx context.Context, res *FundResult, polls int) {
	if c.observer != nil && res != nil {
		c.observer.TaskEnded(ctx, TaskInfo{TID: res.TID, Code: res.Code, Polls: polls})
	}
}

// poll reads the state of the task tid for a wait. A poll that a callback's wake-up
// caused (wokeAt, the time it came, is not zero) is reported with the time from the
// wake-up to the end of the read.
func (c *Client) poll(ctx context.Context, tid string, wokeAt time.Time) (*FundResult, error) {
	if wokeAt.IsZero() || c.observer == nil {
		return c.GetFund(ctx, tid)
	}
	res, err := c.GetFund(ctx, tid)
	c.observer.Woken(ctx, WakeInfo{TID: tid, Latency: c.waiters.clock().Sub(wokeAt)})
	return res, err
}
