package tcredit

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/tcredit-go/tcredit/internal/wire"
)

// The sentinel errors, one per non-zero status. An *APIError matches the one for its
// status with errors.Is.
var (
	ErrSystem              = errors.New("tcredit: system error")                             // status 1
	ErrInvalidParams       = errors.New("tcredit: invalid parameters")                       // status 2
	ErrNoData              = errors.New("tcredit: data error, no result")                    // status 3
	ErrUnknownUser         = errors.New("tcredit: unknown appId or bad configuration")       // status 4
	ErrTokenKey            = errors.New("tcredit: tokenKey verification failed")             // status 5
	ErrEndpointUnavailable = errors.New("tcredit: endpoint undefined or discontinued")       // status 6
	ErrNoPermission        = errors.New("tcredit: no permission for this endpoint")          // status 7
	ErrSuspended           = errors.New("tcredit: access to this endpoint is suspended")     // status 8
	ErrInsufficientBalance = errors.New("tcredit: insufficient balance")                     // status 9
	ErrBusy                = errors.New("tcredit: system busy, try again later")             // status 10
	ErrProcessing          = errors.New("tcredit: data still processing, query again later") // status 11
)

var statusErr = [...]error{
	StatusSystemError:         ErrSystem,
	StatusInvalidParams:       ErrInvalidParams,
	StatusNoData:              ErrNoData,
	StatusUnknownUser:         ErrUnknownUser,
	StatusTokenKey:            ErrTokenKey,
	StatusEndpointUnavailable: ErrEndpointUnavailable,
	StatusNoPermission:        ErrNoPermission,
	StatusSuspended:           ErrSuspended,
	StatusInsufficientBalance: ErrInsufficientBalance,
	StatusBusy:                ErrBusy,
	StatusProcessing:          ErrProcessing,
}

// sentinel returns the sentinel error for s, or nil for success and unknown statuses.
func (s Status) sentinel() error {
	if s > 0 && int(s) < len(statusErr) {
		return statusErr[s]
	}
	return nil
}

// APIError is a response whose top-level status is not 0.
type APIError struct {
	Endpoint   string // the endpoint's name, e.g. "getFundB"
	Status     Status // the top-level status
	Message    string // the server's message
	SeqNum     string // the call's serial number, to quote to the provider
	HTTPStatus int    // the HTTP status code of the response

	hint string // advice on what to change, if any
}

// Error reports the endpoint, the status and its meaning, the server's message and
// the seqNum.
func (e *APIError) Error() string {
	msg := "tcredit: " + e.Endpoint + ": status " + strconv.Itoa(int(e.Status)) + " " + e.Status.String()
	if e.Message != "" && e.Message != e.Status.String() {
		msg += ": " + e.Message
	}
	if e.SeqNum != "" {
		msg += " (seqNum " + e.SeqNum + ")"
	}
	if e.hint != "" {
		msg += "; " + e.hint
	}
	return msg
}

// Is reports whether target is the sentinel error for e.Status.
func (e *APIError) Is(target error) bool {
	s := e.Status.sentinel()
	return s != nil && s == target
}

// TaskError is a task that failed (a 5xxxx, -1, -2 or -9 code), or an inner failure of
// createFundSearchTaskB or fundUserCode. For the inner codes -1, -2 and -9 it matches
// ErrSystem, ErrInvalidParams and ErrNoPermission with errors.Is.
type TaskError struct {
	TID     string   // the task, when known
	Code    TaskCode // why it failed
	Message string   // the server's message
}

// Error reports the task, its code and the code's meaning, and the server's message.
func (e *TaskError) Error() string {
	msg := "tcredit: task"
	if e.TID != "" {
		msg += " " + e.TID
	}
	msg += " failed: " + strconv.Itoa(int(e.Code)) + " " + e.Code.String()
	if e.Message != "" && e.Message != e.Code.String() {
		msg += ": " + e.Message
	}
	return msg
}

// Is matches the sentinel errors for the inner codes -1, -2 and -9.
func (e *TaskError) Is(target error) bool {
	switch e.Code {
	case CodeError:
		return target == ErrSystem
	case CodeInvalidParams:
		return target == ErrInvalidParams
	case CodeAuthFailed:
		return target == ErrNoPermission
	}
	return false
}

// ErrResponseTooLarge is wrapped by the *ResponseError for a body over the client's limit.
var ErrResponseTooLarge = errors.New("tcredit: response body too large")

