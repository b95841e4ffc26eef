package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/tcredit-go/tcredit"
)

// clearLine moves to the start of the line and clears it (ANSI "erase in line").
const clearLine = "\r\x1b[K"

// statusLine shows a running task's state: the time since it was created and its
// status in words. On a terminal it is one line redrawn in place, every second and at
// each change; otherwise it is a plain line per change, fit for a log.
type statusLine struct {
	w        io.Writer
	terminal bool
	now      func() time.Time
	every    time.Duration // how often the line is redrawn on a terminal

	mu     sync.Mutex
	start  time.Time
	code   tcredit.TaskCode
	seen   bool // a status was seen
	open   bool // a line is drawn on the terminal and not ended
	paused bool // a prompt has the terminal

	stop chan struct{}
	done chan struct{}
}

func newStatusLine(w io.Writer, terminal bool, now func() time.Time) *statusLine {
	return &statusLine{w: w, terminal: terminal, now: now, every: time.Second}
}

// begin starts the clock, and on a terminal the redrawing.
func (s *statusLine) begin() {
	s.mu.Lock()
	s.start = s.now()
	s.mu.Unlock()
	if !s.terminal {
		return
	}
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	go s.tick()
}

// tick redraws the line every s.every until end.
func (s *statusLine) tick() {
	defer close(s.done)
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.mu.Lock()
			if s.seen && !s.paused {
				s.draw()
			}
			s.mu.Unlock()
		}
	}
}

// update shows a new status.
func (s *statusLine) update(res *tcredit.FundResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.code, s.seen = res.Code, true
	if !s.paused {
		s.draw()
	}
}

// draw writes the line; s.mu is held.
func (s *statusLine) draw() {
	text := fmt.Sprintf("%s  %d %s", elapsed(s.now().Sub(s.start)), int(s.code), s.code)
	if s.terminal {
		fmt.Fprint(s.w, clearLine+text)
		s.open = true
		return
	}
	fmt.Fprintln(s.w, text)
}

// pause ends the line, leaving it in view, and stops redrawing until resume, so that
// a prompt can use the terminal.
func (s *statusLine) pause() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paused = true
	s.endLine()
}

// resume lets the line be redrawn again, on a line of its own.
func (s *statusLine) resume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paused = false
}

// end stops the redrawing and ends the line.
func (s *statusLine) end() {
	if s.stop != nil {
		close(s.stop)
		<-s.done
		s.stop = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endLine()
}

// endLine ends a line drawn on the terminal; s.mu is held.
func (s *statusLine) endLine() {
	if s.open {
		fmt.Fprintln(s.w)
		s.open = false
	}
}

// elapsed writes d as minutes and seconds, "0:07", or with hours, "1:02:07".
func elapsed(d time.Duration) string {
	sec := int(d / time.Second)
	if sec < 0 {
		sec = 0
	}
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}
