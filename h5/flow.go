package h5

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/summary"
)

// errTooManyAttempts ends a query whose session submitted too many codes.
var errTooManyAttempts = errors.New("h5: too many code attempts")

// errClosed refuses a query once the handler is closed.
var errClosed = errors.New("h5: handler closed")

// maxCodeLen is the longest SMS or captcha code accepted.
const maxCodeLen = 16

// run is a query running in this process: the way to hand it the person's code.
type run struct {
	answers chan answer
}

// answer is what the person gave for a challenge: a code, or the reason there is none.
type answer struct {
	code string
	err  error
}

// submitLogin checks a posted login form and starts its query.
func (h *Handler) submitLogin(w http.ResponseWriter, r *http.Request) {
	s, ok := h.postedSession(w, r)
	if !ok {
		return
	}
	switch {
	case s.Step.active():
		seeOther(w, "progress")
		return
	case s.Step == StepDone: // a late repeat of the form, after Back: no second task
		seeOther(w, "result")
		return
	case s.Attempts >= h.opts.MaxCodeAttempts: // no task could take its code
		h.message(w, http.StatusTooManyRequests, msgTooManyAttempts)
		return
	}
	f, ok := h.loadForm(w, r, r.PostForm.Get("city"), r.PostForm.Get("type"))
	if !ok {
		return
	}
	req, err := requestFrom(f.city.AreaCode, f.method, r.PostForm)
	if err = h.checkConsent(r.PostForm, err); err != nil {
		var ve *tcredit.ValidationError
		if !errors.As(err, &ve) {
			ve = &tcredit.ValidationError{}
		}
		h.renderLogin(w, http.StatusUnprocessableEntity, s, f, r.PostForm, ve)
		return
	}
	switch err := h.start(r, s.ID, req, f.method); {
	case errors.Is(err, errClosed):
		h.message(w, http.StatusServiceUnavailable, msgSystem)
	case errors.Is(err, errTooManyAttempts):
		h.message(w, http.StatusTooManyRequests, msgTooManyAttempts)
	case err != nil:
		h.noSession(w, r, err)
	default:
		h.setCookie(w, r, s.ID) // the session now lasts a whole TTL from the query's start
		seeOther(w, "progress")
	}
}

// requestFrom reads a login form posted for method m of city areaCode, with
// LoginMethod.NewRequest. Each login parameter is posted as "f_" and its name.
func requestFrom(areaCode string, m tcredit.LoginMethod, form url.Values) (tcredit.CreateTaskRequest, error) {
	m.AreaCode = areaCode
	values := make(map[string]string, len(m.LoginParams))
	for _, p := range m.LoginParams {
		v := form.Get("f_" + p.Name)
		if p.Type != "password" {
			v = strings.TrimSpace(v) // a password is taken as typed
		}
		values[p.Name] = v
	}
	return m.NewRequest(values)
}

// consentField is the name of the consent checkbox, in the form and in its problems.
const consentField = "consent"

// errNoConsent is the problem of a login posted without the consent's tick.
var errNoConsent = errors.New("h5: the agreement was not accepted")

// checkConsent adds to err, the problems of a posted login form, the missing tick of
// Options.Consent: the checkbox must come back with the version the form showed.
func (h *Handler) checkConsent(form url.Values, err error) error {
	if h.opts.Consent == nil || form.Get(consentField) == consentValue(h.opts.Consent) {
		return err
	}
	ve := &tcredit.ValidationError{}
	if err != nil && !errors.As(err, &ve) {
		return err
	}
	ve.Fields = append(ve.Fields, &tcredit.FieldError{Field: consentField, Label: h.opts.Consent.Title, Err: errNoConsent})
	return ve
}

// consentValue is the value of the ticked consent checkbox: the agreement's version.
func consentValue(c *Consent) string {
	if c.Version == "" {
		return "yes"
	}
	return c.Version
}

