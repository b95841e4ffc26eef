package tcredit

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// Challenge is a task's request for input from the person whose fund account is being
// read: the SMS code they were sent (Code 10003) or the text of a captcha image
// (Code 10004, with the image in Image).
type Challenge struct {
	TID     string   // the task
	Code    TaskCode // CodeWaitingSMS or CodeWaitingCaptcha
	Image   []byte   // the captcha image, for CodeWaitingCaptcha; see ImageType
	Message string   // the server's message, if any
}

// ImageType reports the MIME type of Image ("image/png", "image/jpeg", ...), or "" when
// there is no image.
func (ch Challenge) ImageType() string { return imageType(ch.Image) }

// Repeats reports whether ch is the challenge earlier asked again, so that a code
// given for earlier answers it too: the same code and image, and no new message. A
// new captcha image or a new message (a server that asks again after a wrong code)
// is a new challenge; a message left out is not. The TIDs are not compared.
func (ch Challenge) Repeats(earlier Challenge) bool {
	sameMessage := ch.Message == "" || ch.Message == earlier.Message
	return ch.Code == earlier.Code && bytes.Equal(ch.Image, earlier.Image) && sameMessage
}

// QueryOption configures a Query or a Wait.
type QueryOption func(*queryConfig)

type queryConfig struct {
	waitConfig
	onCreated func(ctx context.Context, tid string) error
	method    *LoginMethod
}

// waitConfig is the part of a queryConfig that a wait uses while it polls.
type waitConfig struct {
	ask      func(ctx context.Context, ch Challenge) (string, error)
	onStatus func(res *FundResult)
	minPoll  time.Duration
	maxPoll  time.Duration
}

// The default polling schedule of Wait: quick at first, then backing off.
const (
	DefaultMinPollInterval = time.Second
	DefaultMaxPollInterval = 10 * time.Second
)

// WithCodeProvider sets the function that asks the person for the code of a challenge:
// the SMS code they received, or the text of the captcha in ch.Image. Its answer is
// submitted with SubmitCode. It is called once per challenge (a challenge asked again
// with a new image or message counts as new); an error from it ends the wait with that
// error. The task is not polled while ask runs: a challenge left unanswered too long
// fails at the provider (50008), which the first poll after ask returns reports. ask
// should honour ctx.
//
// When a submission certainly did not reach the API (no connection could carry it, or
// something in front of the API answered a 5xx or an HTML page of its own) and the next
// poll shows the task still waiting, ask is called again for the same challenge: the
// code was never taken, and the person must be asked again. When the submission may
// have reached the API (the answer was lost, see ErrOutcomeUnknown), ask is not called
// again for that challenge: the task's next state tells whether the code was taken.
func WithCodeProvider(ask func(ctx context.Context, ch Challenge) (string, error)) QueryOption {
	return func(c *queryConfig) { c.ask = ask }
}

// OnTaskCreated sets a function that receives the tid as soon as CreateTask returns it,
// before the first poll, so that a service can persist it and resume with Wait after a
// restart. If it returns an error, Query stops and returns that error with the tid.
func OnTaskCreated(save func(ctx context.Context, tid string) error) QueryOption {
	return func(c *queryConfig) { c.onCreated = save }
}

// OnStatus sets a function that sees each change of the task's status once, for
// progress display. It is called from the waiting goroutine and should return quickly.
func OnStatus(show func(res *FundResult)) QueryOption {
	return func(c *queryConfig) { c.onStatus = show }
}

// WithPollInterval sets the polling schedule: the first wait is first, each next one
// half as long again, up to limit, with random jitter; a status change starts again
// from first. With callbacks routed to Client.Notify, a long schedule (say 30s to 2m)
// makes polling a safety net only; while callbacks keep coming, first (at most a
// second) also spaces the polls they ask for. Non-positive values keep the defaults.
func WithPollInterval(first, limit time.Duration) QueryOption {
	return func(c *queryConfig) {
		if first > 0 {
			c.minPoll = first
		}
		if limit > 0 {
			c.maxPoll = limit
		}
	}
}

