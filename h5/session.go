package h5

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tcredit-go/tcredit"
)

// ErrNoSession is returned by a SessionStore's Get for an id it does not hold, or
// holds only expired.
var ErrNoSession = errors.New("h5: no such session")

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

// Session is one person's pass through the pages: the state a SessionStore keeps
// between requests. It holds no password and no code: those go from the request
// straight to the running query. It holds no report either, only the Summary shown on
// the result page.
type Session struct {
	ID      string    // the cookie's value: 128 random bits, base64url; a secret, like a password
	CSRF    string    // the token every form of the session posts back: 128 random bits
	Created time.Time // when the session began
	Expires time.Time // when it ends, and any query it runs is stopped
	User    string    // what Options.User said of the person when the query started

	AreaCode  string           // the city of the query
	LoginType int              // its login method
	TID       string           // the task, once created
	Step      Step             // where the session is in the flow
	Code      tcredit.TaskCode // the last status of the task
	Captcha   []byte           // the captcha image, at StepCaptcha
	Attempts  int              // the codes submitted in the whole session
	Summary   *Summary         // at StepDone: what the result page shows
	Failure   tcredit.TaskCode // at StepFailed: the task's failure code, or 0 for another cause

	// ConsentVersion and ConsentAt record the person's consent to Options.Consent when
	// they posted the login of the query: the agreement's version and the time. Keep
	// them with the result as evidence. Both are zero without Options.Consent.
	ConsentVersion string
	ConsentAt      time.Time
}

// String describes the session by its step, city and task, never by its id or CSRF
// token, which are secrets.
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
// concurrent use, and Get must not return a session past its Expires.
//
// The handler keeps sessions in memory unless Options.Store gives another store.
// A service that runs several replicas behind a load balancer stores sessions where
// every replica sees them (Redis, a database): the whole Session value, every field
// (JSON or gob encode it as it is), keyed by Session.ID with Session.Expires as its
// lifetime. The store holds the session's CSRF token and the result's Summary, but no
// password, code or report.
//
// What cannot be shared is the running query: Client.Query runs in a goroutine of the
// replica that started it, and the code the person types goes to it through that
// replica's memory; the handler also serializes the changes to a session in memory.
// So the requests of a session must reach the replica that serves it: route them by
// the session cookie (sticky sessions). Another replica still shows the session's
// pages and its state, but a code posted there answers 409 (查询已中断) and the query
// waits on. When a replica stops (Handler.Close), its queries end and OnResult gets the
// tid of each task, with which Client.Wait can resume it.
type SessionStore interface {
	// Get returns the session with the id, or ErrNoSession.
	Get(ctx context.Context, id string) (Session, error)
	// Put stores s under s.ID, replacing any session with that id, until s.Expires.
	Put(ctx context.Context, s Session) error
}

// NewMemoryStore returns a SessionStore that keeps sessions in the memory of the
// process. Expired sessions are dropped as they are found and swept from time to time.
func NewMemoryStore() SessionStore {
	return &memoryStore{sessions: make(map[string]Session), now: time.Now}
}

type memoryStore struct {
	mu       sync.Mutex
	sessions map[string]Session
	puts     int
	now      func() time.Time
}

func (m *memoryStore) Get(ctx context.Context, id string) (Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok {
		return Session{}, ErrNoSession
	}
	if !m.now().Before(s.Expires) {
		delete(m.sessions, id)
		return Session{}, ErrNoSession
	}
	return s, nil
}

func (m *memoryStore) Put(ctx context.Context, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[s.ID] = s
	m.puts++
	if m.puts%256 == 0 {
		m.sweep()
	}
	return nil
}

// sweep drops every expired session. The caller holds m.mu.
func (m *memoryStore) sweep() {
	now := m.now()
	for id, s := range m.sessions {
		if !now.Before(s.Expires) {
			delete(m.sessions, id)
		}
	}
}

// randomToken returns 128 bits from crypto/rand, base64url without padding.
func randomToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
