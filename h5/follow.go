package h5

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/summary"
)

// The follower: the replica that created a task, or took its query over, follows it
// under a lease kept in the session, renews the lease, and writes the task's news
// into the session of that task only.

// errTooManyAttempts ends a query whose session submitted too many codes.
var errTooManyAttempts = errors.New("h5: too many code attempts")

// errCreateCutOff ends a query whose replica stopped while it created the task: the
// task may exist, and be billed, but its tid is lost.
var errCreateCutOff = fmt.Errorf("h5: the task's creation was cut off: %w", tcredit.ErrOutcomeUnknown)

// createTimeout bounds the creation of a task. A session whose task has no tid this
// long after the form was posted lost its creation with its replica.
const createTimeout = time.Minute

// storeTimeout bounds a change to the store made after the request that caused it.
const storeTimeout = 10 * time.Second

// claimTimeout is how long a claimed code may go unconfirmed before its challenge is
// asked again: past it, the request that claimed it is over (it submits the code
// within storeTimeout), and so is the write of its confirmation.
const claimTimeout = 2 * storeTimeout

// challengeCheckFactor times the checks of a waiting challenge, in poll intervals.
const challengeCheckFactor = 5

// in returns the input of an event of the query of s, acted by this handler now.
func (h *Handler) in(s Session) input {
	return input{now: h.now(), owner: h.owner, lease: h.lease, run: s.Run, tid: s.TID,
		maxAttempts: h.opts.MaxCodeAttempts}
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
	h.log.InfoContext(ctx, "h5: task created", "tid", tid, "area_code", s.AreaCode, "login_type", s.LoginType)
	in := h.in(s)
	in.tid = tid
	stored, err := h.transit(ctx, s.ID, evCreated, in)
	if err != nil {
		// The store is away, or lost the session, or the session runs another
		// query. The task is live and billed all the same: it is followed to its
		// end in memory, and its tid written when the store takes it.
		h.log.ErrorContext(ctx, "h5: session store", "tid", tid, "error", err)
		s.TID = tid
		h.follow(rctx, s, false)
		return
	}
	h.follow(rctx, stored, true)
}

// attend takes over the running query of s when no replica follows it any more: its
// lease ran out. It returns the session as it is then.
func (h *Handler) attend(ctx context.Context, s Session) Session {
	if !s.Step.active() || h.now().Before(s.LeaseUntil) || !h.begin() {
		return s
	}
	claimed, err := h.transit(ctx, s.ID, evTakeOver, h.in(s))
	if err != nil {
		h.wg.Done()
		if !settled(err) {
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
		h.follow(context.WithoutCancel(ctx), claimed, true)
	}()
	return claimed
}

// follow follows the task of session s to its end, as long as this handler holds
// the session's lease, keeping the session up to date and asking the person for the
// codes the task waits on; its calls carry the values of rctx (the trace of the request
// that started or took over the query). At Close it hands the lease back. When its
// tid is not written in the session yet (written is false), the follower writes it
// first, and renews after.
func (h *Handler) follow(rctx context.Context, s Session, written bool) {
	lctx, lose := context.WithCancelCause(rctx)
	defer lose(nil)
	defer context.AfterFunc(h.ctx, func() { lose(h.ctx.Err()) })()
	ctx, cancel := context.WithDeadline(lctx, s.Expires)
	defer cancel()
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		h.renew(ctx, lose, s, written)
	}()
	defer func() { <-renewed }()
	defer cancel()

	opts := append([]tcredit.QueryOption{tcredit.OnStatus(func(res *tcredit.FundResult) {
		in := h.in(s)
		in.code = res.Code
		h.save(ctx, s.ID, evStatus, in)
	})}, h.opts.QueryOptions...)
	for {
		res, err := h.client.Wait(ctx, s.TID, opts...)
		var ce *tcredit.ChallengeError
		if errors.As(err, &ce) {
			if err = h.awaitAnswer(ctx, s, ce.Challenge); err == nil {
				continue
			}
			err = &tcredit.QueryError{TID: s.TID, Err: err}
		}
		switch {
		case h.ctx.Err() != nil:
			h.release(s)
		case errors.Is(context.Cause(ctx), errLeaseLost):
		default:
			h.end(s, res, err)
		}
		return
	}
}

