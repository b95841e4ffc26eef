package tcredit

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tcredit-go/tcredit/internal/wire"
)

// Callback is a notification the provider posts to a lender's callback address when a
// task's state changes (回调: tid, status, msg).
//
// A callback is not signed by the provider and proves nothing: treat it as a hint to
// read the task with GetFund, whose answer is the truth. Client.Notify does exactly
// that for a task a Wait is blocked on.
//
// Status is 0 both for a status of "0" and for one that is no task code: text, a
// fraction, or a number that does not fit in 32 bits (such as 99999999999999999999).
// RawStatus tells the two apart.
type Callback struct {
	TID       string   // tid 唯一标识
	Status    TaskCode // status 状态, read as a task code; 0 when RawStatus is not one
	RawStatus string   // status as it was sent, without surrounding spaces
	Msg       string   // msg 提示信息
}

// maxCallbackBody caps a callback's body.
const maxCallbackBody = 64 << 10

// callbackReadTimeout bounds how long a callback's body may take to arrive: a few
// hundred bytes from the provider take milliseconds, a trickle holds a connection.
const callbackReadTimeout = 10 * time.Second

// callbackSecretParam is the query parameter of a callback URL that carries the secret.
const callbackSecretParam = "cb_token"

// minCallbackSecret is the length a callback secret must have at least.
const minCallbackSecret = 16

// CallbackOption configures NewCallbackHandler.
type CallbackOption func(*callbackHandler)

// WithCallbackSecret makes the handler accept only requests whose URL carries secret,
// as CallbackURL puts it there, and answer 401 to others. The comparison takes
// constant time.
//
// The secret must be one CallbackURL accepts: at least 16 characters. An empty or
// shorter one, such as an unset environment variable, makes NewCallbackHandler panic
// rather than return a handler that would let anyone in.
func WithCallbackSecret(secret string) CallbackOption {
	return func(h *callbackHandler) {
		if err := checkCallbackSecret(secret); err != nil {
			h.err = fmt.Errorf("WithCallbackSecret: %w", err)
			return
		}
		h.secret = secret
	}
}

// checkCallbackSecret refuses a secret too short to keep strangers out.
func checkCallbackSecret(secret string) error {
	if len(secret) < minCallbackSecret {
		return fmt.Errorf("callback secret must be at least %d characters, not %d", minCallbackSecret, len(secret))
	}
	return nil
}

// WithCallbackLogger sends the handler's logs (refused and failed callbacks) to l.
func WithCallbackLogger(l *slog.Logger) CallbackOption {
	return func(h *callbackHandler) {
		if l != nil {
			h.logger = l
		}
	}
}

// CallbackURL returns the address to register with the provider for callbacks: baseURL
// (an absolute http or https URL of the handler) with secret added to its query, so
// that a handler made with WithCallbackSecret(secret) can tell the provider's requests
// from anyone else's. Use a long random secret, and https where the provider allows.
func CallbackURL(baseURL, secret string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("tcredit: callback URL %q is not an absolute http(s) URL", baseURL)
	}
	if err := checkCallbackSecret(secret); err != nil {
		return "", fmt.Errorf("tcredit: CallbackURL: %w", err)
	}
	q := u.Query()
	q.Set(callbackSecretParam, secret)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

type callbackHandler struct {
	fn     func(ctx context.Context, cb Callback) error
	secret string
	logger *slog.Logger
	err    error // what an option was given wrong

	readTimeout time.Duration // callbackReadTimeout, shorter in tests
}

// NewCallbackHandler returns an http.Handler for the provider's callbacks. It reads
// tid, status and msg from a form body, a JSON body or the query, and calls fn with
// them. It answers 200 when fn returns nil; 405 to a method other than POST; 400 when
// the body cannot be read or has no tid; 413 past 64 KiB; 408 when the body takes
// longer than 10 seconds to arrive (a deadline of its own on the connection, whatever
// the http.Server's ReadTimeout); 401 without the secret when one is set; and 500 when
// fn fails or panics, so that the provider tries again. The handler never panics
// itself.
//
// A typical fn passes the callback to Client.Notify, which wakes the Wait blocked on
// the task.
//
// NewCallbackHandler panics when an option is given a bad value (a secret that
// WithCallbackSecret refuses): a program must not start without the authentication it
// asked for.
func NewCallbackHandler(fn func(ctx context.Context, cb Callback) error, opts ...CallbackOption) http.Handler {
	h := &callbackHandler{fn: fn, logger: slog.New(discardHandler{}), readTimeout: callbackReadTimeout}
	for _, opt := range opts {
		opt(h)
	}
	if h.err != nil {
		panic(fmt.Errorf("tcredit: NewCallbackHandler: %w", h.err))
	}
	return h
}

