package summary

import (
	"strings"

	"github.com/tcredit-go/tcredit"
)

// settledWords are the words of a loanStatus that say the loan is repaid, unless one
// of notWords says it is not (未结清, UNSETTLED).
var (
	settledWords = []string{"结清", "还清", "SETTLED"}
	notWords     = []string{"未", "UN", "NOT"}
)

// loans sums up the housing loans.
func loans(infos []tcredit.LoanInfo) Loans {
	l := Loans{Count: len(infos)}
	for i := range infos {
		loan := &infos[i]
		d := &loan.DetailInfo
		settled := isSettled(loan)
		balance := d.LoanBalance
		if settled {
			l.Settled++
		} else {
			if balance == 0 {
				balance = latestRepayment(loan).Balance
			}
			l.MonthlyPayment += monthlyPayment(loan)
		}
		l.Outstanding += balance

		o := overdues(loan.LoanOverdueInfos)
		l.CurrentOverduePeriods += max(d.CurrentOverdueCount, o.current)
		l.CurrentOverdueAmount += max(d.OverdueAmount, o.currentAmount)
		l.OverdueHistoryPeriods += max(d.HisOverdueCount, o.periods)
		l.OverdueHistoryAmount += max(d.HisOverdueAmount, o.amount)
		l.LongestOverdueRun = max(l.LongestOverdueRun, o.longestRun)
	}
	return l
}

// isSettled reports whether a loan is repaid: its status says so, or its balance is
// zero and its latest repayment brought it there.
func isSettled(loan *tcredit.LoanInfo) bool {
	d := &loan.DetailInfo
	status := strings.ToUpper(d.LoanStatus)
	if containsAny(status, settledWords) {
		return !containsAny(status, notWords)
	}
	if d.LoanBalance != 0 {
		return false
	}
	latest := latestRepayment(loan)
	if latest.Principal <= 0 || latest.Balance != 0 {
		return false
	}
	for _, r := range loan.LoanRepayInfos {
		if r.Balance != 0 {
			return true // the record carries balances: its zero is one
		}
	}
	return false
}

// latestRepayment returns the repayment row of the latest date (the later in the list
// of two of the same date), or a zero row when no row has a readable date.
func latestRepayment(loan *tcredit.LoanInfo) tcredit.LoanRepayInfo {
	var latest tcredit.LoanRepayInfo
	key := -1
	for _, r := range loan.LoanRepayInfos {
		if d, ok := parseDate(r.Date); ok && d.key() >= key {
			latest, key = r, d.key()
		}
	}
	return latest
}

// monthlyPayment returns paymentAmount, else monthLowestRepay, else the sum of the
// latest repayment row.
func monthlyPayment(loan *tcredit.LoanInfo) tcredit.Amount {
	d := &loan.DetailInfo
	switch {
	case d.PaymentAmount != 0:
		return d.PaymentAmount
	case d.MonthLowestRepay != 0:
		return d.MonthLowestRepay
	}
	return latestRepayment(loan).Sum
}

// overdueList is what a loan's overdue rows show.
type overdueList struct {
	periods       int            // distinct months, each unreadable row counted as one
	amount        tcredit.Amount // principal and interest of every row
	current       int            // rows with an overdueBalance still owed
	currentAmount tcredit.Amount // their overdueBalance
	longestRun    int            // the longest run of consecutive months
}

// overdues reads a loan's overdue rows. A row whose month is listed already is not
// counted again.
func overdues(rows []tcredit.LoanOverdueInfo) overdueList {
	var o overdueList
	months := make(map[Month]bool, len(rows))
	for _, r := range rows {
		if m, err := ParseMonth(r.Date); err == nil {
			if months[m] {
				continue
			}
			months[m] = true
		}
		o.periods++
		o.amount += r.Principal + r.Interest
		if r.OverdueBalance > 0 {
			o.current++
			o.currentAmount += r.OverdueBalance
		}
	}
	for m := range months {
		if months[m.Add(-1)] {
			continue // not the start of a run
		}
		n := 1
		for months[m.Add(n)] {
			n++
		}
		o.longestRun = max(o.longestRun, n)
	}
	if o.longestRun == 0 && o.periods > 0 {
		o.longestRun = 1 // overdue in months that cannot be read
	}
	return o
}
