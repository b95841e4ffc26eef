package tcredittest

import (
	"net/http"
	"net/url"
	"time"
)

// FaultKind is a kind of failure the sandbox can inject.
type FaultKind int

// The kinds of fault.
const (
	FaultLatency    FaultKind = iota + 1 // the call waits Delay, then is answered as usual
	FaultBadGateway                      // HTTP 502 with an HTML page; the call is not processed
	FaultTruncate                        // the call is processed, and its JSON cut in the middle
	FaultDrop                            // the connection is closed once the request is read; the call is not processed
	FaultDropAfter                       // the call is processed (a task created and billed), then the connection is closed with no response
	FaultStatus                          // the top-level status Status, such as 10 (busy) or 11 (processing); the call is not processed
)

// Fault is a failure injected into the calls of an endpoint.
type Fault struct {
	Kind     FaultKind
	Endpoint string        // the endpoint's name, such as "getFundB"; empty for every endpoint
	Count    int           // the fault hits the next Count calls; 0 with Rate 0 means 1
	Rate     float64       // when Count is 0, the fraction of calls the fault hits, until ClearFaults
	Delay    time.Duration // FaultLatency: how long each call waits
	Status   int           // FaultStatus: the status answered, such as 1, 7, 8, 9 (用户余额不足), 10 or 11
}

// faultState is an injected fault and how many more calls it hits.
type faultState struct {
	Fault
	left int
}

// InjectFault adds a fault. Faults are tried in the order they were injected; a call
// is hit by the first that applies to it.
func (h *Handler) InjectFault(f Fault) {
	if f.Count <= 0 && f.Rate <= 0 {
		f.Count = 1
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = append(h.faults, &faultState{Fault: f, left: f.Count})
}

// ClearFaults removes every fault.
func (h *Handler) ClearFaults() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.faults = nil
}

// takeFault returns the fault that hits a call of the endpoint, or nil.
func (h *Handler) takeFault(endpoint string) *Fault {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, fs := range h.faults {
		if fs.Endpoint != "" && fs.Endpoint != endpoint {
			continue
		}
		if fs.left > 0 {
			fs.left--
			if fs.left == 0 {
				h.faults = append(h.faults[:i:i], h.faults[i+1:]...)
			}
			f := fs.Fault
			return &f
		}
		if fs.Count <= 0 && h.nextFloat() < fs.Rate {
			f := fs.Fault
			return &f
		}
	}
	return nil
}

// nextFloat draws a number in [0, 1) from the seeded fault source. h.mu is held.
func (h *Handler) nextFloat() float64 {
	// xorshift64*
	x := h.faultRNG
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	h.faultRNG = x
	return float64((x*0x2545F4914F6CDD1D)>>11) / (1 << 53)
}

// badGatewayPage is what a gateway in front of the API answers when it fails.
const badGatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body bgcolor="white">
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

// applyFault applies the fault of a call before it is processed, and reports whether
// the call goes on to be processed.
func (h *Handler) applyFault(w http.ResponseWriter, r *http.Request, c *call) bool {
	switch c.fault.Kind {
	case FaultLatency:
		h.sleep(r.Context(), c.fault.Delay)
	case FaultBadGateway:
		h.record(c, -1)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(badGatewayPage))
		return false
	case FaultDrop:
		h.record(c, -1)
		dropConnection(w)
		return false
	case FaultStatus:
		h.answer(w, r, c, c.fault.Status, nil)
		return false
	}
	return true
}

// dropConnection closes the connection of a request without a response.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // net/http closes the connection (HTTP/1) or resets the stream (HTTP/2)
}

// Request is a call the sandbox received.
type Request struct {
	Time     time.Time
	Endpoint string     // such as "getFundB"
	AppID    string     // appId as sent
	Form     url.Values // the parameters; password and code read "******" and tokenKey is left out
	Status   int        // the top-level status answered; -1 for a fault that sent no envelope
	TID      string     // the task: the tid parameter, or the task a create made
	// Signed is, for a call refused for its tokenKey (status 5), the string whose MD5
	// the sandbox expected, with the tokenId masked: compare it with the client's.
	Signed string
}

// Requests returns the calls received, oldest first: the last 10,000 at most.
func (h *Handler) Requests() []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Request, 0, len(h.log))
	out = append(out, h.log[h.logNext:]...)
	return append(out, h.log[:h.logNext]...)
}

// record logs a call, with its secrets masked.
func (h *Handler) record(c *call, status int) {
	form := make(url.Values, len(c.form))
	for k, v := range c.form {
		switch k {
		case "tokenKey":
			continue
		case "password", "code":
			v = "******"
		}
		form[k] = []string{v}
	}
	tid := c.form["tid"]
	if c.tid != "" {
		tid = c.tid
	}
	req := Request{Time: c.reqTime, Endpoint: c.endpoint, AppID: c.appID, Form: form, Status: status, TID: tid, Signed: c.signed}
	if h.requestLog != nil {
		h.requestLog(req)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.log) < maxRequestLog {
		h.log = append(h.log, req)
		return
	}
	h.log[h.logNext] = req
	h.logNext = (h.logNext + 1) % maxRequestLog
}
