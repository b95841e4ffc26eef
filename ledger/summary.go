package ledger

import (
	"context"
	"fmt"
	"time"
)

// Counts are the creates of a period, by what became of them. Every attempt is
// created, unknown or refused; every created task is succeeded, rolled back or open.
type Counts struct {
	Attempts   int64 `json:"attempts"`    // creates about to be sent
	Created    int64 `json:"created"`     // tasks created: billed
	Unknown    int64 `json:"unknown"`     // creates whose outcome is unknown: perhaps billed (see Reconcile)
	Refused    int64 `json:"refused"`     // creates that created no task: not billed
	Succeeded  int64 `json:"succeeded"`   // created tasks that ended with a report: charged
	RolledBack int64 `json:"rolled_back"` // created tasks that failed: their charge rolled back
	Open       int64 `json:"open"`        // created tasks with no end recorded yet (see Settle)
}

// add adds c's counts to s's.
func (s *Counts) add(c Counts) {
	s.Attempts += c.Attempts
	s.Created += c.Created
	s.Unknown += c.Unknown
	s.Refused += c.Refused
	s.Succeeded += c.Succeeded
	s.RolledBack += c.RolledBack
	s.Open += c.Open
}

// By is how a Summary breaks its counts down.
type By string

// The breakdowns of a Summary.
const (
	ByDay  By = "day"  // by China-time day of the attempt, as 2006-01-02
	ByArea By = "area" // by area code
	ByApp  By = "app"  // by appId
)

// groupColumn is the column of tcredit_billing_attempts each breakdown groups by.
var groupColumn = map[By]string{ByDay: "day::text", ByArea: "area_code", ByApp: "app_id"}

// Period is a span of China-time days, both ends included. A zero From is the first
// day of the record; a zero To is today. Only the dates count, read in ChinaTime.
type Period struct {
	From, To time.Time
}

// days returns the period's first and last day as 2006-01-02.
func (p Period) days() (from, to string) {
	from, to = "0001-01-01", time.Now().In(ChinaTime).Format(time.DateOnly)
	if !p.From.IsZero() {
		from = p.From.In(ChinaTime).Format(time.DateOnly)
	}
	if !p.To.IsZero() {
		to = p.To.In(ChinaTime).Format(time.DateOnly)
	}
	return from, to
}

// bounds returns the instants the period's days begin and end, in ChinaTime.
func (p Period) bounds() (start, end time.Time) {
	from, to := p.days()
	first, _ := time.ParseInLocation(time.DateOnly, from, ChinaTime)
	last, _ := time.ParseInLocation(time.DateOnly, to, ChinaTime)
	return first, last.AddDate(0, 0, 1)
}

// Summary is the record of a period: its totals, and the counts by day, area code or
// appId. The creates of a day are those attempted on it, and their tasks' ends count
// on that day too.
type Summary struct {
	From   string       `json:"from"` // the first day, 2006-01-02
	To     string       `json:"to"`   // the last day
	By     By           `json:"by"`   // the breakdown
	Counts              // the totals
	Rows   []SummaryRow `json:"breakdown"` // by By, in the order of their keys
}

// SummaryRow is the counts of one day, area code or appId.
type SummaryRow struct {
	Key string `json:"key"` // the day, area code or appId
	Counts
}

// Summary counts the creates of the period p, broken down by by.
func (l *Ledger) Summary(ctx context.Context, p Period, by By) (*Summary, error) {
	col, ok := groupColumn[by]
	if !ok {
		return nil, fmt.Errorf("ledger: summary by %q: not day, area or app", by)
	}
	from, to := p.days()
	rows, err := l.pool.Query(ctx, `SELECT `+col+` AS key, count(*),
		count(*) FILTER (WHERE outcome = 'created'),
		count(*) FILTER (WHERE outcome = 'unknown'),
		count(*) FILTER (WHERE outcome = 'refused'),
		count(*) FILTER (WHERE outcome = 'created' AND end_kind = 'succeeded'),
		count(*) FILTER (WHERE outcome = 'created' AND end_kind = 'failed'),
		count(*) FILTER (WHERE outcome = 'created' AND end_kind IS NULL)
		FROM tcredit_billing_attempts WHERE day BETWEEN $1 AND $2 GROUP BY key ORDER BY key`, from, to)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	s := &Summary{From: from, To: to, By: by, Rows: []SummaryRow{}}
	for rows.Next() {
		var r SummaryRow
		c := &r.Counts
		if err := rows.Scan(&r.Key, &c.Attempts, &c.Created, &c.Unknown, &c.Refused, &c.Succeeded, &c.RolledBack, &c.Open); err != nil {
			return nil, wrap(err)
		}
		s.Rows = append(s.Rows, r)
		s.Counts.add(r.Counts)
	}
	return s, wrap(rows.Err())
}
