package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/ledger"
)

// byHeading is the heading of a summary's first column.
var byHeading = map[ledger.By]string{ledger.ByDay: "DAY", ledger.ByArea: "AREA", ledger.ByApp: "APP"}

// printSummary writes a summary as a table, its totals last.
func printSummary(w io.Writer, s *ledger.Summary) {
	fmt.Fprintf(w, "%s to %s (China time)\n\n", s.From, s.To)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\tATTEMPTS\tCREATED\tUNKNOWN\tREFUSED\tSUCCEEDED\tROLLED BACK\tOPEN\n", byHeading[s.By])
	row := func(key string, n ledger.Counts) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", key, n.Attempts, n.Created, n.Unknown, n.Refused, n.Succeeded, n.RolledBack, n.Open)
	}
	for _, r := range s.Rows {
		row(r.Key, r.Counts)
	}
	row("total", s.Counts)
	tw.Flush()
}

// printReconciliation writes what a reconciliation found, with the amounts at price
// per task when one is given.
func printReconciliation(w io.Writer, rows int, r *ledger.Reconciliation, price tcredit.Amount, priced bool) {
	fmt.Fprintf(w, "Statement: %d rows, %d charged; %d matched\n", rows, r.Charged, r.Matched)
	list := func(title string, items []string) {
		fmt.Fprintf(w, "%s: %d\n", title, len(items))
		for _, it := range items {
			fmt.Fprintf(w, "  %s\n", it)
		}
	}
	resolved := make([]string, len(r.ResolvedUnknown))
	for i, p := range r.ResolvedUnknown {
		resolved[i] = "attempt " + p.Attempt + " created " + p.TID
	}
	list("Unknown creates resolved", resolved)
	list("Unknown creates unresolved (attempt ids)", r.UnresolvedUnknown)
	list("Missing from the ledger (charged)", r.MissingFromLedger)
	list("Missing from the statement", r.MissingFromStatement)
	list("Refund due (failed, yet charged)", r.RefundDue)
	list("Succeeded, not charged", r.Uncharged)
	list("On more than one row (charged twice?)", r.Duplicates)
	if !priced {
		return
	}
	amount := func(n int) string {
		total, ok := times(n, price)
		if !ok {
			return "(too large)"
		}
		return "¥" + total.Grouped()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nAt ¥%s a task:\n", price.Grouped())
	for _, a := range []struct {
		what string
		n    int
	}{
		{"charged by the statement", r.Charged},
		{"refund due", len(r.RefundDue)},
		{"charged, missing from the ledger", len(r.MissingFromLedger)},
	} {
		fmt.Fprintf(tw, "  %s\t%s\t(%s tasks)\n", a.what, amount(a.n), strconv.Itoa(a.n))
	}
	tw.Flush()
}

// times returns n tasks at price each, and false when the product does not fit.
func times(n int, price tcredit.Amount) (tcredit.Amount, bool) {
	if n < 0 || price < 0 {
		return 0, false
	}
	if n != 0 && price > math.MaxInt64/tcredit.Amount(n) {
		return 0, false
	}
	return tcredit.Amount(n) * price, true
}
