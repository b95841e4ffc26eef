package h5

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tcredit-go/tcredit"
)

// ErrNoSession is returned by a SessionStore for an id it does not hold, or holds only
// expired.
var ErrNoSession = errors.New("h5: no such session")

// ErrSessionExists is returned by a SessionStore's Create for an id it holds already.
var ErrSessionExists = errors.New("h5: session exists")

// ErrStoreFull is returned by a SessionStore's Create when it has no room for another
// session. The handler answers with a page that asks the person to come back later.
var ErrStoreFull = errors.New("h5: session store full")

// Step is where a session is in the flow.
type Step int

// The steps of a session.
const (
	StepStart   Step = iota // no query yet: choosing a city, filling the form
	StepRunning             // a query is running
	StepSMS                 // the task waits for the SMS code the person received
	StepCaptcha             // the task waits for the text of a captcha image
	StepDone                // the query ended with a report; see Session.Summary
	StepFailed              // the query failed; see Session.Failure
)

var stepNames = [...]string{"start", "running", "sms", "captcha", "done", "failed"}

// String returns the step's name, such as "running".
func (s Step) String() string {
	if s < 0 || int(s) >= len(stepNames) {
		return "unknown"
	}
	return stepNames[s]
}

// active reports whether a query of the session is running.
func (s Step) active() bool {
	return s == StepRunning || s == StepSMS || s == StepCaptcha
}

// Session is one person's pass through the pages after they posted a login form: the
// state a SessionStore keeps between requests, and all a replica needs to serve any
// request of the session. It holds no password and no code: those go from the request
// straight to the provider. It holds no report either, only the Summary shown on the
// result page.
type Session struct {
	ID      string    // the id the store keeps it under: a SHA-256 digest of the session's cookie
	CSRF    string    // a SHA-256 digest of the token every form of the session posts back
	Run     string    // names the query: 128 random bits, new at each posted login form
	Created time.Time // when the session began: when the login form was posted
	Expires time.Time // when it ends, and the handler stops following its query
	User    string    // what Options.User said of the person when the query started

	AreaCode  string           // the city of the query
	LoginType int              // its login method
	TID       string           // the task, once created
	Step      Step             // where the session is in the flow
	Code      tcredit.TaskCode // the last status of the task
	Captcha   []byte           // the captcha image, at StepCaptcha
	CaptchaAt time.Time        // when a new captcha image was last asked of the API
	Attempts  int              // the codes submitted in the whole session
	Summary   *Summary         // at StepDone: what the result page shows
	Failure   tcredit.TaskCode // at StepFailed: the task's failure code, or 0 for another cause

	// Challenge is the challenge the task waits on, at StepSMS and StepCaptcha, and
	// Answered the last one a code was claimed for: each as a mark, its code and
	// SHA-256 digests of its image and message, compared with
	// tcredit.Challenge.Repeats. Claim is the random token of the last request that
	// claimed the query: a code's submission or the query's end, so that a request
	// whose write had an unknown outcome reads whether it was its own. ClaimedAt is
	// when a code was claimed, until its submission is confirmed: zero after, and
	// when no code is claimed.
	Challenge tcredit.Challenge
	Answered  tcredit.Challenge
	Claim     string
	ClaimedAt time.Time

	// Lease names the handler that follows the running query, and LeaseUntil when
	// another may take it over: the owner renews it while it lives.
	Lease      string
	LeaseUntil time.Time

	// ConsentVersion and ConsentAt record the person's consent to Options.Consent when
	// they posted the login of the query: the agreement's version and the time. Keep
	// them with the result as evidence. Both are zero without Options.Consent.
	ConsentVersion string
	ConsentAt      time.Time
}

// String describes the session by its step, city and task, never by its id or CSRF
// digest.
func (s Session) String() string {
	return fmt.Sprintf("h5.Session{Step:%s AreaCode:%s LoginType:%d TID:%s Code:%d Attempts:%d Expires:%s}",
		s.Step, s.AreaCode, s.LoginType, s.TID, int(s.Code), s.Attempts, s.Expires.Format(time.RFC3339))
}

// GoString is String, so that %#v hides the secrets too.
func (s Session) GoString() string { return s.String() }

// LogValue logs the session as String describes it.
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("step", s.Step.String()),
		slog.String("area_code", s.AreaCode),
		slog.Int("login_type", s.LoginType),
		slog.String("tid", s.TID),
		slog.Int("code", int(s.Code)),
		slog.Int("attempts", s.Attempts),
		slog.Time("expires", s.Expires),
	)
}

// Summary is the short account of a finished query that the result page shows.
type Summary struct {
	Balance  tcredit.Amount // 公积金余额
	Months   int            // the months of contributions in the statement
	Employer string         // 单位名称
	Partial  bool           // some sections of the report are missing (40002)
}

// SessionStore keeps sessions between requests. Its methods must be safe for
// concurrent use by every replica that shares it, and must not return a session past
// its Expires.
//
// The handler keeps sessions in memory unless Options.Store gives another store. A
// service that runs several replicas behind a load balancer uses a store that every
// replica sees, such as package github.com/tcredit-go/tcredit/redisstore: the whole
// Session value, every field (JSON encode it as it is), keyed by Session.ID with
// Session.Expires as its lifetime. A session holds digests of its cookie and of its
// CSRF token, never the values themselves, and the result's Summary, but no password,
// code or report.
type SessionStore interface {
	// Get returns the session with the id, or ErrNoSession.
	Get(ctx context.Context, id string) (Session, error)

	// Create stores s under s.ID until s.Expires, unless a session with that id is
	// held: then it returns ErrSessionExists. It returns ErrStoreFull when it has no
	// room.
	Create(ctx context.Context, s Session) error

	// Update changes the session id atomically: it reads the session, calls change
	// on it, and stores the result, unless the session changed in between; then it
	// reads it again and calls change again, so that two replicas never overwrite
	// each other. It returns the session as stored, or ErrNoSession. An error from
	// change stores nothing and is returned as it is, with the session as read.
	Update(ctx context.Context, id string, change func(s *Session) error) (Session, error)

	// Delete drops the session id, if it is held.
	Delete(ctx context.Context, id string) error

	// SigningKeys returns the keys of the handler's tokens: the key to sign with first
	// (created when the store has none), then keys retired by RotateSigningKey whose
	// overlap has not ended, good for checking only. Each is a secret of 32 bytes or
	// more, the same for every handler that shares the store. A store that loses its
	// keys makes new ones, and every login form signed before is refused.
	SigningKeys(ctx context.Context) ([][]byte, error)

	// RotateSigningKey makes a new signing key; the key it replaces stays good for
	// checking for overlap, then is forgotten.
	RotateSigningKey(ctx context.Context, overlap time.Duration) error
}

// randomToken returns 128 bits from crypto/rand, base64url without padding.
func randomToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