// ResponseError is a response that is not a readable API answer: an HTTP status other
// than 200 (a redirect among them: the client follows none), a body that is not JSON (a
// gateway's HTML page), a body cut short or too large, or a value that cannot be read
// into its field. Snippet quotes the start of the body with every secret the request
// sent removed and long digit runs masked.
type ResponseError struct {
	Endpoint     string // the endpoint's name, e.g. "getFundB"
	HTTPStatus   int    // the HTTP status code
	RedirectHost string // for a 3xx, the host its Location names (the redirect was not followed)
	Snippet      string // a short, scrubbed and masked quotation of the body
	Err          error  // the cause, if any: ErrResponseTooLarge, a cut body, a JSON error

	notAPI     bool          // the body is not JSON: a page of something in front of the API
	retryAfter time.Duration // the wait a 429 or 503 asked for with Retry-After
}

// Error reports the endpoint, the HTTP status (and a redirect's host), the cause and
// the snippet.
func (e *ResponseError) Error() string {
	msg := "tcredit: " + e.Endpoint + ": unexpected response (HTTP " + strconv.Itoa(e.HTTPStatus)
	if e.RedirectHost != "" {
		msg += " redirecting to " + e.RedirectHost + ", not followed"
	}
	msg += ")"
	if e.Err != nil {
		msg += ": " + inner(e.Err)
	}
	if e.Snippet != "" {
		msg += ": body " + e.Snippet
	}
	return msg
}

// Unwrap returns the cause.
func (e *ResponseError) Unwrap() error { return e.Err }

// ErrUnknownCity is matched by the error of LoginMethods, and of Query's validation, for
// an area code that the city list does not have.
var ErrUnknownCity = errors.New("tcredit: unknown city")

// cityError is what is wrong with an area code, told inside a *FieldError: it matches
// its sentinels but does not repeat their "tcredit:" prefix.
type cityError struct {
	msg string
	is  []error
}

func (e *cityError) Error() string { return e.msg }

func (e *cityError) Is(target error) bool {
	for _, err := range e.is {
		if err == target {
			return true
		}
	}
	return false
}

// ErrInvalidInput is matched by every error for an argument refused before any request
// is sent: a *FieldError or a *ValidationError.
var ErrInvalidInput = errors.New("tcredit: invalid input")

// FieldError is an argument refused before any request is sent, named by its parameter.
type FieldError struct {
	Field string // the parameter's name on the wire, e.g. "area_code"
	Label string // the login form's label for it, when it has one, e.g. "客户号"
	Err   error  // what is wrong with it
}

// Error names the field (and its label) and what is wrong with it.
func (e *FieldError) Error() string { return "tcredit: " + e.detail() }

// detail names the field (and its label) and what is wrong with it, without the
// package's prefix: the part of a message that a *ValidationError lists.
func (e *FieldError) detail() string {
	name := e.Field
	if e.Label != "" {
		name += " (" + e.Label + ")"
	}
	return name + " " + e.Err.Error()
}

// Is matches ErrInvalidInput.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidInput }

// Unwrap returns what is wrong with the field.
func (e *FieldError) Unwrap() error { return e.Err }

// ErrCityUnavailable is matched by the error of a Query for a city that is under
// maintenance or in development, or that the city list does not have (which matches
// ErrUnknownCity too).
var ErrCityUnavailable = errors.New("tcredit: city not available for queries")

// ValidationError lists every problem of a login form, each naming its field by its
// parameter name and its label, so that it can be shown next to the field.
type ValidationError struct {
	Fields []*FieldError
}

// Error lists every problem field of the form.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.detail()
	}
	return "tcredit: login form: " + strings.Join(parts, "; ")
}

// Is matches ErrInvalidInput.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidInput }

// ErrOutcomeUnknown is matched by the error of a CreateTask or SubmitCode call whose
// request may have reached the server although no answer came back. The call is not
// repeated: a second CreateTask would create, and bill, a second task. Look the task up
// by its tid where one is known, or ask the person to start again.
var ErrOutcomeUnknown = errors.New("tcredit: outcome unknown: the request may have been processed")

// UnknownOutcomeError is the error of a call whose outcome is unknown. It matches
// ErrOutcomeUnknown, and unwraps to what went wrong.
type UnknownOutcomeError struct {
	Endpoint string // the endpoint's name
	TID      string // the task concerned, when known
	Err      error  // what went wrong: a network error, a timeout, an unreadable response
}

