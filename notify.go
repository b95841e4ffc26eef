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

// waiters holds the waits in progress, by tid, and remembers for a while the callbacks
// that came for a task nobody waited on yet (why: see Notify).
type waiters struct {
	mu      sync.Mutex
	m       map[string]*waiter     // tid → the task's record, its first waiter
	pending map[string]pendingNote // tid → its latest note, while in notes
	notes   []pendingNote          // a ring of maxPending notes, oldest at head
	head, n int                    // where the oldest note is, and how many there are
	seq     uint64                 // the seq of the latest note
	now     func() time.Time       // time.Now; a fake clock in tests
}

// waiter is one wait on a task. A wake-up marks it woken and, while it is paused,
// fires its timer at once, so that a paused wait blocks on its timer and its context
// only: a wake-up channel of its own would cost memory for every wait parked.
//
// The first wait's waiter is also the task's record in the waiters' map, which holds
// what the waits on the task share: the turn that lets one GetFund of the task through
// at a time, the end of the last poll a wake-up asked for, and the other waits. A task
// followed by one wait, the usual case, thus costs one allocation of 48 bytes.
type waiter struct {
	timer  *time.Timer // the timer of its pauses; nil until it first pauses
	wokeAt sinceEpoch  // when the wake-up that woke it came, while woken

	// Of the task, in its record only.
	lastWake sinceEpoch // the end of the last poll a wake-up asked for; 0 for none
	more     *moreWaits // the other waits on the task; nil while there are none
	busy     bool       // a GetFund of the task runs: some wait has the turn

	used      bool // a wait is registered here (a record may outlive its own wait)
	woken     bool // a wake-up came since its last poll started
	listening bool // it is paused and a wake-up ends the pause at once
}

// moreWaits holds the waits on a task after the first, and, for each wait that waits
// for the task's turn, oldest first, the channel that is closed to pass it the turn.
type moreWaits struct {
	waits []*waiter
	turns []chan struct{}
}

// waitRef is a wait's registration: its own waiter, and its task's record.
type waitRef struct {
	task *waiter
	w    *waiter
}

// maxWakeGap is the longest that a wake-up waits after the last poll a wake-up asked
// for (see pause).
const maxWakeGap = time.Second

// held returns how long a wake-up on task must wait before its poll: what is left of
// gap since the end of the last poll a wake-up asked for. ws.mu is held.
func (ws *waiters) held(task *waiter, gap time.Duration) time.Duration {
	if task.lastWake == 0 {
		return 0
	}
	return time.Duration(task.lastWake) + gap - time.Duration(ws.since())
}

// pause waits for d, for a wake-up from Notify or NotifyRelayed, or for ctx to end, and
// reports whether a wake-up ended it. Wake-ups on one task are spaced by gap: one that
// comes within gap of the end of the last poll a wake-up asked for waits for the end of
// that gap (or for d, if sooner). A burst of callbacks thus costs a poll at its start
// and at most one per gap while it lasts, and a lone callback is answered at once.
func (ws *waiters) pause(ctx context.Context, r waitRef, d, gap time.Duration) (woken bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if d <= 0 {
		return false, nil
	}
	end := time.Now().Add(d)
	ws.mu.Lock()
	listening := !r.w.woken // until a wake-up comes
	if listening {
		r.w.arm(d)
	} else if now, held := ws.holdWake(r, gap, time.Until(end)); now {
		// A wake-up came while the last poll ran, or before the wait began.
		ws.mu.Unlock()
		return true, nil
	} else {
		woken = held
	}
	r.w.listening = listening
	timer := r.w.timer.C
	ws.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			ws.mu.Lock()
			r.w.listening = false
			ws.mu.Unlock()
			return false, ctx.Err()
		case <-timer:
		}
		ws.mu.Lock()
		r.w.listening = false
		if !listening || !r.w.woken {
			// The end of d, or of the gap of a wake-up.
			ws.mu.Unlock()
			return woken, nil
		}
		listening = false
		now, held := ws.holdWake(r, gap, time.Until(end))
		ws.mu.Unlock()
		if now {
			return true, nil
		}
		woken = held
	}
}

// holdWake handles a wake-up of a pause that ends in left. It reports now when the
// wake-up may poll at once; otherwise it arms the timer for the end of the wake-up's
// gap, or for the pause's end if that comes first, and reports in held whether it
// was the gap. ws.mu is held.
func (ws *waiters) holdWake(r waitRef, gap, left time.Duration) (now, held bool) {
	hold := ws.held(r.task, gap)
	if hold <= 0 {
		return true, false
	}
	r.w.arm(min(hold, left))
	return false, hold < left
}

// arm sets the timer of w to fire after d, with no earlier firing left to receive.
func (w *waiter) arm(d time.Duration) {
	if w.timer == nil {
		w.timer = time.NewTimer(d)
		return
	}
	if !w.timer.Stop() {
		select { // a firing not received (timer channels are buffered before Go 1.23)
		case <-w.timer.C:
		default:
		}
	}
	w.timer.Reset(d)
}