// WithLoginMethod gives Query the city's login method the request was filled from, so
// that it validates against it without calling LoginMethods.
func WithLoginMethod(m LoginMethod) QueryOption {
	return func(c *queryConfig) { c.method = &m }
}

// newQueryConfig returns the configuration opts set. A wait keeps a copy on its stack
// (see tracker), and this one is garbage.
func newQueryConfig(opts []QueryOption) *queryConfig {
	cfg := &queryConfig{waitConfig: waitConfig{minPoll: DefaultMinPollInterval, maxPoll: DefaultMaxPollInterval}}
	for _, opt := range opts {
		opt(cfg)
	}
	if cfg.maxPoll < cfg.minPoll {
		cfg.maxPoll = cfg.minPoll
	}
	return cfg
}

// Query runs a whole fund query: it checks the request against the city's login
// method (so that nothing is billed for a login that cannot succeed), creates the task,
// hands its tid to OnTaskCreated, and waits for the end as Wait does.
//
// It returns the final result; a *TaskError (with the result) for a failed task; a
// *ChallengeError when a code is needed and no provider was given; or, once the task
// exists, other errors wrapped in a *QueryError carrying the tid.
func (c *Client) Query(ctx context.Context, req CreateTaskRequest, opts ...QueryOption) (res *FundResult, err error) {
	ctx, obs := c.startQuery(ctx, "Query", req.AreaCode, "")
	defer func() { obs.end(res, err) }()
	cfg := newQueryConfig(opts)
	if err := c.validate(ctx, req, cfg.method); err != nil {
		return nil, err
	}
	// Every call of this query keeps the login's secrets out of what it passes on: a
	// task's later answers may repeat the login.
	ctx = withQueryScrubber(ctx, req.scrubber())
	tid, err := c.CreateTask(ctx, req)
	if err != nil {
		return nil, err
	}
	r := c.waiters.add(tid)
	defer c.waiters.remove(tid, r)
	if cfg.onCreated != nil {
		if err := cfg.onCreated(ctx, tid); err != nil {
			return &FundResult{TID: tid}, &QueryError{TID: tid, Err: err}
		}
	}
	t := tracker{cfg: cfg.waitConfig, tid: tid, r: r, delay: cfg.minPoll}
	return c.wait(ctx, &t)
}

// Wait drives the task tid to its end: it polls GetFund on a schedule that starts quick
// and backs off (see WithPollInterval), answers each challenge through the code
// provider, and wakes when Client.Notify reports a callback for the task: at once for a
// lone callback, once per burst (see Notify). Use it to resume a task after a restart.
//
// It returns the final result (Code.Done), a *TaskError with the result for a failed
// task (a wrong code is 50009, a challenge left unanswered 50008), a *ChallengeError
// when a code is needed and no provider was given, or the context's error wrapped in a
// *QueryError with the tid. With an error of its own (the context's, or a read that
// cannot succeed), it returns the last result seen, or one holding just the tid.
// Undocumented codes are passed through: an unknown 5xxxx is a failure, anything else
// progress.
func (c *Client) Wait(ctx context.Context, tid string, opts ...QueryOption) (res *FundResult, err error) {
	if tid == "" {
		return nil, &FieldError{Field: "tid", Err: errors.New("is empty")}
	}
	ctx, obs := c.startQuery(ctx, "Wait", "", tid)
	defer func() { obs.end(res, err) }()
	t := tracker{tid: tid, r: c.waiters.add(tid)}
	defer func() { c.waiters.remove(t.tid, t.r) }()
	t.cfg = newQueryConfig(opts).waitConfig
	return c.wait(ctx, &t)
}

