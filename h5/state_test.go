package h5

import (
	"errors"
	"testing"
	"time"

	"github.com/tcredit-go/tcredit"
)

// Each line of the session's table: the step it leads to, and the sessions it
// refuses.
func TestLifecycle(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	sms := mark(tcredit.Challenge{Code: tcredit.CodeWaitingSMS, Message: "已发送"})
	img := tcredit.Challenge{Code: tcredit.CodeWaitingCaptcha, Image: []byte{0x89, 'P', 'N', 'G'}}
	running := Session{Run: "q1", TID: "t1", Step: StepRunning, Lease: "me", LeaseUntil: now.Add(time.Second)}
	asking := running
	asking.Step, asking.Code, asking.Challenge = StepSMS, tcredit.CodeWaitingSMS, sms
	answered := asking
	answered.Step, answered.Answered, answered.Claim, answered.Attempts = StepRunning, sms, "c1", 1
	unsent := answered
	unsent.ClaimedAt = now.Add(-claimTimeout)
	in := input{now: now, owner: "me", lease: time.Second, run: "q1", tid: "t1", maxAttempts: 2}
	with := func(f func(*input)) input {
		c := in
		f(&c)
		return c
	}
	change := func(s Session, f func(*Session)) Session {
		f(&s)
		return s
	}

	for _, tc := range []struct {
		name string
		s    Session
		ev   event
		in   input
		want Step
		err  error
	}{
		{"created", change(running, func(s *Session) { s.TID = "" }), evCreated, with(func(i *input) { i.tid = "t9" }), StepRunning, nil},
		{"created, for another query", change(running, func(s *Session) { s.TID, s.Run = "", "q2" }), evCreated, in, 0, errOtherQuery},
		{"created twice", running, evCreated, with(func(i *input) { i.tid = "t9" }), 0, errStale},
		{"taken over", change(running, func(s *Session) { s.Lease, s.LeaseUntil = "dead", now }), evTakeOver, in, StepRunning, nil},
		{"taken over while leased", change(running, func(s *Session) { s.Lease = "alive" }), evTakeOver, in, 0, errStale},
		{"renewed by another", change(running, func(s *Session) { s.Lease = "other" }), evRenew, in, 0, errLeaseLost},
		{"renewed after the end", change(running, func(s *Session) { s.Step = StepDone }), evRenew, in, 0, errStale},
		{"status", asking, evStatus, with(func(i *input) { i.code = tcredit.CodeCrawling }), StepRunning, nil},
		{"status of another task", running, evStatus, with(func(i *input) { i.tid = "t2" }), 0, errOtherQuery},
		{"status of another query", running, evStatus, with(func(i *input) { i.run = "q0" }), 0, errOtherQuery},
		{"asked an SMS code", running, evAsk, with(func(i *input) { i.challenge = sms }), StepSMS, nil},
		{"asked a captcha", running, evAsk, with(func(i *input) { i.challenge, i.image = mark(img), img.Image }), StepCaptcha, nil},
		{"asked again what was answered", answered, evAsk, with(func(i *input) { i.challenge = sms }), 0, errAnswered},
		{"asked again, without its message", answered, evAsk, with(func(i *input) { i.challenge = tcredit.Challenge{Code: tcredit.CodeWaitingSMS} }), 0, errAnswered},
		{"answered", asking, evAnswer, with(func(i *input) { i.claim = "c1" }), StepRunning, nil},
		{"answered once too often", change(asking, func(s *Session) { s.Attempts = 2 }), evAnswer, with(func(i *input) { i.claim = "c1" }), StepFailed, nil},
		{"answered while running", running, evAnswer, in, 0, errStale},
		{"reopened by its claim", answered, evReopen, with(func(i *input) { i.claim = "c1" }), StepSMS, nil},
		{"reopened by another claim", answered, evReopen, with(func(i *input) { i.claim = "c2" }), 0, errStale},
		{"reopened after the status moved on", change(answered, func(s *Session) { s.Challenge = tcredit.Challenge{} }), evReopen, with(func(i *input) { i.claim = "c1" }), 0, errStale},
		{"sent", unsent, evSent, with(func(i *input) { i.claim = "c1" }), StepRunning, nil},
		{"sent under another claim", unsent, evSent, with(func(i *input) { i.claim = "c2" }), 0, errStale},
		{"unclaimed, unconfirmed too long", unsent, evUnclaim, in, StepSMS, nil},
		{"unclaimed, unconfirmed for a while", change(unsent, func(s *Session) { s.ClaimedAt = now.Add(time.Second - claimTimeout) }), evUnclaim, in, 0, errStale},
		{"unclaimed once sent", answered, evUnclaim, in, 0, errStale},
		{"unclaimed by another task", unsent, evUnclaim, with(func(i *input) { i.tid = "t2" }), 0, errOtherQuery},
		{"ended before the tid was written", change(running, func(s *Session) { s.TID = "" }), evEnd, with(func(i *input) { i.claim, i.err = "e1", errors.New("x") }), StepFailed, nil},
		{"captcha refreshed", change(asking, func(s *Session) { s.Step = StepCaptcha }), evRefresh, in, StepCaptcha, nil},
		{"captcha refreshed too soon", change(asking, func(s *Session) { s.Step, s.CaptchaAt = StepCaptcha, now.Add(-time.Second) }), evRefresh, in, 0, errStale},
		{"captcha refreshed at an SMS", asking, evRefresh, in, 0, errStale},
		{"ended", asking, evEnd, with(func(i *input) { i.claim, i.res = "e1", &tcredit.FundResult{Code: tcredit.CodeDone} }), StepDone, nil},
		{"ended with an error", running, evEnd, with(func(i *input) { i.claim, i.err = "e1", errors.New("x") }), StepFailed, nil},
		{"ended twice", change(running, func(s *Session) { s.Step = StepFailed }), evEnd, in, 0, errStale},
		{"ended by another task", running, evEnd, with(func(i *input) { i.tid = "t2" }), 0, errOtherQuery},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, in := tc.s, tc.in
			err := advance(&s, tc.ev, &in)
			if !errors.Is(err, tc.err) {
				t.Fatalf("advance = %v, want %v", err, tc.err)
			}
			if err != nil {
				if s.Step != tc.s.Step || s.Claim != tc.s.Claim || s.TID != tc.s.TID || s.Code != tc.s.Code {
					t.Errorf("a refused event changed the session: %v", s)
				}
				if !settled(err) {
					t.Errorf("a refusal is not a settled outcome")
				}
				return
			}
			if s.Step != tc.want {
				t.Errorf("step %s, want %s", s.Step, tc.want)
			}
			if r := lifecycle[tc.ev]; r.applied != nil && !r.applied(&s, &in) {
				t.Errorf("the session does not show the event applied")
			}
		})
	}
}

// An Update whose outcome is unknown is not settled; a refusal or a missing session
// is.
func TestSettled(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, true},
		{errStale, true},
		{ErrNoSession, true},
		{errors.New("i/o timeout"), false},
	} {
		if got := settled(tc.err); got != tc.want {
			t.Errorf("settled(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
