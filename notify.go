package tcredit

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Notify routes a callback to the calls waiting on its task: a Wait or Query blocked on
// cb.TID polls GetFund at once instead of at its next scheduled time. A callback for a
// task nobody waits on yet is kept for a minute, for a wait that starts just after it
// (the provider may call back before CreateTask's answer has arrived); of those, only
// the latest 1024 are kept. A duplicate, or one out of order, is harmless: it causes at
// most one extra GetFund, whose answer is the truth.
//
// Wake-ups for one task are coalesced: its waits in a process call GetFund one at a
// time, a callback that comes before a poll starts is answered by it, and those that
// come while it runs cause one more. A lone callback is answered at once; while
// callbacks keep coming, a wait polls at most once per its first poll interval (see
// WithPollInterval), capped at a second, so that a burst of 1,000 costs a poll or two,
// not 1,000.
//
// Notify takes constant time on average whatever came before, and ignores a callback
// whose tid is empty or longer than 64 bytes (the provider's are 32), so that a flood of
// made-up callbacks costs neither time nor memory beyond those bounds. With
// WithWakeRelay, the wake-up reaches the waits of other processes too, where the relay
// hands it to NotifyRelayed.
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
// for a while the callbacks that came for a task nobody waited on yet (why: see Notify).
type waiters struct {
	mu      sync.Mutex
	m       map[string]*taskWaits
	pending map[string]pendingNote // tid → its latest note, while in notes
	notes   []pendingNote          // a ring of maxPending notes, oldest at head
	head, n int                    // where the oldest note is, and how many there are
	seq     uint64                 // the seq of the latest note
	now     func() time.Time       // time.Now; a fake clock in tests
}

// taskWaits is what the waits on one task share: their wake-up channels, the turn
// that lets one GetFund of the task through at a time, and when the last poll that a
// wake-up asked for ended.
type taskWaits struct {
	chans    []chan struct{}
	turn     chan struct{} // holds a token while a GetFund of the task runs
	lastWake time.Time     // the end of the last poll a wake-up asked for
}

// maxWakeGap is the longest that a wake-up waits after the last poll a wake-up asked
// for (see Client.pause).
const maxWakeGap = time.Second

// held returns how long a wake-up for tid must wait before its poll: what is left of
// gap since the end of the last poll a wake-up asked for.
func (ws *waiters) held(tid string, gap time.Duration) time.Duration {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	tw := ws.m[tid]
	if tw == nil || tw.lastWake.IsZero() {
		return 0
	}
	return tw.lastWake.Add(gap).Sub(ws.clock())
}

// poll calls get, the GetFund of tid, as the one in flight in this process: a poll of
// another wait on the same task runs before or after it, never beside it. The wake-up
// of a callback that came before it starts is answered by it and dropped from wake, so
// that callbacks cause at most one more poll, for those that come while it runs.
// woken says that a wake-up asked for this poll: its end starts the gap of the next.
func (ws *waiters) poll(ctx context.Context, tid string, wake <-chan struct{}, woken bool, get func() (*FundResult, error)) (*FundResult, error) {
	ws.mu.Lock()
	tw := ws.m[tid]
	ws.mu.Unlock()
	if tw == nil { // a wait unregistered: nothing to share
		return get()
	}
	select {
	case tw.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() {
		if woken {
			ws.mu.Lock()
			tw.lastWake = ws.clock()
			ws.mu.Unlock()
		}
		<-tw.turn
	}()
	select {
	case <-wake:
	default:
	}
	return get()
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
		ws.m = make(map[string]*taskWaits)
	}
	tw := ws.m[tid]
	if tw == nil {
		tw = &taskWaits{turn: make(chan struct{}, 1)}
		ws.m[tid] = tw
	}
	tw.chans = append(tw.chans, ch)
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
	tw := ws.m[tid]
	if tw == nil {
		return
	}
	if i := slices.Index(tw.chans, ch); i >= 0 {
		tw.chans = slices.Delete(tw.chans, i, i+1)
	}
	if len(tw.chans) == 0 {
		delete(ws.m, tid)
	}
}

// wake signals every wait on tid without blocking; a wait already signalled stays so.
// With no wait on tid, the callback is remembered for the next one.
func (ws *waiters) wake(tid string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	tw := ws.m[tid]
	if tw == nil {
		ws.remember(tid)
		return
	}
	for _, ch := range tw.chans {
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