func (h *callbackHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if h.secret != "" && !h.authorized(r) {
		h.logger.LogAttrs(r.Context(), slog.LevelWarn, "tcredit callback refused: bad secret")
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	cb, status, err := h.read(w, r)
	if err != nil {
		h.logger.LogAttrs(r.Context(), slog.LevelWarn, "tcredit callback refused", slog.String("error", err.Error()))
		http.Error(w, err.Error(), status)
		return
	}
	if err := h.call(r.Context(), cb); err != nil {
		h.logger.LogAttrs(r.Context(), slog.LevelError, "tcredit callback failed",
			slog.String("tid", cb.TID), slog.String("error", err.Error()))
		http.Error(w, "callback failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "success")
}

// String describes the handler without its secret.
func (h *callbackHandler) String() string {
	return "tcredit.callbackHandler{secret set: " + strconv.FormatBool(h.secret != "") + "}"
}

// GoString is String, so that %#v shows no secret either.
func (h *callbackHandler) GoString() string { return h.String() }

func (h *callbackHandler) authorized(r *http.Request) bool {
	got := r.URL.Query().Get(callbackSecretParam)
	return subtle.ConstantTimeCompare([]byte(got), []byte(h.secret)) == 1
}

// call runs fn, turning a panic into an error.
func (h *callbackHandler) call(ctx context.Context, cb Callback) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("callback function panicked: %v", p)
		}
	}()
	return h.fn(ctx, cb)
}

// read reads the callback within the handler's read timeout, set as a deadline on the
// connection; a server that cannot set one (an httptest.ResponseRecorder, a wrapper
// without Unwrap) keeps its own limits. The deadline is lifted once a callback is read,
// as the server may already be reading the connection in the background under it (a
// request without a body), and would end fn's context when it passed; it is kept after
// a failure, so that the server does not wait for the rest of a slow body.
func (h *callbackHandler) read(w http.ResponseWriter, r *http.Request) (Callback, int, error) {
	rc := http.NewResponseController(w)
	bounded := rc.SetReadDeadline(time.Now().Add(h.readTimeout)) == nil
	cb, status, err := readCallback(w, r)
	if bounded && err == nil {
		_ = rc.SetReadDeadline(time.Time{})
	}
	return cb, status, err
}

// callbackFields is a callback as sent, before its status is read.
type callbackFields struct {
	TID    string `json:"tid"`
	Status string `json:"status"`
	Msg    string `json:"msg"`
}

// readCallback reads a callback from the body or query of r, returning the HTTP status
// to answer with when it cannot.
func readCallback(w http.ResponseWriter, r *http.Request) (Callback, int, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCallbackBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return Callback{}, http.StatusRequestEntityTooLarge, errors.New("body too large")
		case errors.Is(err, os.ErrDeadlineExceeded):
			return Callback{}, http.StatusRequestTimeout, errors.New("body too slow")
		}
		return Callback{}, http.StatusBadRequest, errors.New("unreadable body")
	}
	var f callbackFields
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case mediaType == "application/json" || (mediaType == "" && looksLikeJSON(body)):
		if err := wire.Decode(body, &f); err != nil {
			return Callback{}, http.StatusBadRequest, errors.New("unreadable JSON body")
		}
	case len(body) > 0:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return Callback{}, http.StatusBadRequest, errors.New("unreadable form body")
		}
		f = callbackFields{TID: form.Get("tid"), Status: form.Get("status"), Msg: form.Get("msg")}
	}
	query := r.URL.Query()
	fill := func(dst *string, key string) {
		if *dst == "" {
			*dst = strings.TrimSpace(query.Get(key))
		}
	}
	fill(&f.TID, "tid")
	fill(&f.Status, "status")
	fill(&f.Msg, "msg")
	f.TID = strings.TrimSpace(f.TID)
	if f.TID == "" {
		return Callback{}, http.StatusBadRequest, errors.New("no tid")
	}
	raw := strings.TrimSpace(f.Status)
	return Callback{TID: f.TID, Status: callbackStatus(raw), RawStatus: raw, Msg: strings.TrimSpace(f.Msg)}, 0, nil
}

// callbackStatus reads a callback's status as a task code: a decimal integer that fits
// in 32 bits, as every code of the document does. Anything else (text, a fraction, a
// number out of range) reads as 0, and the caller has RawStatus to tell it from a real 0.
func callbackStatus(raw string) TaskCode {
	n, err := strconv.ParseInt(raw, 10, 32)
	if err != nil {
		return 0
	}
	return TaskCode(n)
}

