package summary

import (
	"sort"
	"strings"

	"github.com/tcredit-go/tcredit"
)

// The words that classify a statement row by its note.
var (
	depositWords  = []string{"汇缴", "补缴", "缴存", "缴交", "缴纳", "补交", "公积金"}
	excludedWords = []string{"结息", "利息", "转入", "转出", "转移", "提取", "支取"}
	withdrawWords = []string{"提取", "支取"}
)

// containsAny reports whether s contains any of words.
func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// isContribution reports whether b is a contribution (see the package documentation).
func isContribution(b *tcredit.BillInfo) bool {
	if b.InAmount <= 0 || containsAny(b.Note, excludedWords) {
		return false
	}
	return containsAny(b.Note, depositWords) || strings.TrimSpace(b.PayMonth) != ""
}

// isWithdrawal reports whether b is a withdrawal.
func isWithdrawal(b *tcredit.BillInfo) bool {
	return b.OutAmount > 0 && containsAny(b.Note, withdrawWords)
}

// paidMonth returns the month a contribution pays for: its payMonth, else the one
// month its note names. ok is false when neither gives a month.
func paidMonth(b *tcredit.BillInfo) (m Month, ok bool) {
	if m, err := ParseMonth(b.PayMonth); err == nil {
		return m, true
	}
	return noteMonth(b.Note)
}

// noteMonth returns the month a note names: six digits ("汇缴201707公积金"), a date of
// eight ("汇缴20170727"), or a year of four digits, a separator and a month
// ("补缴2016年3月", "2016-03", "2016.3月"); see monthIn for the amounts it skips. ok is
// false when the note names no month, or more than one.
func noteMonth(note string) (m Month, ok bool) {
	for i := 0; i < len(note); {
		n := leadingDigits(note[i:])
		if n == 0 {
			i++
			continue
		}
		if found, ok := monthIn(note[i:], n); ok {
			if !m.IsZero() && m != found {
				return Month{}, false // several months: which one is not known
			}
			m = found
		}
		i += n
	}
	return m, !m.IsZero()
}

// monthIn reads the month at the start of s, which starts with n digits. Notes carry
// amounts too, so a number with a decimal fraction or followed by 元 is an amount,
// never a month ("金额1999.12元", "201707.50"): a year and a month joined by "." are a
// month only when 月, or a "." and a day, follows them ("2017.7月", "2017.07.27"), and
// "基数2000.10" names no month.
func monthIn(s string, n int) (Month, bool) {
	switch n {
	case 6, 8: // 201707, 20170727
		if isAmount(s[n:]) {
			return Month{}, false
		}
		d, ok := parseDate(s[:n])
		return d.month, ok
	case 4:
		rest, sep, _ := separator(s[4:])
		month, tail, num := smallNumber(rest)
		if sep == "" || !num || sep == "." && !strings.HasPrefix(tail, "月") && !isDay(tail) {
			return Month{}, false
		}
		d, ok := checked(atoi(s[:4]), month, 0)
		return d.month, ok
	}
	return Month{}, false
}

// isAmount reports whether the number before rest is an amount: rest starts with a
// decimal fraction or with 元.
func isAmount(rest string) bool {
	return strings.HasPrefix(rest, "元") || len(rest) > 1 && rest[0] == '.' && leadingDigits(rest[1:]) > 0
}

// isDay reports whether s starts with "." and a day of one or two digits.
func isDay(s string) bool {
	if !strings.HasPrefix(s, ".") {
		return false
	}
	_, _, ok := smallNumber(s[1:])
	return ok
}

// row is a statement row with its arrival date read.
type row struct {
	bill  *tcredit.BillInfo
	date  date
	dated bool
}

// paid is what the statement shows for one contributed month.
type paid struct {
	amount  tcredit.Amount // the sum of the inAmounts of the rows paying for it
	base    tcredit.Amount // the payBase of the latest such row that has one
	company string         // the companyName of the latest such row that names one
}

// statement is the statement read in date order.
type statement struct {
	months      map[Month]*paid
	employer    map[string]*Employer
	total       tcredit.Amount // inAmounts of all contribution rows
	lastBalance tcredit.Amount // the balance of the latest dated row
	withdrawals Withdrawals
	quality     Quality
}

// readStatement reads bills: it drops duplicates, orders the rows by arrival date,
// checks the running balance and gathers the contributions and withdrawals.
func readStatement(bills []tcredit.BillInfo, asOf Month) *statement {
	st := &statement{months: make(map[Month]*paid), employer: make(map[string]*Employer)}
	q := &st.quality
	q.Rows = len(bills)
	rows := st.ordered(bills)
	for i, r := range rows {
		if i > 0 && r.dated && rows[i-1].dated {
			st.checkBalance(rows[i-1].bill, r.bill)
		}
		b := r.bill
		switch {
		case isContribution(b):
			st.contribution(b)
		case isWithdrawal(b) && r.dated:
			w := &st.withdrawals
			m := r.date.month
			if !m.Before(asOf.Add(-12)) && m.Before(asOf) {
				w.Count++
				w.Total += b.OutAmount
			}
			if m.After(w.Latest) {
				w.Latest = m
			}
		}
	}
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].dated {
			st.lastBalance = rows[i].bill.Balance
			break
		}
	}
	return st
}

