package h5

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/tcredit-go/tcredit"
)

// The life of a session, as one table. Every change a handler makes to a stored
// session is an event of the table below, applied by advance inside the store's
// Update: the steps the event may happen at, the guards it must pass, the step it
// leads to and what else it changes. A refused event stores nothing and says why.

// event is something that happens to a session.
type event int

const (
	evCreated  event = iota // the task of the query was created: in.tid
	evTakeOver              // a replica takes over a query whose lease ran out
	evRenew                 // the follower renews its lease
	evRelease               // the follower hands its lease back
	evStatus                // the task's status changed: in.code
	evAsk                   // the task waits on a challenge: in.challenge, in.image
	evAnswer                // a code was posted for the open challenge, under in.claim
	evSent                  // the code claimed under in.claim was submitted to the task
	evReopen                // the code claimed under in.claim did not reach the task
	evUnclaim               // a code claimed claimTimeout ago was never confirmed sent
	evEnd                   // the query ended: in.res, in.err, under in.claim
	evRefresh               // a new captcha image is asked of the API
)

// input is what an event brings: who acts, when, and the event's own data.
type input struct {
	now   time.Time
	owner string        // the handler that acts, for leases
	lease time.Duration // how long a lease lasts

	run string // the query acted on (Session.Run), as the actor knows it
	tid string // its task, as the actor knows it: "" before the creation

	code      tcredit.TaskCode  // evStatus: the task's status
	challenge tcredit.Challenge // evAsk: the challenge's mark (see mark)
	image     []byte            // evAsk: the captcha image

	claim       string // evAnswer, evReopen, evEnd: a random token of the request
	maxAttempts int    // evAnswer: Options.MaxCodeAttempts

	res *tcredit.FundResult // evEnd
	err error               // evEnd
}

// steps is a set of steps.
type steps uint8

func stepsOf(list ...Step) steps {
	var ss steps
	for _, s := range list {
		ss |= 1 << s
	}
	return ss
}

func (ss steps) has(s Step) bool { return s >= 0 && s < 8 && ss&(1<<s) != 0 }

var (
	anyActive = stepsOf(StepRunning, StepSMS, StepCaptcha)
	asking    = stepsOf(StepSMS, StepCaptcha)
)

// guard refuses an event, with a refusal, or lets it pass with nil.
type guard func(s *Session, in *input) error

// rule is a line of the table.
type rule struct {
	from   steps                            // the steps the event may happen at
	guards []guard                          // all must pass
	next   func(s *Session, in *input) Step // the step after; nil keeps it
	apply  func(s *Session, in *input)      // what else changes, before next
	// applied reports whether a session read after an Update of unknown outcome
	// shows the event applied; nil for an event that may simply be applied again.
	applied func(s *Session, in *input) bool
}