// renew renews the lease of the query of s until ctx ends, and calls lose when
// another replica holds it or the query ended. It stops renewing, and leaves the task
// to be followed to its end, when the session runs another query.
func (h *Handler) renew(ctx context.Context, lose context.CancelCauseFunc, s Session, written bool) {
	tick := time.NewTicker(h.lease / leaseIntervals)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		var err error
		if written {
			_, err = h.transit(ctx, s.ID, evRenew, h.in(s))
		} else {
			written, err = h.writeTID(ctx, s)
		}
		switch {
		case err == nil:
		case errors.Is(err, ErrNoSession):
			return // the session expired, or the store lost it: its deadline ends the query
		case errors.Is(err, errOtherQuery):
			// The store lost the session, and one made again under its id runs
			// another query: nobody else follows this task, which is billed. It is
			// followed to its end, which end reports without writing into that
			// session, as every event of this task is refused there.
			return
		case settled(err):
			lose(errLeaseLost)
			return
		case ctx.Err() == nil:
			h.log.ErrorContext(ctx, "h5: session store", "tid", s.TID, "error", err)
		}
	}
}

// writeTID writes the tid of s, a created task, into its session, which holds none
// yet, and reports whether the session holds it now: written by this call, or by an
// earlier one whose outcome was unknown.
func (h *Handler) writeTID(ctx context.Context, s Session) (bool, error) {
	in := h.in(s)
	_, err := h.transit(ctx, s.ID, evCreated, in)
	if !errors.Is(err, errStale) {
		return err == nil, err
	}
	got, gerr := h.store.Get(ctx, s.ID)
	if gerr == nil && lifecycle[evCreated].applied(&got, &in) {
		return true, nil
	}
	return false, errOtherQuery // the session holds the tid of another task
}

// release hands the lease of the query of s back, so that another replica takes the
// query over at once.
func (h *Handler) release(s Session) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if _, err := h.transit(ctx, s.ID, evRelease, h.in(s)); !settled(err) {
		h.log.ErrorContext(ctx, "h5: session store", "tid", s.TID, "error", err)
	}
}

// save applies the event ev of the running query to its session; a session that
// ended or runs another query meanwhile is left as it is. It returns the Update's
// error, after logging one that is not a refusal.
func (h *Handler) save(ctx context.Context, id string, ev event, in input) error {
	_, err := h.transit(ctx, id, ev, in)
	if !settled(err) && ctx.Err() == nil {
		h.log.ErrorContext(ctx, "h5: session store", "tid", in.tid, "error", err)
	}
	return err
}

// awaitAnswer shows the challenge ch to the person, unless a code was claimed for it
// already, and waits until one is, looking at the task again now and then: a
// challenge nobody answers times out at the provider.
func (h *Handler) awaitAnswer(ctx context.Context, s Session, ch tcredit.Challenge) error {
	in := h.in(s)
	in.challenge, in.image = mark(ch), ch.Image
	answered := errors.Is(h.save(ctx, s.ID, evAsk, in), errAnswered)
	if answered {
		got, err := h.store.Get(ctx, s.ID)
		if err == nil && got.Run == s.Run && got.TID == s.TID && h.unclaim(ctx, got).Step != StepRunning {
			answered = false // the code claimed was never sent: the challenge is asked again
		}
	}
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
		if got, err := h.store.Get(ctx, s.ID); err == nil && got.Answered.Code != 0 && in.challenge.Repeats(got.Answered) {
			return nil
		}
	}
}

// end records the end of the query of session s and calls OnResult, unless the
// session ended already: whoever ends it reports it, once.
func (h *Handler) end(s Session, res *tcredit.FundResult, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(h.ctx), storeTimeout)
	defer cancel()
	in := h.in(s)
	var cerr error
	if in.claim, cerr = randomToken(); cerr != nil {
		panic(cerr) // crypto/rand does not fail
	}
	in.res, in.err = res, err
	stored, uerr := h.transit(ctx, s.ID, evEnd, in)
	switch {
	case uerr == nil:
		s = stored
	case errors.Is(uerr, errStale):
		return // ended by another, who reports it
	default: // the session expired, the store lost it or failed, or it runs another
		// query: report what is known
		if !errors.Is(uerr, ErrNoSession) {
			h.log.ErrorContext(ctx, "h5: session store", "tid", s.TID, "error", uerr)
		}
		finish(&s, res, err, in.now)
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
