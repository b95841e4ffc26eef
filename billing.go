package tcredit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// BillingRecorder keeps the record of a Client's billed calls: every create of a task,
// written before it is sent, and what became of it. Set one with WithBillingRecorder.
// Its methods must be safe for concurrent use.
//
// RecordBilling must be idempotent: an event recorded a second time changes nothing.
// The events of a create (BillingAttempt, BillingCreated, BillingUnknown,
// BillingRefused) are identified by their Attempt and Kind; a task's end
// (BillingSucceeded, BillingFailed) by its TID and Kind, since a task may end in
// another process than the one that created it.
type BillingRecorder interface {
	RecordBilling(ctx context.Context, e BillingEvent) error
}

// BillingKind is what a BillingEvent records. The kinds come in the order of a task's
// life: an attempt; then created, unknown or refused; then, for a task, succeeded or
// failed.
type BillingKind string

// The kinds of billing events.
const (
	// BillingAttempt is recorded before a create is sent. If recording it fails, the
	// create is not sent and CreateTask returns a *BillingError.
	BillingAttempt BillingKind = "attempt"
	// BillingCreated is a task created: TID and SeqNum are known. It is billed.
	BillingCreated BillingKind = "created"
	// BillingUnknown is a create whose answer never came (ErrOutcomeUnknown): the
	// provider may have created, and billed, a task. TID is set when the broken answer
	// named one.
	BillingUnknown BillingKind = "unknown"
	// BillingRefused is a create that certainly created no task, and is not billed:
	// the provider answered with an error status, or the request never reached it.
	BillingRefused BillingKind = "refused"
	// BillingSucceeded is a task that ended with its report (Code 0, 40001, 40002): its
	// charge stands.
	BillingSucceeded BillingKind = "succeeded"
	// BillingFailed is a task that ended in failure (a 5xxxx Code): the provider rolls
	// its charge back (任务失败用户计费回滚).
	BillingFailed BillingKind = "failed"
)

// BillingEvent is one entry of the billing record. It holds identifiers only, never
// a person's login, a code or the client's tokenId.
//
// The events of a create carry the attempt id that the Client made before sending
// it. An end (BillingSucceeded or BillingFailed) is recorded where the SDK reads a
// task's final code, by GetFund, which knows the task only by its tid: its Attempt is
// set when the same Client created the task and still remembers it, and empty
// otherwise (a task resumed after a restart, or read by another replica). A recorder
// joins an end to its attempt by TID, which the BillingCreated event carries.
type BillingEvent struct {
	Attempt  string      `json:"attempt,omitempty"`   // the local id of the create, made before it was sent
	Kind     BillingKind `json:"kind"`                // what happened
	AppID    string      `json:"app_id"`              // the client's appId, which the provider bills
	AreaCode string      `json:"area_code,omitempty"` // the city of the create; empty on an end
	TID      string      `json:"tid,omitempty"`       // the task, once known
	SeqNum   string      `json:"seq_num,omitempty"`   // the provider's seqNum of the create's answer, when one came
	Time     time.Time   `json:"time"`                // when the event happened, by the client's clock
	Code     TaskCode    `json:"code,omitempty"`      // the task's final code; for a refusal, its status (-1, -2) when the answer gave one
}

// key identifies an event for idempotence: a create's by its attempt and kind, an
// end's by its task and kind.
func (e BillingEvent) key() string {
	if e.Kind.IsEnd() {
		return string(e.Kind) + "\x00tid\x00" + e.TID
	}
	return string(e.Kind) + "\x00" + e.Attempt
}

// IsEnd reports whether the kind is a task's end: BillingSucceeded or BillingFailed.
func (k BillingKind) IsEnd() bool { return k == BillingSucceeded || k == BillingFailed }

// Validate reports what makes an event unusable as a record: an unknown kind, no
// time, a create's event without its attempt id, a created event or an end without
// its tid.
func (e BillingEvent) Validate() error {
	switch {
	case e.Time.IsZero():
		return errors.New("a " + string(e.Kind) + " event without a time")
	case e.Kind.IsEnd():
		if e.TID == "" {
			return errors.New("an end without a tid")
		}
	case e.Kind == BillingAttempt, e.Kind == BillingCreated, e.Kind == BillingUnknown, e.Kind == BillingRefused:
		if e.Attempt == "" {
			return errors.New("a " + string(e.Kind) + " event without an attempt id")
		}
		if e.Kind == BillingCreated && e.TID == "" {
			return errors.New("a created event without a tid")
		}
	default:
		return errors.New("unknown kind " + strconv.Quote(string(e.Kind)))
	}
	return nil
}

// WithBillingRecorder makes the client record every billed call with r: a
// BillingAttempt before each create is sent (a create whose attempt cannot be recorded
// is not sent), the create's outcome, and the end of each task whose final code
// GetFund reads (and so Query and Wait). CreateTask, Query, Wait and everything built
// on them record without more code.
//
// An error of r after a create was sent does not change what the call returns: it is
// logged at error level, and the record is completed later (see the ledger module's
// Settle).
func WithBillingRecorder(r BillingRecorder) Option {
	return func(c *Client) error {
		if r == nil {
			return errors.New("billing recorder is nil")
		}
		c.billing = &biller{rec: r, attempts: make(map[string]string)}
		return nil
	}
}

// AppID returns the appId the client calls the API as, which the provider bills.
func (c *Client) AppID() string { return c.appID }

// biller is a client's billing recorder and the attempts of the tasks it created.
type biller struct {
	rec BillingRecorder

	mu       sync.Mutex
	attempts map[string]string // tid → attempt id, until the task's end is recorded
}

