package h5

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
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

// errCreateCutOff ends a query whose replica stopped while it created the task: the
// task may exist, and be billed, but its tid is lost.
var errCreateCutOff = fmt.Errorf("h5: the task's creation was cut off: %w", tcredit.ErrOutcomeUnknown)

// errLeaseLost stops following a query that another replica follows now, or that
// ended meanwhile.
var errLeaseLost = errors.New("h5: lease lost")

// errStale is a change refused because the session moved on meanwhile.
var errStale = errors.New("h5: session moved on")

// maxCodeLen is the longest SMS or captcha code accepted.
const maxCodeLen = 16

// createTimeout bounds the creation of a task. A session whose task has no tid this
// long after the form was posted lost its creation with its replica.
const createTimeout = time.Minute

// submitLogin checks a posted login form, creates the session (a new one, with a new
// id and CSRF token, whatever cookie came with the form), and starts its query.
func (h *Handler) submitLogin(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	key, err := h.keys.get(ctx)
	if err != nil {
		h.noSession(w, r, err)
		return
	}
	nonce := checkFormToken(key, r.PostForm.Get("csrf"), h.now())
	if nonce == "" {
		h.message(w, http.StatusForbidden, msgForbidden)
		return
	}
	id := sessionID(key, nonce)
	if nonce != h.cookie(r, formCookie) {
		if h.cookie(r, sessionCookie) != id {
			h.message(w, http.StatusForbidden, msgExpired)
			return
		}
	}
	if s, err := h.store.Get(ctx, id); err == nil { // the same form posted again
		h.enter(w, r, s)
		return
	}
	old, err := h.session(r)
	switch {
	case errors.Is(err, ErrNoSession):
	case err != nil:
		h.noSession(w, r, err)
		return
	case old.Step.active():
		seeOther(w, "progress")
		return
	case old.Step == StepDone: // a late repeat of the form, after Back: no second task
		seeOther(w, "result")
		return
	case old.Attempts >= h.opts.MaxCodeAttempts: // no task could take its code
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
		h.renderLogin(w, http.StatusUnprocessableEntity, r.PostForm.Get("csrf"), f, r.PostForm, ve)
		return
	}
	s, err := h.newSession(r, id, old)
	if err != nil {
		h.noSession(w, r, err)
		return
	}
	s.AreaCode, s.LoginType = req.AreaCode, req.LoginType
	if !h.begin() {
		h.message(w, http.StatusServiceUnavailable, msgSystem)
		return
	}
	switch err := h.store.Create(ctx, s); {
	case errors.Is(err, ErrSessionExists): // posted twice at once: the other one runs it
		h.wg.Done()
		if s, err = h.store.Get(ctx, id); err != nil {
			h.noSession(w, r, err)
			return
		}
	case err != nil:
		h.wg.Done()
		h.storeFailed(w, r, err)
		return
	default:
		if old.ID != "" {
			if err := h.store.Delete(ctx, old.ID); err != nil {
				h.log.ErrorContext(ctx, "h5: session store", "error", err)
			}
		}
		go h.create(context.WithoutCancel(ctx), s, req)
	}
	h.enter(w, r, s)
}

// newSession returns the session that a login form posted now starts under id, with
// what it keeps of the browser's old session: the codes submitted.
func (h *Handler) newSession(r *http.Request, id string, old Session) (Session, error) {
	csrf, err := randomToken()
	if err != nil {
		return Session{}, err
	}
	now := h.now()
	s := Session{
		ID: id, CSRF: csrf, Created: now, Expires: now.Add(h.opts.SessionTTL),
		Step: StepRunning, Attempts: old.Attempts,
		Lease: h.owner, LeaseUntil: now.Add(createTimeout + h.lease),
	}
	if h.opts.User != nil {
		s.User = h.opts.User(r)
	}
	if h.opts.Consent != nil { // checked by submitLogin
		s.ConsentVersion, s.ConsentAt = h.opts.Consent.Version, now
	}
	return s, nil
}