// start starts the query of session id, unless one is running already: a double
// submit never creates a second task.
func (h *Handler) start(r *http.Request, id string, req tcredit.CreateTaskRequest, m tcredit.LoginMethod) error {
	ctx := r.Context()
	defer h.lock(id)()
	s, err := h.store.Get(ctx, id)
	if err != nil {
		return err
	}
	switch {
	case s.Step.active(), s.Step == StepDone:
		return nil // a double submit, or a late one: never a second task
	case s.Attempts >= h.opts.MaxCodeAttempts:
		return errTooManyAttempts
	}
	rn := &run{answers: make(chan answer, 1)}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return errClosed
	}
	h.runs[id] = rn
	h.wg.Add(1)
	h.mu.Unlock()

	s.AreaCode, s.LoginType = req.AreaCode, req.LoginType
	s.TID, s.Step, s.Code, s.Captcha, s.Summary, s.Failure = "", StepRunning, 0, nil, nil, 0
	if until := h.now().Add(h.opts.SessionTTL); s.Expires.Before(until) {
		s.Expires = until // a form filled slowly still gets a whole TTL for its query
	}
	if h.opts.User != nil {
		s.User = h.opts.User(r)
	}
	s.ConsentVersion, s.ConsentAt = "", time.Time{}
	if h.opts.Consent != nil { // checked by submitLogin
		s.ConsentVersion, s.ConsentAt = h.opts.Consent.Version, h.now()
	}
	if err := h.store.Put(ctx, s); err != nil {
		h.forget(id, rn)
		h.wg.Done()
		return err
	}
	qctx, cancel := context.WithDeadline(h.ctx, s.Expires)
	go h.query(qctx, cancel, s, req, m, rn)
	return nil
}

// forget removes rn from the running queries, unless another took its place.
func (h *Handler) forget(id string, rn *run) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.runs[id] == rn {
		delete(h.runs, id)
	}
}

// query runs one query to its end in its own goroutine, keeps the session up to date,
// and calls OnResult once.
func (h *Handler) query(ctx context.Context, cancel context.CancelFunc, snap Session, req tcredit.CreateTaskRequest, m tcredit.LoginMethod, rn *run) {
	defer h.wg.Done()
	defer cancel()
	sctx := context.WithoutCancel(ctx) // the session outlives a canceled query
	id := snap.ID
	save := func(change func(s *Session)) {
		s, err := h.update(sctx, id, func(s *Session) error { change(s); return nil })
		switch {
		case err == nil:
			snap = s
		case errors.Is(err, ErrNoSession):
			change(&snap)
		default:
			change(&snap)
			h.log.ErrorContext(sctx, "h5: session store", "tid", snap.TID, "err", err)
		}
	}
	opts := []tcredit.QueryOption{
		tcredit.WithLoginMethod(m),
		tcredit.OnTaskCreated(func(ctx context.Context, tid string) error {
			save(func(s *Session) { s.TID = tid })
			h.log.InfoContext(ctx, "h5: task created", "tid", tid, "area_code", snap.AreaCode, "login_type", snap.LoginType)
			return nil
		}),
		tcredit.OnStatus(func(res *tcredit.FundResult) {
			save(func(s *Session) {
				s.Code = res.Code
				if !res.Code.NeedsSMS() && !res.Code.NeedsCaptcha() && s.Step.active() {
					s.Step, s.Captcha = StepRunning, nil
				}
			})
		}),
		tcredit.WithCodeProvider(func(ctx context.Context, ch tcredit.Challenge) (string, error) {
			select {
			case <-rn.answers: // late for an earlier challenge
			default:
			}
			save(func(s *Session) {
				s.Code, s.Step, s.Captcha = ch.Code, StepSMS, nil
				if ch.Code.NeedsCaptcha() {
					s.Step, s.Captcha = StepCaptcha, ch.Image
				}
			})
			return h.awaitCode(ctx, ch, rn)
		}),
	}
	opts = append(opts, h.opts.QueryOptions...)
	res, err := h.client.Query(ctx, req, opts...)
	if errors.Is(err, errChallengeGone) {
		// The task moved on without the code (it timed out, say): follow it to its end.
		res, err = h.client.Wait(ctx, snap.TID, opts...)
	}

	now := h.now()
	save(func(s *Session) { finish(s, res, err, now) })
	h.forget(id, rn)
	h.log.InfoContext(sctx, "h5: query ended", "tid", snap.TID, "area_code", snap.AreaCode,
		"step", snap.Step.String(), "code", int(snap.Code), "cause", cause(err))
	if h.opts.OnResult != nil {
		h.onResult(sctx, snap, res, err)
	}
}

// onResult calls Options.OnResult, logging a panic instead of ending the process.
func (h *Handler) onResult(ctx context.Context, s Session, res *tcredit.FundResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.log.ErrorContext(ctx, "h5: OnResult panicked", "tid", s.TID)
		}
	}()
	h.opts.OnResult(ctx, s, res, err)
}

// finish records the end of a query in its session, summarised as of now.
func finish(s *Session, res *tcredit.FundResult, err error, now time.Time) {
	s.Captcha = nil
	if err == nil && res != nil && res.Code.Done() {
		s.Step, s.Code, s.Summary = StepDone, res.Code, summarize(res, now)
		return
	}
	s.Step, s.Failure = StepFailed, 0
	var te *tcredit.TaskError
	if errors.As(err, &te) {
		s.Failure, s.Code = te.Code, te.Code
	}
}

