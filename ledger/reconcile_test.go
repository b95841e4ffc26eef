package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/ledger"
)

// record records each event in l.
func record(t *testing.T, l *ledger.Ledger, events ...tcredit.BillingEvent) {
	t.Helper()
	for _, e := range events {
		require.NoError(t, l.RecordBilling(context.Background(), e))
	}
}

func TestReconcileAcrossMidnight(t *testing.T) {
	l := openLedger(t, newSchema(t))
	ctx := context.Background()
	day := time.Date(2026, 3, 15, 0, 0, 0, 0, ledger.ChinaTime)
	midnight := day.AddDate(0, 0, 1)
	ev := func(attempt string, kind tcredit.BillingKind, tid string, at time.Time) tcredit.BillingEvent {
		return tcredit.BillingEvent{Attempt: attempt, Kind: kind, AppID: "app", AreaCode: "110100", TID: tid, Time: at}
	}
	record(t, l,
		// a0: a task of the 15th, all within it.
		ev("a0", tcredit.BillingAttempt, "", day.Add(10*time.Hour)),
		ev("a0", tcredit.BillingCreated, "T0", day.Add(10*time.Hour+time.Second)),
		// a1: attempted at 23:59:59.8, its tid back at 00:00:00.1.
		ev("a1", tcredit.BillingAttempt, "", midnight.Add(-200*time.Millisecond)),
		ev("a1", tcredit.BillingCreated, "T1", midnight.Add(100*time.Millisecond)),
		// a2: attempted at 23:59:50, its outcome unknown.
		ev("a2", tcredit.BillingAttempt, "", midnight.Add(-10*time.Second)),
		ev("a2", tcredit.BillingUnknown, "", midnight.Add(-5*time.Second)),
	)
	row := func(tid string, at time.Time) ledger.StatementRow {
		return ledger.StatementRow{TID: tid, AppID: "app", AreaCode: "110100", CreatedAt: at, Charged: true}
	}

	t.Run("the day of the attempts", func(t *testing.T) {
		rec, err := l.Reconcile(ctx, ledger.Statement{Rows: []ledger.StatementRow{row("T0", day.Add(10*time.Hour))}})
		require.NoError(t, err)
		assert.Equal(t, 1, rec.Matched)
		assert.Empty(t, rec.MissingFromStatement, "T1 came back after midnight: the next statement's")
		assert.Equal(t, []string{"a2"}, rec.UnresolvedUnknown)
	})
	t.Run("the day after", func(t *testing.T) {
		rec, err := l.Reconcile(ctx, ledger.Statement{Rows: []ledger.StatementRow{
			row("T1", midnight.Add(100*time.Millisecond)),
			row("T2", midnight.Add(20*time.Second)),
		}})
		require.NoError(t, err)
		assert.Equal(t, 2, rec.Matched)
		assert.Empty(t, rec.MissingFromLedger)
		assert.Equal(t, []ledger.Resolved{{Attempt: "a2", TID: "T2"}}, rec.ResolvedUnknown)
		assert.Empty(t, rec.UnresolvedUnknown)
		assert.Empty(t, rec.MissingFromStatement)
	})
}

func TestReconcileListsATIDChargedTwice(t *testing.T) {
	l := openLedger(t, newSchema(t))
	at := time.Date(2026, 3, 15, 10, 0, 0, 0, ledger.ChinaTime)
	record(t, l,
		tcredit.BillingEvent{Attempt: "a0", Kind: tcredit.BillingAttempt, AppID: "app", AreaCode: "110100", Time: at},
		tcredit.BillingEvent{Attempt: "a0", Kind: tcredit.BillingCreated, AppID: "app", AreaCode: "110100", TID: "T0", Time: at},
	)
	row := ledger.StatementRow{TID: "T0", AppID: "app", AreaCode: "110100", CreatedAt: at, Charged: true}
	rec, err := l.Reconcile(context.Background(), ledger.Statement{Rows: []ledger.StatementRow{row, row, row}})
	require.NoError(t, err)
	assert.Equal(t, []string{"T0"}, rec.Duplicates)
	assert.Equal(t, 1, rec.Matched)
	assert.Equal(t, 1, rec.Charged)
}
