package tcredittest

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Callback delivery: one goroutine notices the state changes of running tasks (their
// progress is computed from the time, so nobody else may be looking), another posts
// the callbacks in the order they happened. Both start with the first task and stop
// at Close.

const callbackAttempts = 4

// notice is a callback to send.
type notice struct {
	tid  string
	code int
}

// notify queues a callback for a task that reached code. h.mu is held.
func (h *Handler) notify(t *task, code int) {
	if h.callback == "" || h.closed {
		return
	}
	h.outbox = append(h.outbox, notice{t.TID, code})
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// watch has the notifier follow a task until it ends, starting the notifier and the
// sender with the first task. h.mu is held.
func (h *Handler) watch(t *task) {
	if h.callback == "" || h.closed {
		return
	}
	h.watched[t] = true
	if h.started {
		return
	}
	h.started = true
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.wg.Add(2)
	go h.notifier()
	go h.sender(ctx)
}

// notifier advances the watched tasks at every step until Close.
func (h *Handler) notifier() {
	defer h.wg.Done()
	tick := time.NewTicker(h.step)
	defer tick.Stop()
	for {
		select {
		case <-h.done:
			return
		case <-tick.C:
		}
		h.mu.Lock()
		now := h.now()
		for t := range h.watched {
			h.advance(t, now)
			if isFinal(t.Code) {
				delete(h.watched, t)
			}
		}
		h.mu.Unlock()
	}
}

// sender posts the queued callbacks until Close.
func (h *Handler) sender(ctx context.Context) {
	defer h.wg.Done()
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{DisableKeepAlives: true},
	}
	for {
		select {
		case <-h.done:
			return
		case <-h.wake:
		}
		for {
			h.mu.Lock()
			if len(h.outbox) == 0 {
				h.mu.Unlock()
				break
			}
			n := h.outbox[0]
			h.outbox = h.outbox[1:]
			h.mu.Unlock()
			h.deliver(ctx, client, n)
		}
	}
}

// deliver posts one callback, trying again after a non-2xx answer or a network error.
func (h *Handler) deliver(ctx context.Context, client *http.Client, n notice) {
	form := url.Values{"tid": {n.tid}, "status": {strconv.Itoa(n.code)}, "msg": {codeText[n.code]}}.Encode()
	backoff := 10 * time.Millisecond
	for attempt := 1; attempt <= callbackAttempts; attempt++ {
		if post(ctx, client, h.callback, form) {
			return
		}
		if attempt == callbackAttempts {
			return
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff *= 2
	}
}

// post sends a form and reports whether it was answered with 2xx.
func post(ctx context.Context, client *http.Client, target, form string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode < 300
}
