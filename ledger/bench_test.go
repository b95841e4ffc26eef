package ledger_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/ledger"
)

// BenchmarkRecordAttempt measures the recording of an attempt, the one event a create
// waits for: without a limit (the baseline), and with a daily limit, which counts the
// day's attempts under a lock of the day; one goroutine, and 8 at once.
func BenchmarkRecordAttempt(b *testing.B) {
	dsn := newSchema(b)
	var next atomic.Int64
	event := func() tcredit.BillingEvent {
		return tcredit.BillingEvent{Attempt: "a" + strconv.FormatInt(next.Add(1), 10), Kind: tcredit.BillingAttempt,
			AppID: "app", AreaCode: "110100", Time: time.Now()}
	}
	for _, bc := range []struct {
		name string
		opts []ledger.Option
	}{
		{"no-limit", nil},
		{"daily-limit", []ledger.Option{ledger.WithDailyLimit(1 << 30)}},
	} {
		l := openLedger(b, dsn, bc.opts...)
		ctx := context.Background()
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := l.RecordBilling(ctx, event()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/parallel-8", func(b *testing.B) {
			b.SetParallelism(4) // 4 × GOMAXPROCS (2) goroutines
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := l.RecordBilling(ctx, event()); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