func looksLikeJSON(body []byte) bool {
	s := strings.TrimSpace(string(body))
	return strings.HasPrefix(s, "{")
}

// Notify routes a callback to the calls waiting on its task: a Wait or Query blocked on
// cb.TID polls GetFund at once instead of at its next scheduled time. A callback for a
// task nobody waits on yet is kept for a minute, for a wait that starts just after it
// (the provider may call back before CreateTask's answer has arrived); of those, only
// the latest 1024 are kept. A duplicate, or one out of order, is harmless: it causes at
// most one extra GetFund, whose answer is the truth.
//
// Notify takes constant time on average whatever came before, and ignores a callback
// whose tid is empty or longer than 64 bytes (the provider's are 32), so that a flood of
// made-up callbacks costs neither time nor memory beyond those bounds. With
// WithWakeRelay, the wake-up reaches the waits of other processes too.
func (c *Client) Notify(cb Callback) {
	if cb.TID == "" || len(cb.TID) > maxNotifyTID {
		return
	}
	c.waiters.wake(cb.TID)
	if c.relay != nil {
		c.relay.Relay(cb.TID)
	}
}

// maxNotifyTID is the longest tid Notify accepts.
const maxNotifyTID = 64

// waiters holds a wake-up channel for each wait in progress, by tid, and remembers
// for a while the callbacks that came for a task nobody waited on yet: the provider
// may call back between CreateTask's answer and the start of the wait.
type waiters struct {
	mu      sync.Mutex
	m       map[string][]chan struct{}
	pending map[string]pendingNote // tid → its latest note, while in notes
	notes   []pendingNote          // a ring of maxPending notes, oldest at head
	head, n int                    // where the oldest note is, and how many there are
	seq     uint64                 // the seq of the latest note
	now     func() time.Time       // time.Now; a fake clock in tests
}

// pendingNote is a callback that came for a task nobody waited on.
type pendingNote struct {
	tid string
	at  time.Time
	seq uint64
}

// How long, and for how many tasks, a callback nobody waited on is remembered.
const (
	pendingTTL = time.Minute
	maxPending = 1024
)

// clock returns the time of now, or of the fake clock of a test.
func (ws *waiters) clock() time.Time {
	if ws.now != nil {
		return ws.now()
	}
	return time.Now()
}

// add registers a wait on tid and returns the channel that wakes it, already signalled
// when a callback for tid came shortly before.
func (ws *waiters) add(tid string) chan struct{} {
	ch := make(chan struct{}, 1)
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.m == nil {
		ws.m = make(map[string][]chan struct{})
	}
	ws.m[tid] = append(ws.m[tid], ch)
	if note, ok := ws.pending[tid]; ok {
		delete(ws.pending, tid)
		if ws.clock().Sub(note.at) < pendingTTL {
			ch <- struct{}{}
		}
	}
	return ch
}

// remove unregisters the wait whose channel is ch.
func (ws *waiters) remove(tid string, ch chan struct{}) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	list := ws.m[tid]
	for i, c := range list {
		if c == ch {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(ws.m, tid)
	} else {
		ws.m[tid] = list
	}
}

// wake signals every wait on tid without blocking; a wait already signalled stays so.
// With no wait on tid, the callback is remembered for the next one.
func (ws *waiters) wake(tid string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	list := ws.m[tid]
	if len(list) == 0 {
		ws.remember(tid)
		return
	}
	for _, ch := range list {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// remember notes an unclaimed callback for tid. It first forgets the notes that have
// expired and, with the ring full, the oldest one; each note is forgotten once, so a
// call takes constant time on average.
func (ws *waiters) remember(tid string) {
	if ws.notes == nil {
		ws.pending = make(map[string]pendingNote)
		ws.notes = make([]pendingNote, maxPending)
	}
	now := ws.clock()
	for ws.n > 0 && (ws.n == maxPending || now.Sub(ws.notes[ws.head].at) >= pendingTTL) {
		ws.forgetOldest()
	}
	ws.seq++
	note := pendingNote{tid: tid, at: now, seq: ws.seq}
	ws.notes[(ws.head+ws.n)%maxPending] = note
	ws.n++
	ws.pending[tid] = note
}

// forgetOldest drops the oldest note, and its tid's entry unless a later note renewed it.
func (ws *waiters) forgetOldest() {
	old := ws.notes[ws.head]
	if ws.pending[old.tid].seq == old.seq {
		delete(ws.pending, old.tid)
	}
	ws.notes[ws.head] = pendingNote{}
	ws.head = (ws.head + 1) % maxPending
	ws.n--
}