// lifecycle is the table of a session's life.
var lifecycle = [...]rule{
	evCreated: {
		from:    stepsOf(StepRunning),
		guards:  []guard{sameRun, noTaskYet},
		apply:   func(s *Session, in *input) { s.TID, s.LeaseUntil = in.tid, in.now.Add(in.lease) },
		applied: func(s *Session, in *input) bool { return s.Run == in.run && s.TID == in.tid },
	},
	evTakeOver: {
		from:    anyActive,
		guards:  []guard{sameQuery, leaseOver},
		apply:   func(s *Session, in *input) { s.Lease, s.LeaseUntil = in.owner, in.now.Add(in.lease) },
		applied: func(s *Session, in *input) bool { return s.Run == in.run && s.Lease == in.owner },
	},
	evRenew: {
		from:   anyActive,
		guards: []guard{sameQuery, holdsLease},
		apply:  func(s *Session, in *input) { s.LeaseUntil = in.now.Add(in.lease) },
	},
	evRelease: {
		from:   anyActive,
		guards: []guard{sameQuery, holdsLease},
		apply:  func(s *Session, in *input) { s.Lease, s.LeaseUntil = "", time.Time{} },
	},
	evStatus: {
		from:   anyActive,
		guards: []guard{sameQuery},
		next: func(s *Session, in *input) Step {
			if in.code.NeedsSMS() || in.code.NeedsCaptcha() {
				return s.Step // evAsk shows the challenge, with its image
			}
			return StepRunning
		},
		apply: func(s *Session, in *input) {
			s.Code = in.code
			if !in.code.NeedsSMS() && !in.code.NeedsCaptcha() {
				s.Captcha, s.Challenge = nil, tcredit.Challenge{}
			}
		},
	},
	evAsk: {
		from:   anyActive,
		guards: []guard{sameQuery, notAnswered},
		next:   func(s *Session, in *input) Step { return askStep(in.challenge.Code) },
		apply: func(s *Session, in *input) {
			s.Code, s.Challenge, s.Captcha = in.challenge.Code, in.challenge, nil
			if in.challenge.Code.NeedsCaptcha() {
				s.Captcha = in.image
			}
		},
	},
	evAnswer: {
		from:   asking,
		guards: []guard{sameQuery},
		next: func(s *Session, in *input) Step {
			if s.Attempts >= in.maxAttempts {
				return StepFailed
			}
			return StepRunning
		},
		apply: func(s *Session, in *input) {
			s.Claim = in.claim
			if s.Attempts >= in.maxAttempts {
				finish(s, nil, errTooManyAttempts, in.now)
				return
			}
			s.Attempts++
			s.Answered, s.ClaimedAt = s.Challenge, in.now
		},
		applied: claimed,
	},
	evSent: {
		from:   anyActive,
		guards: []guard{sameQuery, holdsClaim},
		apply:  func(s *Session, in *input) { s.ClaimedAt = time.Time{} },
	},
	evReopen: {
		from:   stepsOf(StepRunning),
		guards: []guard{sameQuery, holdsClaim, challengeOpen},
		next:   func(s *Session, in *input) Step { return askStep(s.Challenge.Code) },
		apply:  unclaim,
	},
	evUnclaim: {
		from:   stepsOf(StepRunning),
		guards: []guard{sameQuery, claimUnconfirmed, challengeOpen},
		next:   func(s *Session, in *input) Step { return askStep(s.Challenge.Code) },
		apply:  unclaim,
	},
	evEnd: {
		from:   anyActive,
		guards: []guard{sameQueryOrUntold},
		apply: func(s *Session, in *input) {
			s.TID, s.Claim = in.tid, in.claim
			finish(s, in.res, in.err, in.now)
		},
		applied: claimed,
	},
	evRefresh: {
		from:   stepsOf(StepCaptcha),
		guards: []guard{sameQuery, refreshDue},
		apply:  func(s *Session, in *input) { s.CaptchaAt = in.now },
	},
}

// advance applies the event ev to s, or refuses it and leaves s as it was.
func advance(s *Session, ev event, in *input) error {
	r := lifecycle[ev]
	if !r.from.has(s.Step) {
		return errStale
	}
	for _, g := range r.guards {
		if err := g(s, in); err != nil {
			return err
		}
	}
	next := s.Step
	if r.next != nil {
		next = r.next(s, in)
	}
	if r.apply != nil {
		r.apply(s, in)
	}
	if s.Step == StepDone || s.Step == StepFailed {
		return nil // apply ended the query
	}
	s.Step = next
	return nil
}

// The guards.

// sameRun passes the events of the query the session runs: not those of a query
// that ran under the same id before a store lost it.
func sameRun(s *Session, in *input) error {
	if s.Run != in.run {
		return errOtherQuery
	}
	return nil
}

// sameQuery passes the events of the session's query and task.
func sameQuery(s *Session, in *input) error {
	if s.Run != in.run || s.TID != in.tid {
		return errOtherQuery
	}
	return nil
}

// sameQueryOrUntold passes the events of the session's query and task, and of its
// query when the session was not told its task's tid: a store away when the task was
// created.
func sameQueryOrUntold(s *Session, in *input) error {
	if s.Run == in.run && s.TID == "" {
		return nil
	}
	return sameQuery(s, in)
}

func noTaskYet(s *Session, in *input) error {
	if s.TID != "" {
		return errStale
	}
	return nil
}

func holdsLease(s *Session, in *input) error {
	if s.Lease != in.owner {
		return errLeaseLost
	}
	return nil
}

func leaseOver(s *Session, in *input) error {
	if in.now.Before(s.LeaseUntil) {
		return errStale
	}
	return nil
}

// notAnswered refuses to ask a challenge that a code was claimed for already: the
// task has the code and moves on shortly.
func notAnswered(s *Session, in *input) error {
	if s.Answered.Code != 0 && in.challenge.Repeats(s.Answered) {
		return errAnswered
	}
	return nil
}