// enter gives the browser the cookie of session s, drops its form cookie, and shows
// the page of the session's step.
func (h *Handler) enter(w http.ResponseWriter, r *http.Request, s Session) {
	h.setCookie(w, r, sessionCookie, s.ID, s.Expires.Sub(h.now()))
	h.setCookie(w, r, formCookie, "", -1)
	seeOther(w, pageOf(s))
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

// create creates the task of session s and follows it, with the values of rctx (the
// login's request: its trace). The creation is billed: it is not cut short by Close,
// and happens once per session, which Create guarded.
func (h *Handler) create(rctx context.Context, s Session, req tcredit.CreateTaskRequest) {
	defer h.wg.Done()
	ctx, cancel := context.WithTimeout(rctx, createTimeout)
	defer cancel()
	tid, err := h.client.CreateTask(ctx, req)
	if err != nil {
		h.end(s, nil, err)
		return
	}
	s.TID = tid
	h.log.InfoContext(ctx, "h5: task created", "tid", tid, "area_code", s.AreaCode, "login_type", s.LoginType)
	stored, err := h.store.Update(ctx, s.ID, func(st *Session) error {
		st.TID, st.LeaseUntil = tid, h.now().Add(h.lease)
		return nil
	})
	if err != nil {
		h.log.ErrorContext(ctx, "h5: session store", "tid", tid, "error", err)
		h.end(s, &tcredit.FundResult{TID: tid}, &tcredit.QueryError{TID: tid, Err: err})
		return
	}
	h.follow(rctx, stored)
}

// attend takes over the running query of s when no replica follows it any more: its
// lease ran out. It returns the session as it is then.
func (h *Handler) attend(ctx context.Context, s Session) Session {
	now := h.now()
	if !s.Step.active() || now.Before(s.LeaseUntil) || !h.begin() {
		return s
	}
	claimed, err := h.store.Update(ctx, s.ID, func(st *Session) error {
		if !st.Step.active() || now.Before(st.LeaseUntil) {
			return errStale
		}
		st.Lease, st.LeaseUntil = h.owner, now.Add(h.lease)
		return nil
	})
	if err != nil {
		h.wg.Done()
		if !errors.Is(err, errStale) {
			h.log.ErrorContext(ctx, "h5: session store", "tid", s.TID, "error", err)
		}
		return s
	}
	if claimed.TID == "" { // its replica stopped while it created the task
		go func() {
			defer h.wg.Done()
			h.end(claimed, nil, errCreateCutOff)
		}()
		return claimed
	}
	h.log.InfoContext(ctx, "h5: query taken over", "tid", claimed.TID, "area_code", claimed.AreaCode)
	go func() {
		defer h.wg.Done()
		h.follow(context.WithoutCancel(ctx), claimed)
	}()
	return claimed
}

// follow follows the task of session s to its end, as long as this handler holds
// the session's lease, keeping the session up to date and asking the person for the
// codes the task waits on; its calls carry the values of rctx (the trace of the request
// that started or took over the query). At Close it hands the lease back.
func (h *Handler) follow(rctx context.Context, s Session) {
	lctx, lose := context.WithCancelCause(rctx)
	defer lose(nil)
	defer context.AfterFunc(h.ctx, func() { lose(h.ctx.Err()) })()
	ctx, cancel := context.WithDeadline(lctx, s.Expires)
	defer cancel()
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		h.renew(ctx, lose, s.ID)
	}()
	defer func() { <-renewed }()
	defer cancel()

	opts := append([]tcredit.QueryOption{tcredit.OnStatus(func(res *tcredit.FundResult) {
		h.save(ctx, s.ID, func(st *Session) {
			st.Code = res.Code
			if !res.Code.NeedsSMS() && !res.Code.NeedsCaptcha() {
				st.Step, st.Captcha, st.Challenge = StepRunning, nil, ""
			}
		})
	})}, h.opts.QueryOptions...)
	for {
		res, err := h.client.Wait(ctx, s.TID, opts...)
		var ce *tcredit.ChallengeError
		if errors.As(err, &ce) {
			if err = h.awaitAnswer(ctx, s.ID, ce.Challenge); err == nil {
				continue
			}
			err = &tcredit.QueryError{TID: s.TID, Err: err}
		}
		switch {
		case h.ctx.Err() != nil:
			h.release(s.ID)
		case errors.Is(context.Cause(ctx), errLeaseLost):
		default:
			h.end(s, res, err)
		}
		return
	}
}

