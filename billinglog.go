package tcredit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// BillingLog is a BillingRecorder that appends each event to a file as one line of
// JSON, and syncs the file to disk before RecordBilling returns: an attempt recorded
// is on disk before its create is sent. It is meant for one process, such as the
// tcredit command or a single service; the ledger module gathers the logs (and the
// events of several replicas) in PostgreSQL. It is safe for concurrent use.
//
// Each line is a BillingEvent as encoding/json writes it:
//
//	{"attempt":"3f2a…","kind":"created","app_id":"app","area_code":"110100","tid":"9c1e…","seq_num":"0951…","time":"2026-03-15T10:04:05.123+08:00"}
//
// An event among the last 65,536 in the file is not written again, even across a
// reopening; an older one written again is a repeated line, which readers of the log
// (the ledger's import) take once.
type BillingLog struct {
	mu     sync.Mutex
	f      logFile
	size   int64           // the length of the whole lines in the file
	seen   map[string]bool // the keys of the last events in the file
	order  []string        // the same keys, a ring in the order written, its oldest at head
	head   int
	broken error // why the file can no longer be appended to, or nil
	closed bool
}

// logFile is what a BillingLog needs of its file (an *os.File).
type logFile interface {
	io.ReadWriteCloser
	Sync() error
	Truncate(size int64) error
}

// OpenBillingLog opens the billing log name for appending, creating it (mode 0600)
// when it does not exist. The events already in it are read, so that none is written
// twice; a last line left incomplete by a crash (its event was never reported
// recorded) is cut off. A line that cannot be read is an error: the file is not used.
func OpenBillingLog(name string) (*BillingLog, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("tcredit: billing log: %w", err)
	}
	l := &BillingLog{f: f, seen: make(map[string]bool)}
	if err := l.load(); err != nil {
		f.Close()
		return nil, fmt.Errorf("tcredit: billing log %s: %w", name, err)
	}
	return l, nil
}

// load reads the events in the file and cuts off an incomplete last line. Writes go to
// the file's end (O_APPEND), so that a line is never written over another.
func (l *BillingLog) load() error {
	data, err := io.ReadAll(l.f)
	if err != nil {
		return err
	}
	whole := data[:bytes.LastIndexByte(data, '\n')+1]
	if len(whole) < len(data) {
		if err := l.f.Truncate(int64(len(whole))); err != nil {
			return err
		}
	}
	l.size = int64(len(whole))
	return ReadBillingLog(bytes.NewReader(whole), func(e BillingEvent) error {
		l.note(e.key())
		return nil
	})
}

// maxSeen bounds the keys a BillingLog keeps of the events in its file.
const maxSeen = 1 << 16

// note keeps key as one of an event in the file, forgetting the oldest beyond maxSeen.
func (l *BillingLog) note(key string) {
	if l.seen[key] {
		return
	}
	l.seen[key] = true
	if len(l.order) < maxSeen {
		l.order = append(l.order, key)
		return
	}
	delete(l.seen, l.order[l.head])
	l.order[l.head] = key
	l.head = (l.head + 1) % maxSeen
}

// RecordBilling appends e to the file and syncs it, unless the file holds e already.
func (l *BillingLog) RecordBilling(ctx context.Context, e BillingEvent) error {
	if err := e.Validate(); err != nil {
		return fmt.Errorf("tcredit: billing log: %w", err)
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("tcredit: billing log: %w", err)
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.closed:
		return errors.New("tcredit: billing log: closed")
	case l.broken != nil:
		return fmt.Errorf("tcredit: billing log: unusable since a write failed: %w", l.broken)
	case l.seen[e.key()]:
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := l.f.Write(line); err != nil {
		l.cutBack(err)
		return fmt.Errorf("tcredit: billing log: %w", err)
	}
	l.size += int64(len(line))
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("tcredit: billing log: %w", err)
	}
	l.note(e.key())
	return nil
}

// cutBack removes what a failed write (err) may have left of a line, such as the
// part written before the disk was full, so that the next event starts a line of its
// own. When the file cannot be cut back, no event is written to it any more.
func (l *BillingLog) cutBack(err error) {
	if terr := l.f.Truncate(l.size); terr != nil {
		l.broken = errors.Join(err, terr)
	}
}

// Close closes the file. Recording afterwards is an error.
func (l *BillingLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	return l.f.Close()
}

// maxBillingLine bounds a line of a billing log; an event takes a few hundred bytes.
const maxBillingLine = 64 << 10

// ReadBillingLog reads a billing log from r and calls fn with each event, in the
// order of the file. Blank lines are skipped. It stops at the first line that is not
// an event, naming its number, or at fn's first error.
func ReadBillingLog(r io.Reader, fn func(BillingEvent) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxBillingLine)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var e BillingEvent
		if err := json.Unmarshal(line, &e); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if err := e.Validate(); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return sc.Err()
}