// summarize picks what the result page shows from a report, as package summary reads
// it.
func summarize(res *tcredit.FundResult, now time.Time) *Summary {
	s := summary.Of(res, now)
	return &Summary{
		Balance:  s.Account.Balance,
		Months:   s.Contributions.Months,
		Employer: s.CurrentEmployer,
		Partial:  s.Quality.Partial,
	}
}

// cause names the kind of a query's error for the log, which must not quote the
// error itself: a server's message may hold anything.
func cause(err error) string {
	var te *tcredit.TaskError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &te):
		return "task failed"
	case errors.Is(err, errTooManyAttempts):
		return "too many code attempts"
	case errors.Is(err, context.DeadlineExceeded):
		return "session expired"
	case errors.Is(err, context.Canceled):
		return "handler closed"
	case errors.Is(err, tcredit.ErrCityUnavailable):
		return "city unavailable"
	case errors.Is(err, tcredit.ErrInvalidInput):
		return "invalid input"
	case errors.Is(err, tcredit.ErrOutcomeUnknown):
		return "outcome unknown"
	default:
		return "error"
	}
}

// awaitCode waits for the person's answer to the challenge ch. Meanwhile it looks at the
// task now and then, since a challenge nobody answers times out at the provider.
func (h *Handler) awaitCode(ctx context.Context, ch tcredit.Challenge, rn *run) (string, error) {
	tick := time.NewTicker(challengeCheckFactor * h.opts.PollInterval)
	defer tick.Stop()
	for {
		select {
		case a := <-rn.answers:
			return a.code, a.err
		case <-ctx.Done():
			return "", ctx.Err()
		case <-tick.C:
			res, err := h.client.GetFund(ctx, ch.TID)
			if res != nil && res.Code != ch.Code && (err == nil || res.Code.Failed()) {
				return "", errChallengeGone
			}
		}
	}
}

// challengeCheckFactor times the checks of a waiting challenge, in poll intervals.
const challengeCheckFactor = 5

// errChallengeGone ends the wait for a code when the task moved on without it.
var errChallengeGone = errors.New("h5: the challenge is over")

// submitCode passes the code the person typed to the query waiting for it.
func (h *Handler) submitCode(w http.ResponseWriter, r *http.Request) {
	s, ok := h.postedSession(w, r)
	if !ok {
		return
	}
	if s.Step != StepSMS && s.Step != StepCaptcha {
		seeOther(w, pageOf(s))
		return
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	if problem := checkCode(code); problem != "" && s.Attempts < h.opts.MaxCodeAttempts {
		h.renderCode(w, http.StatusUnprocessableEntity, s, problem)
		return
	}
	rn := h.running(s.ID)
	if rn == nil {
		// The query runs in another replica, or ended with a restart.
		h.message(w, http.StatusConflict, msgLost)
		return
	}
	var a answer
	s, err := h.update(r.Context(), s.ID, func(s *Session) error {
		if s.Step != StepSMS && s.Step != StepCaptcha {
			return errStale
		}
		a = answer{code: code}
		if s.Attempts >= h.opts.MaxCodeAttempts {
			a = answer{err: errTooManyAttempts}
		} else {
			s.Attempts++
		}
		s.Step, s.Captcha = StepRunning, nil
		return nil
	})
	switch {
	case errors.Is(err, errStale):
		seeOther(w, pageOf(s))
		return
	case err != nil:
		h.noSession(w, r, err)
		return
	}
	select {
	case rn.answers <- a:
	default: // an answer waits already
	}
	if a.err != nil {
		h.message(w, http.StatusTooManyRequests, msgTooManyAttempts)
		return
	}
	seeOther(w, "progress")
}

// errStale is a change refused because the session moved on meanwhile.
var errStale = errors.New("h5: session moved on")

// running returns the query of session id running in this process, or nil.
func (h *Handler) running(id string) *run {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.runs[id]
}

// checkCode returns what is wrong with a typed code, in words, or "".
func checkCode(code string) string {
	if code == "" {
		return "请输入验证码"
	}
	if len(code) > maxCodeLen {
		return "验证码过长"
	}
	for _, c := range code {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return "验证码只能包含字母和数字"
		}
	}
	return ""
}

// pageOf returns the page that shows the session's step, relative to the root.
func pageOf(s Session) string {
	switch s.Step {
	case StepRunning:
		return "progress"
	case StepSMS, StepCaptcha:
		return "code"
	case StepDone, StepFailed:
		return "result"
	}
	if s.AreaCode != "" {
		return "login?city=" + url.QueryEscape(s.AreaCode) + "&type=" + strconv.Itoa(s.LoginType)
	}
	return "./"
}