// renew renews the lease of session id until ctx ends, and calls lose when another
// replica holds it or the query ended.
func (h *Handler) renew(ctx context.Context, lose context.CancelCauseFunc, id string) {
	tick := time.NewTicker(h.lease / leaseIntervals)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		_, err := h.store.Update(ctx, id, func(s *Session) error {
			if s.Lease != h.owner || !s.Step.active() {
				return errLeaseLost
			}
			s.LeaseUntil = h.now().Add(h.lease)
			return nil
		})
		switch {
		case errors.Is(err, errLeaseLost):
			lose(errLeaseLost)
			return
		case errors.Is(err, ErrNoSession):
			return // the session expired: its deadline ends the query
		case err != nil && ctx.Err() == nil:
			h.log.ErrorContext(ctx, "h5: session store", "error", err)
		}
	}
}

// release hands the lease of session id back, so that another replica takes the
// query over at once.
func (h *Handler) release(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	_, err := h.store.Update(ctx, id, func(s *Session) error {
		if s.Lease != h.owner {
			return errStale
		}
		s.Lease, s.LeaseUntil = "", time.Time{}
		return nil
	})
	if err != nil && !errors.Is(err, errStale) && !errors.Is(err, ErrNoSession) {
		h.log.ErrorContext(ctx, "h5: session store", "error", err)
	}
}

// storeTimeout bounds a change to the store made after the request that caused it.
const storeTimeout = 10 * time.Second

// save applies change to the running session id; a session that ended meanwhile is
// left as it is.
func (h *Handler) save(ctx context.Context, id string, change func(s *Session)) {
	_, err := h.store.Update(ctx, id, func(s *Session) error {
		if !s.Step.active() {
			return errStale
		}
		change(s)
		return nil
	})
	if err != nil && !errors.Is(err, errStale) && !errors.Is(err, ErrNoSession) && ctx.Err() == nil {
		h.log.ErrorContext(ctx, "h5: session store", "error", err)
	}
}

// awaitAnswer shows the challenge ch to the person, unless a code was submitted for
// it already, and waits until one is, looking at the task again now and then: a
// challenge nobody answers times out at the provider.
func (h *Handler) awaitAnswer(ctx context.Context, id string, ch tcredit.Challenge) error {
	d := digest(ch)
	answered := false
	h.save(ctx, id, func(s *Session) {
		if answered = s.Answered == d; answered {
			return // the task has the code and moves on shortly
		}
		s.Code, s.Challenge, s.Step, s.Captcha = ch.Code, d, StepSMS, nil
		if ch.Code.NeedsCaptcha() {
			s.Step, s.Captcha = StepCaptcha, ch.Image
		}
	})
	tick := time.NewTicker(h.opts.PollInterval)
	defer tick.Stop()
	for i := 1; ; i++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		if answered || i >= challengeCheckFactor {
			return nil
		}
		if s, err := h.store.Get(ctx, id); err == nil && s.Answered == d {
			return nil
		}
	}
}

// challengeCheckFactor times the checks of a waiting challenge, in poll intervals.
const challengeCheckFactor = 5