// poll calls get, the GetFund of the task of r, as the one in flight in this process: a
// poll of another wait on the same task runs before or after it, never beside it. The
// wake-up of a callback that came before it starts is answered by it, so that
// callbacks cause at most one more poll, for those that come while it runs. woken says
// that a wake-up asked for this poll: its end starts the gap of the next.
// get is given the time that wake-up came, or the zero time.
func (ws *waiters) poll(ctx context.Context, r waitRef, woken bool, get func(wokeAt time.Time) (*FundResult, error)) (*FundResult, error) {
	at, err := ws.takeTurn(ctx, r)
	if err != nil {
		return nil, err
	}
	defer ws.passTurn(r.task, woken)
	var wokeAt time.Time
	if woken && at != 0 {
		wokeAt = epoch.Add(time.Duration(at))
	}
	return get(wokeAt)
}

// takeTurn waits until no other GetFund of the task of r runs, or for ctx to end, and
// then answers the wait's wake-ups so far: it returns when the first of them came, or
// 0 for none.
func (ws *waiters) takeTurn(ctx context.Context, r waitRef) (sinceEpoch, error) {
	ws.mu.Lock()
	if r.task.busy {
		turn := make(chan struct{})
		more := r.task.moreWaits()
		more.turns = append(more.turns, turn)
		ws.mu.Unlock()
		select {
		case <-turn:
		case <-ctx.Done():
			ws.mu.Lock()
			i := slices.Index(more.turns, turn)
			if i >= 0 {
				more.turns = slices.Delete(more.turns, i, i+1)
			}
			ws.mu.Unlock()
			if i < 0 { // the turn came all the same
				ws.passTurn(r.task, false)
			}
			return 0, ctx.Err()
		}
		ws.mu.Lock()
	}
	r.task.busy = true
	at := r.w.wokeAt
	r.w.woken, r.w.wokeAt = false, 0
	ws.mu.Unlock()
	return at, nil
}

// passTurn ends the turn of a poll on task, which a wake-up asked for when woken, and
// passes the turn to the wait that has waited for it longest, if any.
func (ws *waiters) passTurn(task *waiter, woken bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if woken {
		task.lastWake = ws.since()
		if task.lastWake == 0 { // 0 is none
			task.lastWake = 1
		}
	}
	if more := task.more; more != nil && len(more.turns) > 0 {
		close(more.turns[0])
		more.turns = slices.Delete(more.turns, 0, 1)
		return
	}
	task.busy = false
}

// moreWaits returns the other waits of the task whose record is task, made if need be.
func (task *waiter) moreWaits() *moreWaits {
	if task.more == nil {
		task.more = &moreWaits{}
	}
	return task.more
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

// sinceEpoch is a time as the time since epoch: a word where a time.Time takes three.
type sinceEpoch time.Duration

// epoch is the time that a sinceEpoch counts from.
var epoch = time.Now()

// since returns the time of the clock as a sinceEpoch.
func (ws *waiters) since() sinceEpoch { return sinceEpoch(ws.clock().Sub(epoch)) }

// clock returns the time of now, or of the fake clock of a test.
func (ws *waiters) clock() time.Time {
	if ws.now != nil {
		return ws.now()
	}
	return time.Now()
}

// add registers a wait on tid, already woken when a callback for tid came shortly
// before.
func (ws *waiters) add(tid string) waitRef {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.m == nil {
		ws.m = make(map[string]*waiter)
	}
	task := ws.m[tid]
	if task == nil {
		task = &waiter{}
		ws.m[tid] = task
	}
	w := task
	if w.used {
		w = &waiter{}
		more := task.moreWaits()
		more.waits = append(more.waits, w)
	}
	w.used = true
	if note, ok := ws.pending[tid]; ok {
		delete(ws.pending, tid)
		if ws.clock().Sub(note.at) < pendingTTL {
			w.wake(sinceEpoch(note.at.Sub(epoch)))
		}
	}
	return waitRef{task: task, w: w}
}

// remove unregisters the wait r on tid.
func (ws *waiters) remove(tid string, r waitRef) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if r.w.timer != nil {
		r.w.timer.Stop()
	}
	task := r.task
	if r.w == task {
		task.timer, task.used, task.woken, task.wokeAt, task.listening = nil, false, false, 0, false
	}
	if more := task.more; more != nil {
		more.waits = slices.DeleteFunc(more.waits, func(w *waiter) bool { return w == r.w })
		if len(more.waits) == 0 && len(more.turns) == 0 {
			task.more = nil
		}
	}
	if !task.used && task.more == nil {
		delete(ws.m, tid)
	}
}

// wake wakes every wait on tid; a wait already woken stays so. With no wait on tid,
// the callback is remembered for the next one.
func (ws *waiters) wake(tid string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	task := ws.m[tid]
	if task == nil {
		ws.remember(tid)
		return
	}
	now := ws.since()
	if task.used {
		task.wake(now)
	}
	if task.more != nil {
		for _, w := range task.more.waits {
			w.wake(now)
		}
	}
}

// wake marks w woken by a wake-up that came at now and, while it is paused, fires its
// timer. ws.mu is held.
func (w *waiter) wake(now sinceEpoch) {
	if !w.woken {
		w.wokeAt = now
		if now == 0 { // 0 is none
			w.wokeAt = 1
		}
	}
	w.woken = true
	if w.listening {
		w.listening = false
		w.arm(0)
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