// ordered returns bills without duplicates, the dated rows in order of arrival date
// and the undated ones after them in the order given. Rows that came newest first are
// reversed before they are sorted, so that rows of the same day keep their order.
func (st *statement) ordered(bills []tcredit.BillInfo) []row {
	q := &st.quality
	seen := make(map[tcredit.BillInfo]bool, len(bills))
	dated := make([]row, 0, len(bills))
	var undated []row
	for i := range bills {
		b := &bills[i]
		if seen[*b] {
			q.Duplicates++
			continue
		}
		seen[*b] = true
		if d, ok := parseDate(b.PayArriveDate); ok {
			dated = append(dated, row{bill: b, date: d, dated: true})
		} else {
			undated = append(undated, row{bill: b})
			q.Undated++
		}
	}
	ascending, descending := true, true
	for i := 1; i < len(dated); i++ {
		k, prev := dated[i].date.key(), dated[i-1].date.key()
		ascending = ascending && k >= prev
		descending = descending && k <= prev
	}
	q.Unsorted = !ascending && !descending
	if descending && !ascending {
		for i, j := 0, len(dated)-1; i < j; i, j = i+1, j-1 {
			dated[i], dated[j] = dated[j], dated[i]
		}
	}
	sort.SliceStable(dated, func(i, j int) bool { return dated[i].date.key() < dated[j].date.key() })
	return append(dated, undated...)
}

// checkBalance checks cur's balance against prev's when both carry one.
func (st *statement) checkBalance(prev, cur *tcredit.BillInfo) {
	if prev.Balance == 0 || cur.Balance == 0 {
		return
	}
	st.quality.BalanceChecked++
	if prev.Balance+cur.InAmount-cur.OutAmount != cur.Balance {
		st.quality.BalanceMismatches++
	}
}

// contribution records a contribution row.
func (st *statement) contribution(b *tcredit.BillInfo) {
	st.total += b.InAmount
	m, ok := paidMonth(b)
	if !ok {
		st.quality.UnknownMonth++
		return
	}
	p := st.months[m]
	if p == nil {
		p = &paid{}
		st.months[m] = p
	}
	p.amount += b.InAmount
	if b.PayBase != 0 {
		p.base = b.PayBase
	}
	name := strings.TrimSpace(b.CompanyName)
	if name == "" {
		return
	}
	p.company = name
	e := st.employer[name]
	switch {
	case e == nil:
		st.employer[name] = &Employer{Name: name, First: m, Last: m}
	case m.Before(e.First):
		e.First = m
	case m.After(e.Last):
		e.Last = m
	}
}

// sortedMonths returns the contributed months in ascending order.
func (st *statement) sortedMonths() []Month {
	ms := make([]Month, 0, len(st.months))
	for m := range st.months {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Before(ms[j]) })
	return ms
}

// latest returns the latest contributed month, or the zero Month.
func (st *statement) latest() Month {
	var latest Month
	for m := range st.months {
		if m.After(latest) {
			latest = m
		}
	}
	return latest
}

// company returns the company of month m, or "".
func (st *statement) company(m Month) string {
	if p := st.months[m]; p != nil {
		return p.company
	}
	return ""
}

// paidBetween counts the contributed months from first to last, both included.
func (st *statement) paidBetween(first, last Month) int {
	n := 0
	for m := range st.months {
		if !m.Before(first) && !m.After(last) {
			n++
		}
	}
	return n
}

// firstBase returns the payBase of the earliest contributed month from first to last
// that has one, or 0.
func (st *statement) firstBase(first, last Month) tcredit.Amount {
	for m := first; !m.After(last); m = m.Add(1) {
		if p := st.months[m]; p != nil && p.base != 0 {
			return p.base
		}
	}
	return 0
}

// employers returns the employers by first month, then by name.
func (st *statement) employers() []Employer {
	if len(st.employer) == 0 {
		return nil
	}
	out := make([]Employer, 0, len(st.employer))
	for _, e := range st.employer {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].First != out[j].First {
			return out[i].First.Before(out[j].First)
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// employerChanges counts the contributed months from first to last whose company
// differs from that of the previous contributed month that names one.
func (st *statement) employerChanges(first, last Month) int {
	n := 0
	prev := ""
	for _, m := range st.sortedMonths() {
		c := st.months[m].company
		if c == "" {
			continue
		}
		if prev != "" && c != prev && !m.Before(first) && !m.After(last) {
			n++
		}
		prev = c
	}
	return n
}