// digest names a challenge: its code, image and message.
func digest(ch tcredit.Challenge) string {
	sum := sha256.New()
	sum.Write([]byte(strconv.Itoa(int(ch.Code)) + "\n" + ch.Message + "\n"))
	sum.Write(ch.Image)
	return hex.EncodeToString(sum.Sum(nil)[:16])
}

// end records the end of the query of session s and calls OnResult, unless the
// session ended already: whoever ends it reports it, once.
func (h *Handler) end(s Session, res *tcredit.FundResult, err error) {
	ctx := context.WithoutCancel(h.ctx)
	now := h.now()
	stored, uerr := h.store.Update(ctx, s.ID, func(st *Session) error {
		if !st.Step.active() {
			return errStale
		}
		finish(st, res, err, now)
		return nil
	})
	switch {
	case uerr == nil:
		s = stored
	case errors.Is(uerr, errStale):
		return
	default: // the session expired, or the store failed: report what is known
		if !errors.Is(uerr, ErrNoSession) {
			h.log.ErrorContext(ctx, "h5: session store", "tid", s.TID, "error", uerr)
		}
		finish(&s, res, err, now)
	}
	h.report(ctx, s, res, err)
}

// report logs the end of a query and calls OnResult.
func (h *Handler) report(ctx context.Context, s Session, res *tcredit.FundResult, err error) {
	h.log.InfoContext(ctx, "h5: query ended", "tid", s.TID, "area_code", s.AreaCode,
		"step", s.Step.String(), "code", int(s.Code), "cause", cause(err))
	if h.opts.OnResult != nil {
		h.onResult(ctx, s, res, err)
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
	s.Captcha, s.Challenge, s.Lease, s.LeaseUntil = nil, "", "", time.Time{}
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

// submitCode submits the code the person typed to the task, once: of two posts of a
// code for one challenge, on one replica or two, one goes to the provider.
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
	tooMany := false
	now := h.now()
	s, err := h.store.Update(r.Context(), s.ID, func(s *Session) error {
		if s.Step != StepSMS && s.Step != StepCaptcha {
			return errStale
		}
		if tooMany = s.Attempts >= h.opts.MaxCodeAttempts; tooMany {
			finish(s, nil, errTooManyAttempts, now)
			return nil
		}
		s.Attempts++
		s.Step, s.Answered = StepRunning, s.Challenge
		return nil
	})
	switch {
	case errors.Is(err, errStale):
		seeOther(w, pageOf(s))
		return
	case err != nil:
		h.noSession(w, r, err)
		return
	case tooMany:
		h.report(context.WithoutCancel(r.Context()), s, &tcredit.FundResult{TID: s.TID, Code: s.Code},
			&tcredit.QueryError{TID: s.TID, Err: errTooManyAttempts})
		h.message(w, http.StatusTooManyRequests, msgTooManyAttempts)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), storeTimeout)
	defer cancel()
	if err := h.client.SubmitCode(ctx, s.TID, code); err != nil && !errors.Is(err, tcredit.ErrOutcomeUnknown) {
		// The code did not reach the task, or the provider refused it: the challenge
		// is open again.
		h.log.WarnContext(ctx, "h5: code not submitted", "tid", s.TID, "cause", cause(err))
		s = h.reopen(ctx, s)
		h.renderCode(w, http.StatusBadGateway, s, "验证码提交失败，请重试")
		return
	}
	h.client.Notify(tcredit.Callback{TID: s.TID}) // the replica that follows the task looks at once
	seeOther(w, "progress")
}

// reopen shows the challenge of s again after its code could not be submitted.
func (h *Handler) reopen(ctx context.Context, s Session) Session {
	reopened, err := h.store.Update(ctx, s.ID, func(st *Session) error {
		if st.Step != StepRunning || st.Challenge == "" || st.Answered != st.Challenge {
			return errStale
		}
		st.Answered, st.Step = "", StepSMS
		if st.Code.NeedsCaptcha() {
			st.Step = StepCaptcha
		}
		return nil
	})
	if err != nil {
		return s
	}
	return reopened
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