// maxRemembered bounds the tasks whose attempt id a client remembers for their end.
const maxRemembered = 4096

// recordTimeout bounds the recording of an event after the create was sent, which goes
// on when the caller's context has ended.
const recordTimeout = 10 * time.Second

// billed is one create being recorded.
type billed struct {
	attempt  string
	areaCode string
	seqNum   string // the create's seqNum, set by call on an answer
}

// billedKey is the context key of the create being recorded.
type billedKey struct{}

// noteSeqNum keeps the seqNum of an answer for the create being recorded in ctx, if any.
func noteSeqNum(ctx context.Context, seqNum string) {
	if b, ok := ctx.Value(billedKey{}).(*billed); ok {
		b.seqNum = seqNum
	}
}

// newAttemptID returns a random id for a create: 32 hex digits.
func newAttemptID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// beginCreate records the attempt of a create in areaCode before it is sent, and
// returns ctx carrying it. Without a recorder it returns ctx and a nil *billed. If
// the attempt cannot be recorded, the error is a *BillingError and the create must not
// be sent.
func (c *Client) beginCreate(ctx context.Context, areaCode string) (context.Context, *billed, error) {
	if c.billing == nil {
		return ctx, nil, nil
	}
	b := &billed{attempt: newAttemptID(), areaCode: areaCode}
	e := BillingEvent{Attempt: b.attempt, Kind: BillingAttempt, AppID: c.appID, AreaCode: areaCode, Time: time.Now()}
	if err := c.billing.rec.RecordBilling(ctx, e); err != nil {
		if !errors.Is(err, ErrBillingLimit) {
			// The attempt may be stored all the same (a commit whose reply was lost, a
			// line written but not synced): say that it was never sent, lest it stay
			// an open, perhaps billed, attempt for ever.
			e.Kind, e.Time = BillingRefused, time.Now()
			c.recordAfterBill(ctx, e)
		}
		return ctx, nil, &BillingError{Attempt: b.attempt, Kind: BillingAttempt, Err: err}
	}
	return context.WithValue(ctx, billedKey{}, b), b, nil
}

// endCreate records the outcome of the create b: created with tid, or what err says.
func (c *Client) endCreate(ctx context.Context, b *billed, tid string, err error) {
	if b == nil {
		return
	}
	e := BillingEvent{Attempt: b.attempt, Kind: BillingCreated, AppID: c.appID, AreaCode: b.areaCode,
		TID: tid, SeqNum: b.seqNum, Time: time.Now()}
	var (
		refusal *TaskError
		apiErr  *APIError
	)
	switch {
	case err == nil:
	case errors.Is(err, ErrOutcomeUnknown): // the same test as the observer's, so both count it billed
		e.Kind, e.TID = BillingUnknown, errorTID(err)
	case errors.As(err, &refusal):
		e.Kind, e.TID, e.Code = BillingRefused, refusal.TID, refusal.Code
	case errors.As(err, &apiErr):
		e.Kind = BillingRefused
		if e.SeqNum == "" {
			e.SeqNum = apiErr.SeqNum
		}
	default:
		e.Kind = BillingRefused
	}
	if e.TID != "" {
		c.billing.remember(e.TID, b.attempt)
	}
	c.recordAfterBill(ctx, e)
}

// endTask records the end of the task tid, read as res, when its code is final. The
// task is the one asked about, whatever tid the answer names.
func (c *Client) endTask(ctx context.Context, tid string, res *FundResult) {
	if c.billing == nil {
		return
	}
	kind, ok := BillingEndOf(res.Code)
	if !ok {
		return
	}
	e := BillingEvent{Attempt: c.billing.forget(tid), Kind: kind, AppID: c.appID, TID: tid, Code: res.Code, Time: time.Now()}
	c.recordAfterBill(ctx, e)
}

// BillingEndOf returns the billing kind of a task whose getFundB code is code, and
// whether the code is an end at all: BillingSucceeded for a report (Code.Done),
// BillingFailed for a 5xxxx failure, whose charge is rolled back. The other failure
// codes of getFundB (-1, -2, -9) are about the call, such as a tid of another appId,
// not the task's end.
func BillingEndOf(code TaskCode) (BillingKind, bool) {
	switch {
	case code.Done():
		return BillingSucceeded, true
	case code >= 50000 && code <= 59999:
		return BillingFailed, true
	}
	return "", false
}

// recordAfterBill records an event of a create already sent, or of one certainly not
// sent. Its error cannot undo the bill (or help the caller), so it is logged, not
// returned; it is recorded even when ctx has ended.
func (c *Client) recordAfterBill(ctx context.Context, e BillingEvent) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := c.billing.rec.RecordBilling(rctx, e); err != nil {
		c.logger.LogAttrs(ctx, slog.LevelError, "tcredit billing record failed",
			slog.String("kind", string(e.Kind)), slog.String("attempt", e.Attempt),
			slog.String("tid", e.TID), slog.String("error", err.Error()))
	}
}

// remember keeps the attempt id of the task tid for its end, forgetting some other
// task's when too many are kept.
func (b *biller) remember(tid, attempt string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.attempts) >= maxRemembered {
		for k := range b.attempts {
			delete(b.attempts, k)
			break
		}
	}
	b.attempts[tid] = attempt
}

// forget returns and forgets the attempt id of the task tid, or "" when it is not kept.
func (b *biller) forget(tid string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	a := b.attempts[tid]
	delete(b.attempts, tid)
	return a
}
