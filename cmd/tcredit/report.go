package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/internal/mask"
	"github.com/tcredit-go/tcredit/summary"
)

// chinaTime is the time of the fund centres (Asia/Shanghai, which keeps no summer
// time), fixed so that no time zone database is needed.
var chinaTime = time.FixedZone("CST", 8*60*60)

// get shows a task's current state, or its result once it is done.
func (c *cli) get(ctx context.Context, tid string) error {
	res, err := c.client.GetFund(ctx, tid)
	if err = c.knownTask(tid, err); res == nil || isUsage(err) {
		return err
	}
	if c.opts.json {
		if werr := writeJSON(c.stdout, res); werr != nil {
			return werr
		}
		return err
	}
	if err != nil {
		return err
	}
	if res.Code.Done() {
		return c.printSummary(res)
	}
	return c.printState(res)
}

// code submits the code a person gave to the task tid, waiting for it, then follows
// the task as query does: the status line, another code if one is asked, the result.
// Without a code ("") it asks for the first one as for every other.
func (c *cli) code(ctx context.Context, tid, code string) error {
	res, err := c.client.GetFund(ctx, tid)
	if err = c.knownTask(tid, err); err != nil {
		if isUsage(err) {
			return err
		}
		return c.finish(res, err, nil)
	}
	if !res.Code.NeedsSMS() && !res.Code.NeedsCaptcha() {
		return fmt.Errorf("task %s waits for no code: it is %d %s (see 'tcredit get %s')", tid, int(res.Code), res.Code, tid)
	}
	status := newStatusLine(c.stderr, c.env.terminal, c.env.now)
	defer status.end()
	ask, given := c.codeProvider(status), false
	first := func(ctx context.Context, ch tcredit.Challenge) (string, error) {
		if given || code == "" {
			return ask(ctx, ch)
		}
		given = true
		fmt.Fprintf(c.stderr, "task %s: code submitted\n", printable(tid))
		return code, nil
	}
	status.begin()
	res, err = c.client.Wait(ctx, tid, c.followOptions(status, first)...)
	status.end()
	return c.finish(res, err, nil)
}

// printState prints the state of a task that is not done: what it waits for, with
// the captcha image saved.
func (c *cli) printState(res *tcredit.FundResult) error {
	w := c.stdout
	fmt.Fprintf(w, "task %s: %d %s\n", printable(res.TID), int(res.Code), res.Code)
	switch {
	case res.Code.NeedsSMS():
		fmt.Fprintln(w, "it waits for the SMS code sent to the person's phone: send it with 'tcredit code "+printable(res.TID)+"'")
	case res.Code.NeedsCaptcha():
		fmt.Fprintln(w, "it waits for the text of a captcha image: send it with 'tcredit code "+printable(res.TID)+"'")
		if len(res.Image) > 0 {
			path, err := c.saveCaptcha(tcredit.Challenge{TID: res.TID, Code: res.Code, Image: res.Image})
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "captcha image saved to %s\n", printable(path))
		}
	case res.Code.InProgress():
		fmt.Fprintln(w, "it is running")
	}
	return nil
}

// knownTask turns the answer of getFundB for a tid that the appId has no task of (-2
// 参数错误, -9 权限认证失败: its only parameter is the tid) into an unknownTaskError.
func (c *cli) knownTask(tid string, err error) error {
	var te *tcredit.TaskError
	if !errors.As(err, &te) || (te.Code != tcredit.CodeInvalidParams && te.Code != tcredit.CodeAuthFailed) {
		return err
	}
	return &unknownTaskError{tid: tid, err: te}
}

// unknownTaskError is getFundB's answer for a tid that the appId has no task of: a
// mistake in the command line (exit 2), not a failed task. Its text is the
// TaskError's; advice says what it means.
type unknownTaskError struct {
	tid string
	err *tcredit.TaskError
}

func (e *unknownTaskError) Error() string { return e.err.Error() }

func (e *unknownTaskError) Unwrap() error { return e.err }

// isUsage reports whether err is a mistake in the command line.
func isUsage(err error) bool {
	var (
		usage   *usageError
		unknown *unknownTaskError
	)
	return errors.As(err, &usage) || errors.As(err, &unknown)
}

// printSummary prints the underwriting summary of a finished task as a table, with
// names and ID card numbers masked.
func (c *cli) printSummary(res *tcredit.FundResult) error {
	asOf := c.env.now().In(chinaTime)
	s := summary.Of(res, asOf)
	rows := [][]string{
		{"Task", fmt.Sprintf("%s  %d %s", res.TID, int(res.Code), res.Code)},
		{"As of", asOf.Format("2006-01-02")},
	}
	if b := res.BaseInfo; b != nil {
		rows = append(rows, []string{"Holder", joinNonEmpty("  ", mask.Name(b.EmployeeName), mask.IDCard(b.IDCard))})
	}
	rows = append(rows, accountRows(s.Account)...)
	rows = append(rows, contributionRows(s.Contributions)...)
	rows = append(rows, employerRows(s)...)
	rows = append(rows, withdrawalRows(s.Withdrawals)...)
	rows = append(rows, loanRows(s.Loans)...)
	rows = append(rows, []string{"Data", quality(s.Quality)})
	return writeTable(c.stdout, rows)
}

