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
type Callback struct {
	TID       string   // tid 唯一标识
	Status    TaskCode // status 状态, read as a task code; 0 when RawStatus is not a number
	RawStatus string   // status as it was sent
	Msg       string   // msg 提示信息
}

// maxCallbackBody caps a callback's body.
const maxCallbackBody = 64 << 10

// callbackSecretParam is the query parameter of a callback URL that carries the secret.
const callbackSecretParam = "cb_token"

// CallbackOption configures NewCallbackHandler.
type CallbackOption func(*callbackHandler)

// WithCallbackSecret makes the handler accept only requests whose URL carries secret,
// as CallbackURL puts it there, and answer 401 to others. The comparison takes
// constant time.
func WithCallbackSecret(secret string) CallbackOption {
	return func(h *callbackHandler) { h.secret = secret }
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
	if len(secret) < 16 {
		return "", errors.New("tcredit: callback secret must be at least 16 characters")
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
}

// NewCallbackHandler returns an http.Handler for the provider's callbacks. It reads
// tid, status and msg from a form body, a JSON body or the query, and calls fn with
// them. It answers 200 when fn returns nil; 405 to a method other than POST; 400 when
// the body cannot be read or has no tid; 413 past 64 KiB; 401 without the secret when
// one is set; and 500 when fn fails or panics, so that the provider tries again. The
// handler never panics itself.
//
// A typical fn passes the callback to Client.Notify, which wakes the Wait blocked on
// the task.
func NewCallbackHandler(fn func(ctx context.Context, cb Callback) error, opts ...CallbackOption) http.Handler {
	h := &callbackHandler{fn: fn, logger: slog.New(discardHandler{})}
	for _, opt := range opts {
		opt(h)
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
	cb, status, err := readCallback(w, r)
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
		if errors.As(err, &tooBig) {
			return Callback{}, http.StatusRequestEntityTooLarge, errors.New("body too large")
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
	code, _ := strconv.Atoi(raw)
	return Callback{TID: f.TID, Status: TaskCode(code), RawStatus: raw, Msg: strings.TrimSpace(f.Msg)}, 0, nil
}

func looksLikeJSON(body []byte) bool {
	s := strings.TrimSpace(string(body))
	return strings.HasPrefix(s, "{")
}

// Notify routes a callback to the calls waiting on its task: a Wait or Query blocked on
// cb.TID polls GetFund at once instead of at its next scheduled time. A callback for a
// task nobody waits on yet is kept for a minute, for a wait that starts just after it
// (the provider may call back before CreateTask's answer has arrived). A duplicate, or
// one out of order, is harmless: it causes at most one extra GetFund, whose answer is
// the truth. With WithWakeRelay, the wake-up reaches the waits of other processes too.
func (c *Client) Notify(cb Callback) {
	c.waiters.wake(cb.TID)
	if c.relay != nil {
		c.relay.Relay(cb.TID)
	}
}

// waiters holds a wake-up channel for each wait in progress, by tid, and remembers
// for a while the callbacks that came for a task nobody waited on yet: the provider
// may call back between CreateTask's answer and the start of the wait.
type waiters struct {
	mu      sync.Mutex
	m       map[string][]chan struct{}
	pending map[string]time.Time // tid → when its unclaimed callback came
}

// How long, and for how many tasks, a callback nobody waited on is remembered.
const (
	pendingTTL = time.Minute
	maxPending = 1024
)

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
	if at, ok := ws.pending[tid]; ok {
		delete(ws.pending, tid)
		if time.Since(at) < pendingTTL {
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

// remember notes an unclaimed callback for tid, keeping the notes few and recent.
func (ws *waiters) remember(tid string) {
	if ws.pending == nil {
		ws.pending = make(map[string]time.Time)
	}
	now := time.Now()
	if len(ws.pending) >= maxPending {
		for t, at := range ws.pending {
			if now.Sub(at) >= pendingTTL {
				delete(ws.pending, t)
			}
		}
		if len(ws.pending) >= maxPending {
			return // a flood of unknown tids: forget this one
		}
	}
	ws.pending[tid] = now
}
