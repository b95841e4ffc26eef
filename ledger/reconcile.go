package ledger

import (
	"context"
	"sort"
	"time"
)

// PairWindow is how long after an unknown attempt a task the ledger cannot explain may
// have been created by it, for Reconcile to pair them.
const PairWindow = 60 * time.Second

// Reconciliation is what a Statement and the ledger say of the same period, as lists
// of what finance acts on. Every list is empty rather than nil.
type Reconciliation struct {
	// Matched counts the statement's rows that the ledger explains: the tasks it
	// holds, charged as the ledger expects (not charged when failed), and the rows
	// paired with an unknown attempt.
	Matched int `json:"matched"`
	// Charged counts the statement's rows it charges.
	Charged int `json:"charged"`
	// ResolvedUnknown pairs each create whose outcome was unknown with the task it
	// created: a row the ledger cannot explain otherwise, of the same appId and area
	// code, created within PairWindow after the attempt.
	ResolvedUnknown []Resolved `json:"resolved_unknown"`
	// UnresolvedUnknown lists the attempts whose outcome is unknown and that no row
	// explains: most likely no task was created.
	UnresolvedUnknown []string `json:"unresolved_unknown"`
	// MissingFromLedger lists the tids that the statement charges and the ledger never
	// saw, nor can pair with an unknown attempt.
	MissingFromLedger []string `json:"missing_from_ledger"`
	// MissingFromStatement lists the tids that the ledger holds as created (in the
	// statement's period) and the statement lacks.
	MissingFromStatement []string `json:"missing_from_statement"`
	// RefundDue lists the tids that the ledger holds as failed, so rolled back, and
	// that the statement charges.
	RefundDue []string `json:"refund_due"`
	// Uncharged lists the tids that the ledger holds as succeeded and that the
	// statement does not charge.
	Uncharged []string `json:"uncharged"`
	// Duplicates lists, once each, the tids that the statement has on more than one
	// row: a task billed twice. Only a tid's first row counts as matched or charged.
	Duplicates []string `json:"duplicates"`
}

// Resolved is an unknown attempt and the task it created.
type Resolved struct {
	Attempt string `json:"attempt"`
	TID     string `json:"tid"`
}

// ledgerTask is an attempt of the ledger, as Reconcile compares it.
type ledgerTask struct {
	attempt, appID, areaCode, outcome, tid, end string
	at                                          time.Time
	// inPeriod says that the attempt is of the statement's days; created is when
	// its tid came back (its attempt's time when none did).
	inPeriod bool
	created  time.Time
}

// Reconcile compares the statement with the ledger's attempts of the China-time days
// that the statement's rows span, and of the appIds it names: a provider bills each
// appId on its own, and the ledger may hold several. A task the statement names is
// found whatever the day of its attempt (a create attempted just before midnight is
// created the next day), and an unknown attempt within PairWindow before the first
// day may pair with a row of it. A task whose tid came back after the last day is
// left to the next statement rather than listed as missing from this one.
func (l *Ledger) Reconcile(ctx context.Context, st Statement) (*Reconciliation, error) {
	rec := &Reconciliation{ResolvedUnknown: []Resolved{}, UnresolvedUnknown: []string{}, MissingFromLedger: []string{},
		MissingFromStatement: []string{}, RefundDue: []string{}, Uncharged: []string{}, Duplicates: []string{}}
	if len(st.Rows) == 0 {
		return rec, nil
	}
	p := st.period()
	tasks, err := l.tasks(ctx, p, st.appIDs(), st.tids())
	if err != nil {
		return nil, err
	}
	_, end := p.bounds()
	byTID := map[string]ledgerTask{}
	var unknown []ledgerTask
	for _, t := range tasks {
		switch {
		case t.tid != "" && t.outcome != "refused":
			byTID[t.tid] = t
		case t.outcome == "unknown":
			unknown = append(unknown, t)
		}
	}
	inStatement := map[string]int{} // rows by tid
	var unexplained []StatementRow
	for _, row := range st.Rows {
		if inStatement[row.TID]++; inStatement[row.TID] > 1 {
			if inStatement[row.TID] == 2 {
				rec.Duplicates = append(rec.Duplicates, row.TID)
			}
			continue
		}
		if row.Charged {
			rec.Charged++
		}
		t, ok := byTID[row.TID]
		switch {
		case !ok:
			unexplained = append(unexplained, row)
		case t.end == "failed" && row.Charged:
			rec.RefundDue = append(rec.RefundDue, row.TID)
		case t.end == "succeeded" && !row.Charged:
			rec.Uncharged = append(rec.Uncharged, row.TID)
		default:
			rec.Matched++
		}
	}
	unexplained = rec.pair(unknown, unexplained)
	for _, row := range unexplained {
		if row.Charged {
			rec.MissingFromLedger = append(rec.MissingFromLedger, row.TID)
		}
	}
	for _, t := range tasks {
		// A tid that came back after the last day may be the next statement's.
		if t.inPeriod && t.tid != "" && t.outcome == "created" && inStatement[t.tid] == 0 && t.created.Before(end) {
			rec.MissingFromStatement = append(rec.MissingFromStatement, t.tid)
		}
	}
	return rec, nil
}