// wait is the polling loop of Query and Wait, on the task of t, which holds the
// wait's options and its delay before the first poll. Little is on its stack, and on
// its caller's, while it pauses: the frames of a parked wait fit the quarter of its
// stack that lets the collector halve it.
func (c *Client) wait(ctx context.Context, t *tracker) (*FundResult, error) {
	for {
		woken, err := c.waiters.pause(ctx, t.r, t.delay, min(t.cfg.minPoll, maxWakeGap))
		if err != nil {
			return t.result(), &QueryError{TID: t.tid, Err: err}
		}
		if res, done, err := c.step(ctx, t, woken); done {
			return res, err
		}
	}
}

// step polls the task of a wait once and acts on the answer: it reports done with
// what the wait returns, or sets the delay before the next poll.
func (c *Client) step(ctx context.Context, t *tracker, woken bool) (res *FundResult, done bool, err error) {
	res, err = c.waiters.poll(ctx, t.r, woken, func(wokeAt time.Time) (*FundResult, error) { return c.poll(ctx, t.tid, wokeAt) })
	t.polls++
	if err != nil {
		var te *TaskError
		if errors.As(err, &te) {
			t.observe(res)
			c.taskEnded(ctx, res, int(t.polls))
			return res, true, err
		}
		if !transient(ctx, err) {
			return t.result(), true, &QueryError{TID: t.tid, Err: err}
		}
		t.delay = t.next(false)
		return nil, false, nil
	}
	changed := t.observe(res)
	if res.Code.Done() {
		c.taskEnded(ctx, res, int(t.polls))
		return res, true, nil
	}
	if res.Code.NeedsSMS() || res.Code.NeedsCaptcha() {
		answered, err := c.answer(ctx, res, t)
		if err != nil {
			return res, true, err
		}
		changed = changed || answered
	}
	t.delay = t.next(changed)
	return nil, false, nil
}

// answer asks for and submits the code of the challenge in res, unless this challenge
// was answered already. It reports whether it submitted a code.
func (c *Client) answer(ctx context.Context, res *FundResult, t *tracker) (bool, error) {
	ch := Challenge{TID: res.TID, Code: res.Code, Image: res.Image, Message: res.Message}
	if t.answered(ch) {
		return false, nil
	}
	if t.cfg.ask == nil {
		return false, &ChallengeError{Challenge: ch}
	}
	code, err := t.cfg.ask(ctx, ch)
	if err != nil {
		return false, &QueryError{TID: res.TID, Err: err}
	}
	err = c.SubmitCode(ctx, res.TID, code)
	switch {
	case err != nil && notTaken(err) && t.undelivered < maxUndelivered:
		// The code never reached the API: the person is asked again if the task
		// still waits at the next poll.
		t.undelivered++
		c.logger.LogAttrs(ctx, slog.LevelWarn, "tcredit code not delivered, asking again",
			slog.String("tid", res.TID), slog.String("error", err.Error()))
		return false, nil
	case err == nil, errors.Is(err, ErrOutcomeUnknown):
		// Submitted, or perhaps: the next GetFund tells which.
		t.markAnswered(ch)
		return true, nil
	case errors.Is(err, ErrInvalidInput):
		return false, &QueryError{TID: res.TID, Err: err}
	default:
		// A refused submission (-1, -2, -9) is not a failed task: the task still waits,
		// and can be resumed with Wait.
		var te *TaskError
		if errors.As(err, &te) {
			err = &refusedCode{te}
		}
		return false, &QueryError{TID: res.TID, Err: err}
	}
}

// maxUndelivered is how many times in a row a code that never reached the API is asked
// for again before the wait gives up with the error.
const maxUndelivered = 3

// notTaken reports whether a call certainly did not reach the API: no connection carried
// it, or something in front of the API answered in its place with a page of its own
// (not JSON) that says it did not pass the request on: a 4xx (a WAF, a rate limit), 502
// or 503. A 500 or 504, or any JSON, may come after the API acted.
func notTaken(err error) bool {
	var te *transportError
	if errors.As(err, &te) {
		return !te.sent
	}
	var re *ResponseError
	if !errors.As(err, &re) || !re.notAPI {
		return false
	}
	s := re.HTTPStatus
	return (s >= 400 && s <= 499) || s == http.StatusBadGateway || s == http.StatusServiceUnavailable
}

