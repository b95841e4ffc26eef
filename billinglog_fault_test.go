package tcredit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// faultyFile is a billing log's file whose writes fail, after writing half of their
// bytes, while full is set; its truncates fail while stuck is set, and its syncs do
// nothing while lax is set.
type faultyFile struct {
	*os.File
	full, stuck, lax bool
}

func (f *faultyFile) Sync() error {
	if f.lax {
		return nil
	}
	return f.File.Sync()
}

var errDiskFull = errors.New("no space left on device")

func (f *faultyFile) Write(p []byte) (int, error) {
	if !f.full {
		return f.File.Write(p)
	}
	n, _ := f.File.Write(p[:len(p)/2])
	return n, errDiskFull
}

func (f *faultyFile) Truncate(size int64) error {
	if f.stuck {
		return errors.New("read-only file system")
	}
	return f.File.Truncate(size)
}

// openFaultyLog opens a billing log in a temporary directory on a faultyFile.
func openFaultyLog(t *testing.T) (*BillingLog, *faultyFile, string) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "billing.jsonl")
	l, err := OpenBillingLog(name)
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	f := &faultyFile{File: l.f.(*os.File)}
	l.f = f
	return l, f, name
}

func attemptEvent(id string) BillingEvent {
	return BillingEvent{Attempt: id, Kind: BillingAttempt, AppID: "app", AreaCode: "110100", Time: time.Unix(1773540245, 0)}
}

func TestBillingLogCutsBackAPartialWrite(t *testing.T) {
	ctx := context.Background()
	l, f, name := openFaultyLog(t)
	require.NoError(t, l.RecordBilling(ctx, attemptEvent("a1")))

	f.full = true
	require.ErrorIs(t, l.RecordBilling(ctx, attemptEvent("a2")), errDiskFull)
	f.full = false
	require.NoError(t, l.RecordBilling(ctx, attemptEvent("a3")), "the disk has room again")
	require.NoError(t, l.Close())

	var got []string
	r, err := os.Open(name)
	require.NoError(t, err)
	defer r.Close()
	require.NoError(t, ReadBillingLog(r, func(e BillingEvent) error {
		got = append(got, e.Attempt)
		return nil
	}))
	assert.Equal(t, []string{"a1", "a3"}, got, "no fragment of a2")
	again, err := OpenBillingLog(name)
	require.NoError(t, err, "the file opens again")
	again.Close()
}

func TestBillingLogStopsWhenItCannotCutBack(t *testing.T) {
	ctx := context.Background()
	l, f, _ := openFaultyLog(t)
	f.full, f.stuck = true, true
	require.ErrorIs(t, l.RecordBilling(ctx, attemptEvent("a1")), errDiskFull)
	f.full, f.stuck = false, false
	err := l.RecordBilling(ctx, attemptEvent("a2"))
	require.ErrorIs(t, err, errDiskFull, "nothing is appended to a fragment")
	assert.Contains(t, err.Error(), "unusable")
}

func TestBillingLogKeepsTheKeysOfTheLastEventsOnly(t *testing.T) {
	ctx := context.Background()
	l, f, name := openFaultyLog(t)
	f.lax = true // many events: only the keys kept matter here
	for i := 0; i < maxSeen+10; i++ {
		require.NoError(t, l.RecordBilling(ctx, attemptEvent(fmt.Sprint("a", i))))
	}
	assert.Len(t, l.seen, maxSeen)
	assert.Len(t, l.order, maxSeen)
	require.NoError(t, l.RecordBilling(ctx, attemptEvent(fmt.Sprint("a", maxSeen+9))), "a recent event")
	require.NoError(t, l.RecordBilling(ctx, attemptEvent("a0")), "an event forgotten")
	require.NoError(t, l.Close())

	again, err := OpenBillingLog(name)
	require.NoError(t, err)
	defer again.Close()
	assert.Len(t, again.seen, maxSeen, "a reopened log keeps as many")
	lines := 0
	r, err := os.Open(name)
	require.NoError(t, err)
	defer r.Close()
	require.NoError(t, ReadBillingLog(r, func(BillingEvent) error { lines++; return nil }))
	assert.Equal(t, maxSeen+11, lines, "the forgotten event is written again, the recent one is not")
}