func accountRows(a summary.Account) [][]string {
	status := a.Status.String()
	if a.StatusText != "" {
		status += " (" + a.StatusText + ")"
	}
	opened := "unknown"
	if !a.Opened.IsZero() {
		opened = a.Opened.String() + ", " + monthsAgo(a.MonthsOpen)
	}
	return [][]string{
		{"Account", status},
		{"Balance", yuan(a.Balance)},
		{"Opened", opened},
	}
}

func contributionRows(c summary.Contributions) [][]string {
	if c.Latest.IsZero() {
		return [][]string{{"Contributions", "none"}}
	}
	monthly := yuan(c.MonthlyTotal)
	if c.MonthlyPersonal != 0 || c.MonthlyCompany != 0 {
		monthly += fmt.Sprintf(" (personal %s + company %s)", yuan(c.MonthlyPersonal), yuan(c.MonthlyCompany))
	}
	if c.RatioPersonal != 0 || c.RatioCompany != 0 {
		monthly += fmt.Sprintf(", rates %s%% + %s%%", percent(c.RatioPersonal), percent(c.RatioCompany))
	}
	base := yuan(c.Base)
	if c.Base24 != 0 {
		base += fmt.Sprintf(", %s 24 months ago (%+.1f%%)", yuan(c.Base24), c.BaseTrend)
	}
	return [][]string{
		{"Contributions", fmt.Sprintf("latest %s (%s), %s in a row", c.Latest, monthsAgo(c.MonthsSinceLast), plural(c.Consecutive, "month"))},
		{"Paid months", fmt.Sprintf("%d of the last 6, %d of 12, %d of 24; %d in all, %s", c.Last6, c.Last12, c.Last24, c.Months, yuan(c.Total))},
		{"Monthly", monthly},
		{"Base", base},
	}
}

func employerRows(s summary.Summary) [][]string {
	current := s.CurrentEmployer
	if current == "" {
		current = "unknown"
	}
	rows := [][]string{{"Employer", fmt.Sprintf("%s; %s in 24 months", current, plural(s.EmployerChanges, "change"))}}
	if len(s.Employers) > 1 {
		for _, e := range s.Employers {
			rows = append(rows, []string{"", fmt.Sprintf("%s  %s to %s", e.Name, e.First, e.Last)})
		}
	}
	return rows
}

func withdrawalRows(w summary.Withdrawals) [][]string {
	text := fmt.Sprintf("%d in the last 12 months, %s", w.Count, yuan(w.Total))
	if !w.Latest.IsZero() {
		text += "; latest " + w.Latest.String()
	}
	return [][]string{{"Withdrawals", text}}
}

func loanRows(l summary.Loans) [][]string {
	if l.Count == 0 {
		return [][]string{{"Loans", "none"}}
	}
	return [][]string{
		{"Loans", fmt.Sprintf("%d (%d settled), outstanding %s, monthly %s", l.Count, l.Settled, yuan(l.Outstanding), yuan(l.MonthlyPayment))},
		{"Overdue now", fmt.Sprintf("%s, %s", plural(l.CurrentOverduePeriods, "period"), yuan(l.CurrentOverdueAmount))},
		{"Overdue ever", fmt.Sprintf("%s, %s; longest run %s", plural(l.OverdueHistoryPeriods, "period"), yuan(l.OverdueHistoryAmount), plural(l.LongestOverdueRun, "month"))},
	}
}

// quality sums up what the report lacks or gets wrong, or says it is complete.
func quality(q summary.Quality) string {
	var notes []string
	if len(q.Missing) > 0 {
		notes = append(notes, "missing "+strings.Join(q.Missing, ", "))
	} else if q.Partial {
		notes = append(notes, "partial")
	}
	if q.Duplicates > 0 {
		notes = append(notes, plural(q.Duplicates, "duplicate row"))
	}
	if q.UnknownMonth > 0 {
		notes = append(notes, plural(q.UnknownMonth, "contribution")+" of unknown month")
	}
	if q.Undated > 0 {
		notes = append(notes, plural(q.Undated, "undated row"))
	}
	if q.Unsorted {
		notes = append(notes, "rows out of order")
	}
	if q.BalanceMismatches > 0 {
		notes = append(notes, fmt.Sprintf("%d of %d running balances do not add up", q.BalanceMismatches, q.BalanceChecked))
	}
	if len(notes) == 0 {
		return "complete, " + plural(q.Rows, "statement row")
	}
	return strings.Join(notes, "; ")
}

func yuan(a tcredit.Amount) string { return "¥" + a.Grouped() }

func percent(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func monthsAgo(n int) string {
	switch {
	case n < 0:
		return "after the as-of month"
	case n == 0:
		return "this month"
	}
	return plural(n, "month") + " ago"
}

// plural writes n and the noun, with an "s" unless n is 1: "1 month", "3 months".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}