// pair pairs each unknown attempt, oldest first, with the earliest unexplained row of
// its appId and area code created within PairWindow after it (the attempt's time taken
// to the second, as a statement gives times), and returns the rows left unexplained.
func (rec *Reconciliation) pair(unknown []ledgerTask, rows []StatementRow) []StatementRow {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].CreatedAt.Before(rows[j].CreatedAt) })
	taken := make([]bool, len(rows))
	for _, t := range unknown {
		start := t.at.Truncate(time.Second)
		found := false
		for i, row := range rows {
			if taken[i] || row.AppID != t.appID || row.AreaCode != t.areaCode ||
				row.CreatedAt.Before(start) || row.CreatedAt.After(t.at.Add(PairWindow)) {
				continue
			}
			taken[i], found = true, true
			rec.ResolvedUnknown = append(rec.ResolvedUnknown, Resolved{Attempt: t.attempt, TID: row.TID})
			rec.Matched++
			break
		}
		if !found && t.inPeriod {
			rec.UnresolvedUnknown = append(rec.UnresolvedUnknown, t.attempt)
		}
	}
	var left []StatementRow
	for i, row := range rows {
		if !taken[i] {
			left = append(left, row)
		}
	}
	return left
}

// period returns the China-time days that the statement's rows span.
func (st Statement) period() Period {
	p := Period{From: st.Rows[0].CreatedAt, To: st.Rows[0].CreatedAt}
	for _, row := range st.Rows[1:] {
		if row.CreatedAt.Before(p.From) {
			p.From = row.CreatedAt
		}
		if row.CreatedAt.After(p.To) {
			p.To = row.CreatedAt
		}
	}
	return p
}

// tids returns the tids of the statement's rows.
func (st Statement) tids() []string {
	tids := make([]string, len(st.Rows))
	for i, row := range st.Rows {
		tids[i] = row.TID
	}
	return tids
}

// appIDs returns the appIds of the statement's rows.
func (st Statement) appIDs() []string {
	seen := map[string]bool{}
	var ids []string
	for _, row := range st.Rows {
		if !seen[row.AppID] {
			seen[row.AppID] = true
			ids = append(ids, row.AppID)
		}
	}
	return ids
}

// tasks returns, oldest first, the ledger's attempts of the period and the appIds,
// its unknown attempts of the PairWindow before the period, and the attempts of the
// tasks tids, whatever their day.
func (l *Ledger) tasks(ctx context.Context, p Period, appIDs, tids []string) ([]ledgerTask, error) {
	from, to := p.days()
	start, _ := p.bounds()
	rows, err := l.pool.Query(ctx, `SELECT a.attempt, a.app_id, a.area_code, a.outcome, a.tid, coalesce(a.end_kind, ''), a.at,
			a.day BETWEEN $1 AND $2,
			coalesce((SELECT max(c.at) FROM tcredit_billing_events c WHERE c.attempt = a.attempt AND c.kind = 'created'), a.at)
		FROM tcredit_billing_attempts a
		WHERE (a.app_id = ANY($3) AND (a.day BETWEEN $1 AND $2 OR (a.outcome = 'unknown' AND a.at >= $4 AND a.at < $5)))
			OR a.attempt IN (SELECT e.attempt FROM tcredit_billing_events e WHERE e.tid = ANY($6) AND e.attempt <> '')
		ORDER BY a.at, a.attempt`, from, to, appIDs, start.Add(-PairWindow), start, tids)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var tasks []ledgerTask
	for rows.Next() {
		var t ledgerTask
		if err := rows.Scan(&t.attempt, &t.appID, &t.areaCode, &t.outcome, &t.tid, &t.end, &t.at, &t.inPeriod, &t.created); err != nil {
			return nil, wrap(err)
		}
		tasks = append(tasks, t)
	}
	return tasks, wrap(rows.Err())
}
