package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tcredit-go/tcredit"
)

// Settlement is what Settle found.
type Settlement struct {
	Checked   int // open tasks asked about
	Succeeded int // of them, ended with a report
	Failed    int // of them, failed: rolled back
	Open      int // of them, still running, or not read
}

// Settle records the end of every open task of client's appId: a task created (or
// whose unknown create named its tid) with no end recorded, such as one whose process
// stopped between the create and the end. It reads each with client.GetFund, which is
// not billed, and records the end of those that ended. The tasks it could not read
// stay open; their errors are returned together.
func (l *Ledger) Settle(ctx context.Context, client *tcredit.Client) (Settlement, error) {
	var s Settlement
	rows, err := l.pool.Query(ctx, `SELECT DISTINCT tid FROM tcredit_billing_attempts
		WHERE app_id = $1 AND tid <> '' AND outcome <> 'refused' AND end_kind IS NULL ORDER BY tid`, client.AppID())
	if err != nil {
		return s, wrap(err)
	}
	var tids []string
	for rows.Next() {
		var tid string
		if err := rows.Scan(&tid); err != nil {
			rows.Close()
			return s, wrap(err)
		}
		tids = append(tids, tid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s, wrap(err)
	}
	var errs []error
	for _, tid := range tids {
		s.Checked++
		kind, err := l.settle(ctx, client, tid)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("task %s: %w", tid, err))
			s.Open++
		case kind == tcredit.BillingSucceeded:
			s.Succeeded++
		case kind == tcredit.BillingFailed:
			s.Failed++
		default:
			s.Open++
		}
	}
	return s, errors.Join(errs...)
}

// settle reads the task tid and records its end, if it ended; it returns the end's
// kind, or "" for a task still running.
func (l *Ledger) settle(ctx context.Context, client *tcredit.Client, tid string) (tcredit.BillingKind, error) {
	res, err := client.GetFund(ctx, tid)
	if res == nil {
		return "", err
	}
	kind, ended := tcredit.BillingEndOf(res.Code)
	if !ended {
		return "", err
	}
	e := tcredit.BillingEvent{Kind: kind, AppID: client.AppID(), TID: tid, Code: res.Code, Time: time.Now()}
	return kind, l.RecordBilling(ctx, e)
}
