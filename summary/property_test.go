package summary_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/internal/fakefund"
	"github.com/tcredit-go/tcredit/summary"
)

var cst = time.FixedZone("CST", 8*3600)

// decode writes r as getFundB data with code and fail around its members, and reads it
// back as a client does.
func decode(t *testing.T, r *fakefund.Report, o fakefund.JSONOptions, code int, fail ...string) *tcredit.FundResult {
	t.Helper()
	data := []byte(`{"code":` + strconv.Itoa(code) + `,`)
	if len(fail) > 0 {
		data = append(data, `"fail":["`+strings.Join(fail, `","`)+`"],`...)
	}
	data = append(r.AppendJSON(data, o), '}')
	var res tcredit.FundResult
	require.NoError(t, json.Unmarshal(data, &res))
	return &res
}

// paidIn counts the months of paid from first to last, both included.
func paidIn(paid []fakefund.Month, first, last fakefund.Month) int {
	n := 0
	for _, m := range paid {
		if !m.Before(first) && !last.Before(m) {
			n++
		}
	}
	return n
}

// month converts a generator's month.
func month(m fakefund.Month) summary.Month { return summary.Month{Year: m.Year, Month: m.Month} }

// TestOfAgreesWithGenerator summarises generated reports of many shapes, written plain
// and with the type variance of real servers, oldest or newest first, and checks the
// summary against what the generator says it produced.
func TestOfAgreesWithGenerator(t *testing.T) {
	for seed := int64(0); seed < 240; seed++ {
		p := fakefund.Profile{
			Seed:    seed,
			Months:  1 + int(seed*7%72),
			End:     fakefund.Month{Year: 2005 + int(seed%13), Month: 1 + int(seed*5%12)},
			Loans:   int(seed % 4),
			NoLoans: seed%4 == 0,
		}
		r := fakefund.Generate(p)
		o := fakefund.JSONOptions{Variance: seed%2 == 1, Shuffle: seed%3 == 0}
		res := decode(t, r, o, 40001)
		end := p.End
		next := end.Add(1) // asOf's month: the statement ends the month before it
		s := summary.Of(res, time.Date(next.Year, time.Month(next.Month), 3, 9, 0, 0, 0, cst))
		tr := r.Truth
		name := "seed " + strconv.FormatInt(seed, 10)

		c := s.Contributions
		assert.Equal(t, month(tr.Latest), c.Latest, name)
		assert.Equal(t, tr.Consecutive, c.Consecutive, name)
		assert.Equal(t, len(tr.ContributedMonths), c.Months, name)
		assert.Equal(t, paidIn(tr.ContributedMonths, end.Add(-5), end), c.Last6, name)
		assert.Equal(t, paidIn(tr.ContributedMonths, end.Add(-11), end), c.Last12, name)
		assert.Equal(t, paidIn(tr.ContributedMonths, end.Add(-23), end), c.Last24, name)
		assert.Equal(t, 1, c.MonthsSinceLast, name)
		assert.Equal(t, tcredit.Amount(tr.TotalContributions), c.Total, name)
		assert.Equal(t, tcredit.Amount(tr.Base), c.Base, name)
		assert.Equal(t, tcredit.Amount(tr.MonthlyTotal), c.MonthlyTotal, name)

		assert.Equal(t, summary.StatusActive, s.Account.Status, name)
		assert.Equal(t, tcredit.Amount(tr.FinalBalance), s.Account.Balance, name)
		assert.Equal(t, month(end.Add(1-p.Months)), s.Account.Opened, name)

		var employers []summary.Employer
		changes := 0
		for i, e := range tr.Employers {
			employers = append(employers, summary.Employer{Name: e.Name, First: month(e.First), Last: month(e.Last)})
			if i > 0 && !e.First.Before(end.Add(-23)) {
				changes++
			}
		}
		assert.Equal(t, employers, s.Employers, name)
		assert.Equal(t, tr.Employers[len(tr.Employers)-1].Name, s.CurrentEmployer, name)
		assert.Equal(t, changes, s.EmployerChanges, name)

		if p.Months <= 12 { // every withdrawal is in the 12 months before asOf
			assert.Equal(t, tr.Withdrawals, s.Withdrawals.Count, name)
			assert.Equal(t, tcredit.Amount(tr.WithdrawalTotal), s.Withdrawals.Total, name)
		}
		assert.Equal(t, tr.Withdrawals > 0, !s.Withdrawals.Latest.IsZero(), name)

		assert.Equal(t, len(r.Loans), s.Loans.Count, name)
		assert.Equal(t, tcredit.Amount(tr.LoansOutstanding), s.Loans.Outstanding, name)
		assert.Equal(t, tr.OverduePeriods, s.Loans.OverdueHistoryPeriods, name)

		q := s.Quality
		assert.Equal(t, summary.Quality{
			Code:           tcredit.CodeDone,
			Rows:           len(r.Bills),
			BalanceChecked: len(r.Bills) - 1, // every row carries its balance, and it adds up
		}, q, name)
	}
}

// TestOfPartialGenerated summarises generated reports with sections left out, as a
// 40002 report does.
func TestOfPartialGenerated(t *testing.T) {
	for seed := int64(0); seed < 20; seed++ {
		r := fakefund.Generate(fakefund.Profile{Seed: seed})
		for _, omit := range [][]string{
			{fakefund.SectionLoans},
			{fakefund.SectionBills},
			{fakefund.SectionBase, fakefund.SectionBills},
		} {
			o := fakefund.JSONOptions{Variance: seed%2 == 0, Omit: omit}
			res := decode(t, r, o, 40002, omit...)
			s := summary.Of(res, time.Date(2017, 8, 3, 0, 0, 0, 0, cst))
			assert.Equal(t, omit, s.Quality.Missing)
			assert.True(t, s.Quality.Partial)
			assert.Equal(t, tcredit.CodeDonePartial, s.Quality.Code)
			if omit[0] == fakefund.SectionLoans {
				assert.Zero(t, s.Loans)
				assert.Equal(t, month(r.Truth.Latest), s.Contributions.Latest)
			} else {
				assert.True(t, s.Contributions.Latest.IsZero())
				assert.Equal(t, tcredit.Amount(r.Truth.LoansOutstanding), s.Loans.Outstanding)
			}
		}
	}
}
