package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tcredit-go/tcredit"
)

// ChinaTime is the zone of the ledger's days, China Standard Time (+08:00), the
// provider's: a fixed zone, so that no time zone database is needed.
var ChinaTime = time.FixedZone("CST", 8*3600)

// Ledger is the billing record of tcredit clients in PostgreSQL, and a
// tcredit.BillingRecorder: give it to each client with tcredit.WithBillingRecorder.
// Several processes (the replicas of a service) may share one database, each with a
// Ledger of its own. A Ledger is safe for concurrent use.
type Ledger struct {
	pool  *pgxpool.Pool
	limit int // attempts per China-time day; 0 for no limit
}

// Option configures a Ledger in Open.
type Option func(*Ledger) error

// WithDailyLimit refuses the attempt of a create beyond n attempts in a China-time day,
// counting those of every process that shares the database: the create is not sent,
// and its error matches tcredit.ErrBillingLimit. n must be positive.
func WithDailyLimit(n int) Option {
	return func(l *Ledger) error {
		if n <= 0 {
			return fmt.Errorf("daily limit %d is not positive", n)
		}
		l.limit = n
		return nil
	}
}

// Open connects to the PostgreSQL database dsn (a URL or key=value string, as pgx
// reads it) and creates or migrates the ledger's tables, so that the database is ready
// for this version. Migrating is idempotent, and safe while other processes open the
// same database. Close the Ledger when done.
func Open(ctx context.Context, dsn string, opts ...Option) (*Ledger, error) {
	l := &Ledger{}
	for _, opt := range opts {
		if err := opt(l); err != nil {
			return nil, fmt.Errorf("ledger: %w", err)
		}
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ledger: migrate: %w", err)
	}
	l.pool = pool
	return l, nil
}

// Close closes the Ledger's connections.
func (l *Ledger) Close() { l.pool.Close() }

// insertEvent adds an event unless the record holds it; it reports whether it did.
const insertEvent = `INSERT INTO tcredit_billing_events (attempt, kind, app_id, area_code, tid, seq_num, code, at, day)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`

// RecordBilling records e, once: an event the ledger holds already changes nothing.
// With WithDailyLimit, an attempt beyond the day's limit is refused with a
// *LimitError.
func (l *Ledger) RecordBilling(ctx context.Context, e tcredit.BillingEvent) error {
	if err := e.Validate(); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	if e.Kind != tcredit.BillingAttempt || l.limit == 0 {
		_, err := l.pool.Exec(ctx, insertEvent, eventArgs(e)...)
		return wrap(err)
	}
	return wrap(pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error { return l.recordLimited(ctx, tx, e) }))
}

// recordLimited records the attempt e within the day's limit. The day's count is read
// under a lock of its row, which every process takes, and grows with the insert.
func (l *Ledger) recordLimited(ctx context.Context, tx pgx.Tx, e tcredit.BillingEvent) error {
	day := e.Time.In(ChinaTime).Format(time.DateOnly)
	var count int64
	err := tx.QueryRow(ctx, `INSERT INTO tcredit_billing_days (day) VALUES ($1)
		ON CONFLICT (day) DO UPDATE SET attempts = tcredit_billing_days.attempts RETURNING attempts`, day).Scan(&count)
	if err != nil {
		return err
	}
	if count >= int64(l.limit) {
		var again bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tcredit_billing_events WHERE attempt = $1 AND kind = 'attempt')`, e.Attempt).Scan(&again)
		if err != nil || again {
			return err
		}
		return &LimitError{Day: day, Limit: l.limit}
	}
	_, err = tx.Exec(ctx, insertEvent, eventArgs(e)...)
	return err
}

// eventArgs returns the columns of an event for insertEvent.
func eventArgs(e tcredit.BillingEvent) []any {
	return []any{e.Attempt, string(e.Kind), e.AppID, e.AreaCode, e.TID, e.SeqNum, int(e.Code), e.Time,
		e.Time.In(ChinaTime).Format(time.DateOnly)}
}

// wrap prefixes a database error with the package's name; a *LimitError stays as it is.
func wrap(err error) error {
	var le *LimitError
	if err == nil || errors.As(err, &le) {
		return err
	}
	return fmt.Errorf("ledger: %w", err)
}
