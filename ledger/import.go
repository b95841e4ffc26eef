package ledger

import (
	"context"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/tcredit-go/tcredit"
)

// Imported counts the events of an Import.
type Imported struct {
	Read  int `json:"read"`  // events in the log
	Added int `json:"added"` // events the ledger did not hold yet
}

// Import adds the events of a JSON-lines billing log (tcredit.BillingLog) to the
// ledger, in one transaction: importing a log twice adds nothing the second time. The
// daily limit does not apply: the log's attempts were made already.
func (l *Ledger) Import(ctx context.Context, r io.Reader) (Imported, error) {
	var n Imported
	err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
		n = Imported{}
		return tcredit.ReadBillingLog(r, func(e tcredit.BillingEvent) error {
			tag, err := tx.Exec(ctx, insertEvent, eventArgs(e)...)
			if err != nil {
				return err
			}
			n.Read++
			n.Added += int(tag.RowsAffected())
			return nil
		})
	})
	if err != nil {
		return Imported{}, wrap(err)
	}
	return n, nil
}