// transient reports whether a failed GetFund may succeed if asked again later: it
// failed for a reason a read is retried after, or, while ctx lasts, the server said it
// is still processing the task or sent a captcha without its image.
func transient(ctx context.Context, err error) bool {
	if _, ok := retryable(ctx, epGetFund, err); ok {
		return true
	}
	return ctx.Err() == nil && (errors.Is(err, ErrProcessing) || errors.Is(err, errNoCaptchaImage))
}

// tracker follows one task through a wait: what was last seen, which challenge was
// answered, and the polling schedule.
type tracker struct {
	cfg waitConfig
	tid string
	r   waitRef // the wait's registration
	// The last result seen, for a wait that ends without a result of its own: in
	// last, or, when it holds no more than the tid, its code and a message, in code
	// and message (see keep).
	last     *FundResult
	message  string
	code     TaskCode
	delay    time.Duration // before the next poll
	interval time.Duration
	// the challenge answered last; nil when none was, or the status moved on since
	lastAnswered *Challenge
	polls        int32 // the GetFund calls made
	// undelivered counts the codes in a row that never reached the API
	undelivered int16
	seen        bool // a result was seen
}

// observe records a result and reports OnStatus when the status changed.
func (t *tracker) observe(res *FundResult) bool {
	if res == nil {
		return false
	}
	changed := !t.seen || t.code != res.Code
	t.seen, t.code = true, res.Code
	t.keep(res)
	if changed {
		t.undelivered = 0
		if t.lastAnswered != nil && res.Code != t.lastAnswered.Code {
			t.lastAnswered = nil
		}
		if t.cfg.onStatus != nil {
			t.cfg.onStatus(res)
		}
	}
	return changed
}

// keep keeps res as the last result seen: whole, unless it holds nothing but the
// task's tid, its code and a message, which result rebuilds it from. A wait parked
// between polls then holds neither the result nor the block of the answer's strings.
func (t *tracker) keep(res *FundResult) {
	if res.TID == t.tid && res.Image == nil && res.Missing == nil && res.CreateTime == "" &&
		res.BaseInfo == nil && res.BillInfos == nil && res.LoanInfos == nil {
		t.last, t.message = nil, codeMessage(res.Code, res.Message)
		return
	}
	t.last, t.message = res, ""
}

// codeMessage returns msg, the message of a result with code: the document's text of
// code when msg is that text, and otherwise a copy of its own, apart from the block of
// the answer's strings.
func codeMessage(code TaskCode, msg string) string {
	if text, ok := taskCodeText[code]; ok && text == msg {
		return text
	}
	return strings.Clone(msg)
}

// answered reports whether ch is the challenge answered last (see Challenge.Repeats).
func (t *tracker) answered(ch Challenge) bool {
	return t.lastAnswered != nil && ch.Repeats(*t.lastAnswered)
}

func (t *tracker) markAnswered(ch Challenge) {
	t.undelivered = 0
	t.lastAnswered = &ch
}

// result is the last result seen, or one holding just the tid.
func (t *tracker) result() *FundResult {
	switch {
	case t.last != nil:
		return t.last
	case t.seen:
		return &FundResult{TID: t.tid, Code: t.code, Message: t.message}
	}
	return &FundResult{TID: t.tid}
}

// next returns the delay before the next poll: back to the minimum after a change,
// otherwise half as long again as the last one, capped; with ±20% jitter.
func (t *tracker) next(changed bool) time.Duration {
	switch {
	case changed || t.interval == 0:
		t.interval = t.cfg.minPoll
	default:
		t.interval += t.interval / 2
		if t.interval > t.cfg.maxPoll {
			t.interval = t.cfg.maxPoll
		}
	}
	jitter := time.Duration(0)
	if span := int64(t.interval) / 5; span > 0 {
		jitter = time.Duration(rand.Int64N(2*span+1) - span)
	}
	return t.interval + jitter
}
