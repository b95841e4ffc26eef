package main

import (
	"fmt"
	"io"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/summary"
)

// printReport prints the report the way a credit analyst reads it: who, the account,
// the contributions and the loans, as of asOf.
func printReport(out io.Writer, res *tcredit.FundResult, asOf time.Time) {
	s := summary.Of(res, asOf)
	fmt.Fprintf(out, "Report (task %s, %d %s), as of %s\n", res.TID, res.Code, res.Code, asOf.Format("2006-01-02"))
	if b := res.BaseInfo; b != nil {
		fmt.Fprintf(out, "  holder        %s, ID %s\n", tcredit.MaskName(b.EmployeeName), tcredit.MaskIDCard(b.IDCard))
		fmt.Fprintf(out, "  employer      %s\n", s.CurrentEmployer)
	}
	fmt.Fprintf(out, "  account       %s (%s), opened %s\n", s.Account.StatusText, statusWord(s.Account.Status), s.Account.Opened)
	fmt.Fprintf(out, "  balance       ¥%s\n", s.Account.Balance.Grouped())
	c := s.Contributions
	fmt.Fprintf(out, "  contributions %s in all, %d in a row up to %s, %d of the last 12\n", plural(c.Months, "month"), c.Consecutive, c.Latest, c.Last12)
	fmt.Fprintf(out, "  latest month  ¥%s (personal ¥%s + company ¥%s), base ¥%s\n",
		c.MonthlyTotal.Grouped(), c.MonthlyPersonal.Grouped(), c.MonthlyCompany.Grouped(), c.Base.Grouped())
	l := s.Loans
	fmt.Fprintf(out, "  loans         %d, outstanding ¥%s, monthly ¥%s, %s in the past\n",
		l.Count, l.Outstanding.Grouped(), l.MonthlyPayment.Grouped(), plural(l.OverdueHistoryPeriods, "overdue period"))
	if len(res.Missing) > 0 {
		fmt.Fprintf(out, "  missing       %v\n", res.Missing)
	}
}

// plural returns n and noun, with an s unless n is 1: "1 overdue period", "36 months".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func statusWord(s summary.Status) string {
	switch s {
	case summary.StatusActive:
		return "active"
	case summary.StatusSealed:
		return "sealed"
	case summary.StatusClosed:
		return "closed"
	}
	return "unknown"
}