// Error says that the call was not repeated, with the task if known and the cause.
func (e *UnknownOutcomeError) Error() string {
	msg := "tcredit: " + e.Endpoint + ": outcome unknown (not retried"
	if e.TID != "" {
		msg += ", task " + e.TID
	}
	return msg + "): " + inner(e.Err)
}

// Is matches ErrOutcomeUnknown.
func (e *UnknownOutcomeError) Is(target error) bool { return target == ErrOutcomeUnknown }

// Unwrap returns what went wrong.
func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

// ErrCodeRequired is matched by the error of a Query or Wait that stopped at a
// challenge because it was given no code provider. The error is a *ChallengeError;
// once the person has answered, call SubmitCode and then Wait to go on.
var ErrCodeRequired = errors.New("tcredit: the task waits for an SMS or captcha code")

// ChallengeError is a task stopped at a challenge that nobody could answer.
type ChallengeError struct {
	Challenge Challenge
}

// Error names the task and what it waits for.
func (e *ChallengeError) Error() string {
	return "tcredit: task " + e.Challenge.TID + " waits for input: " + e.Challenge.Code.String()
}

// Is matches ErrCodeRequired.
func (e *ChallengeError) Is(target error) bool { return target == ErrCodeRequired }

// QueryError is an error of Query or Wait once a task exists, such as the context's
// error when the caller gave up: it carries the tid, so that the task can be resumed
// with Wait. It unwraps to the cause.
type QueryError struct {
	TID string // the task
	Err error  // the cause
}

// Error names the task and the cause.
func (e *QueryError) Error() string {
	msg := inner(e.Err)
	if strings.HasPrefix(msg, "task "+e.TID+" ") || strings.HasPrefix(msg, "task "+e.TID+":") {
		return "tcredit: " + msg // the cause names the task already
	}
	return "tcredit: task " + e.TID + ": " + msg
}

// inner returns the text of an error inside one of this package's, without the
// package's prefix that its own errors carry: a message has one "tcredit: ", at its
// start.
func inner(err error) string { return strings.TrimPrefix(err.Error(), "tcredit: ") }

// Unwrap returns the cause.
func (e *QueryError) Unwrap() error { return e.Err }

// refusedCode is a code submission that fundUserCode refused. It matches the sentinels
// of its inner status but is no *TaskError: the task has not failed.
type refusedCode struct{ te *TaskError }

func (e *refusedCode) Error() string {
	return "code not accepted: " + strconv.Itoa(int(e.te.Code)) + " " + e.te.Code.String() + ": " + e.te.Message
}

func (e *refusedCode) Is(target error) bool { return e.te.Is(target) }

// AmountError reports text that cannot be read as an Amount.
type AmountError struct {
	Text string // the text as given
	Err  error  // why: not a number, or out of range
}

// Error quotes the text and says why it is not an amount.
func (e *AmountError) Error() string {
	return "tcredit: cannot read " + wire.Snippet([]byte(e.Text), 40) + " as an amount: " + e.Err.Error()
}

// Unwrap returns the reason.
func (e *AmountError) Unwrap() error { return e.Err }

// cutBodyError is a body that ended before its end: a connection cut, a Content-Length
// not met, a chunked stream broken off. A read that met it may be repeated.
type cutBodyError struct{ err error }

func (e *cutBodyError) Error() string { return "body cut short: " + e.err.Error() }
func (e *cutBodyError) Unwrap() error { return e.err }

// transportError is a request that got no response.
type transportError struct {
	endpoint string
	sent     bool // the request's headers were written: the server may have seen it
	err      error
}

func (e *transportError) Error() string { return "tcredit: " + e.endpoint + ": " + e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// ErrBillingLimit is matched by the error of a create that a BillingRecorder refused
// because a spending limit was reached, such as the ledger module's daily limit. The
// create was not sent.
var ErrBillingLimit = errors.New("tcredit: billing limit reached")

// BillingError is a create that was not sent because its attempt could not be
// recorded: no bill is run up without a record. It unwraps to the recorder's error,
// which matches ErrBillingLimit when a limit was reached.
type BillingError struct {
	Attempt string      // the attempt id that was to be recorded
	Kind    BillingKind // the kind of the event, BillingAttempt
	Err     error       // the recorder's error
}

// Error says that the create was not sent, and why.
func (e *BillingError) Error() string {
	return "tcredit: create not sent: billing " + string(e.Kind) + " " + e.Attempt + " not recorded: " + e.Err.Error()
}

// Unwrap returns the recorder's error.
func (e *BillingError) Unwrap() error { return e.Err }