func holdsClaim(s *Session, in *input) error {
	if in.claim == "" || s.Claim != in.claim {
		return errStale
	}
	return nil
}

func challengeOpen(s *Session, in *input) error {
	if s.Challenge.Code == 0 || !s.Challenge.Repeats(s.Answered) {
		return errStale
	}
	return nil
}

// claimUnconfirmed passes a claim made claimTimeout ago or more whose code was
// never confirmed sent: the request that claimed it is over, and its code did not
// reach the task, or its confirmation did not reach the store.
func claimUnconfirmed(s *Session, in *input) error {
	if s.ClaimedAt.IsZero() || in.now.Sub(s.ClaimedAt) < claimTimeout {
		return errStale
	}
	return nil
}

// refreshDue passes the first request for a new captcha image in
// captchaRefreshInterval.
func refreshDue(s *Session, in *input) error {
	if in.now.Sub(s.CaptchaAt) < captchaRefreshInterval {
		return errStale
	}
	return nil
}

// unclaim takes back the claim of a code that did not reach the task.
func unclaim(s *Session, in *input) {
	s.Answered, s.Claim, s.ClaimedAt = tcredit.Challenge{}, "", time.Time{}
}

func claimed(s *Session, in *input) bool { return in.claim != "" && s.Claim == in.claim }

// askStep is the step that asks for the code of a challenge.
func askStep(c tcredit.TaskCode) Step {
	if c.NeedsCaptcha() {
		return StepCaptcha
	}
	return StepSMS
}

// finish records the end of a query in its session, summarised as of now.
func finish(s *Session, res *tcredit.FundResult, err error, now time.Time) {
	s.Captcha, s.Challenge, s.Lease, s.LeaseUntil = nil, tcredit.Challenge{}, "", time.Time{}
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

// mark is what a session keeps of a challenge to know it again with
// tcredit.Challenge.Repeats: its code, and digests of its image and message, which
// compare as the image and message do.
func mark(ch tcredit.Challenge) tcredit.Challenge {
	m := tcredit.Challenge{Code: ch.Code}
	if len(ch.Image) > 0 {
		sum := sha256.Sum256(ch.Image)
		m.Image = sum[:]
	}
	if ch.Message != "" {
		sum := sha256.Sum256([]byte(ch.Message))
		m.Message = hex.EncodeToString(sum[:])
	}
	return m
}

// resolveBackoff is the pause before the second round of an event whose Update
// ended with an unknown outcome, doubled for each next one up to maxResolveBackoff.
const (
	resolveBackoff    = 25 * time.Millisecond
	maxResolveBackoff = time.Second
)

// transit applies the event ev to the session id in the store. An Update whose
// outcome is unknown (a timeout, a cut connection) is resolved by reading the session
// again, never by assuming: when the session shows the event applied, it was;
// otherwise the event is tried again. An event that can be applied twice without harm
// is simply tried again. It tries until ctx ends, and for h.resolveTimeout at most
// (storeTimeout), so that a store away for a moment does not lose an event.
func (h *Handler) transit(ctx context.Context, id string, ev event, in input) (Session, error) {
	ctx, cancel := context.WithTimeout(ctx, h.resolveTimeout)
	defer cancel()
	r := &lifecycle[ev]
	change := func(s *Session) error { return advance(s, ev, &in) }
	var s Session
	var err error
	pause := resolveBackoff
	for round := 0; ; round++ {
		if round > 0 {
			if !sleep(ctx, pause) {
				return s, err
			}
			pause = min(2*pause, maxResolveBackoff)
		}
		s, err = h.store.Update(ctx, id, change)
		if settled(err) {
			if err != nil && round > 0 && r.applied != nil && r.applied(&s, &in) {
				return s, nil // refused now because an earlier round applied it
			}
			return s, err
		}
		if round == 0 {
			h.log.WarnContext(ctx, "h5: session store: outcome unknown, reading again", "tid", in.tid, "error", err)
		}
		if r.applied == nil {
			continue
		}
		got, gerr := h.store.Get(ctx, id)
		switch {
		case gerr == nil && r.applied(&got, &in):
			return got, nil
		case errors.Is(gerr, ErrNoSession):
			return got, gerr
		}
	}
}

// sleep waits for d, or until ctx ends; it reports whether ctx is still alive.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
