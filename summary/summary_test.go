package summary

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
)

// cst is China's time, in which fund centres count months.
var cst = time.FixedZone("CST", 8*3600)

// asOf is the decision day of most tests: its month is 2017-08, so the 12 months
// before it are 2016-08 to 2017-07.
var asOf = time.Date(2017, 8, 5, 10, 0, 0, 0, cst)

const yuan = tcredit.Amount(100)

// deposit returns the regular contribution row of month ("2017-07"), arriving on arrive.
func deposit(arrive, month, company string, in, base, balance tcredit.Amount) tcredit.BillInfo {
	return tcredit.BillInfo{
		Note:          "汇缴" + strings.ReplaceAll(month, "-", "") + "公积金(个人单位)",
		PayMonth:      month,
		PayArriveDate: arrive,
		InAmount:      in,
		PayBase:       base,
		CompanyName:   company,
		Balance:       balance,
	}
}

// active returns base info of an active account.
func active() *tcredit.BaseInfo {
	return &tcredit.BaseInfo{
		HouseFundStatus:        "NORMAL",
		HouseFundBalance:       7050 * yuan,
		OpenAccountDate:        "2016-12-15",
		CompanyName:            "湖南医药",
		MonthPayAmount:         1000 * yuan,
		PersonalMonthPayAmount: 500 * yuan,
		CompanyMonthPayAmount:  500 * yuan,
		MonthPayBaseAmount:     5500 * yuan,
		DepositRatioPersonal:   "10.00",
		DepositRatioCompany:    "10%",
	}
}

// history is seven months, 2017-01 to 2017-07, with 2017-03 paid late on 2017-05-10,
// the June interest and a base that rose in July; oldest first.
func history() []tcredit.BillInfo {
	const c = "湖南医药"
	return []tcredit.BillInfo{
		deposit("2017-01-20", "2017-01", c, 1000*yuan, 5000*yuan, 1000*yuan),
		deposit("2017-02-20", "2017-02", c, 1000*yuan, 5000*yuan, 2000*yuan),
		deposit("2017-04-20", "2017-04", c, 1000*yuan, 5000*yuan, 3000*yuan),
		{Note: "补缴201703公积金", PayMonth: "2017-03", PayArriveDate: "2017-05-10", InAmount: 1000 * yuan,
			PayBase: 5000 * yuan, CompanyName: c, Balance: 4000 * yuan},
		deposit("2017-05-20", "2017-05", c, 1000*yuan, 5000*yuan, 5000*yuan),
		deposit("2017-06-20", "2017-06", c, 1000*yuan, 5000*yuan, 6000*yuan),
		{Note: "年度结息", PayArriveDate: "2017-06-30", InAmount: 50 * yuan, Balance: 6050 * yuan},
		deposit("2017-07-20", "2017-07", c, 1000*yuan, 5500*yuan, 7050*yuan),
	}
}

// historySummary is the summary of history as of asOf, written out by hand.
func historySummary() Summary {
	return Summary{
		AsOf: Month{2017, 8},
		Account: Account{
			Status:     StatusActive,
			StatusText: "NORMAL",
			Balance:    7050 * yuan,
			Opened:     Month{2016, 12},
			MonthsOpen: 8,
		},
		Contributions: Contributions{
			Latest:          Month{2017, 7},
			Consecutive:     7, // 2017-03 was paid late, but paid
			Last6:           6, // 2017-02 to 2017-07
			Last12:          7,
			Last24:          7,
			MonthsSinceLast: 1,
			Months:          7,
			Total:           7000 * yuan, // the interest is not a contribution
			MonthlyTotal:    1000 * yuan,
			MonthlyPersonal: 500 * yuan,
			MonthlyCompany:  500 * yuan,
			RatioPersonal:   10,
			RatioCompany:    10,
			Base:            5500 * yuan,
			Base24:          5000 * yuan,
			BaseTrend:       10,
		},
		Employers:       []Employer{{Name: "湖南医药", First: Month{2017, 1}, Last: Month{2017, 7}}},
		CurrentEmployer: "湖南医药",
		Quality: Quality{
			Code:           tcredit.CodeDone,
			Rows:           8,
			BalanceChecked: 7,
		},
	}
}

func TestOfHistory(t *testing.T) {
	res := &tcredit.FundResult{Code: tcredit.CodeDone, BaseInfo: active(), BillInfos: history()}
	assert.Equal(t, historySummary(), Of(res, asOf))
}

func TestOfDoesNotModifyTheReport(t *testing.T) {
	bills := history()
	bills[0], bills[5] = bills[5], bills[0]
	res := &tcredit.FundResult{Code: tcredit.CodeDone, BaseInfo: active(), BillInfos: bills}
	before := append([]tcredit.BillInfo(nil), bills...)
	Of(res, asOf)
	assert.Equal(t, before, res.BillInfos)
}

func TestOfNewestFirst(t *testing.T) {
	bills := history()
	for i, j := 0, len(bills)-1; i < j; i, j = i+1, j-1 {
		bills[i], bills[j] = bills[j], bills[i]
	}
	res := &tcredit.FundResult{Code: tcredit.CodeDone, BaseInfo: active(), BillInfos: bills}
	// Newest first is an order, as the API document's own example shows: not unsorted.
	assert.Equal(t, historySummary(), Of(res, asOf))
}

func TestOfUnsortedRows(t *testing.T) {
	h := history()
	bills := []tcredit.BillInfo{h[4], h[0], h[7], h[2], h[6], h[1], h[5], h[3]}
	res := &tcredit.FundResult{Code: tcredit.CodeDone, BaseInfo: active(), BillInfos: bills}
	want := historySummary()
	want.Quality.Unsorted = true // and yet the running balance adds up once sorted
	assert.Equal(t, want, Of(res, asOf))
}

func TestOfDuplicates(t *testing.T) {
	h := history()
	// The crawl repeated the July row; and 2017-06 was paid twice: the regular row and a
	// top-up (补缴) for the same month.
	topUp := tcredit.BillInfo{Note: "补缴201706公积金", PayMonth: "2017-06", PayArriveDate: "2017-07-25",
		InAmount: 100 * yuan, CompanyName: "湖南医药", Balance: 7150 * yuan}
	bills := append(h, h[7], topUp)
	base := active()
	base.HouseFundBalance = 7150 * yuan
	res := &tcredit.FundResult{Code: tcredit.CodeDone, BaseInfo: base, BillInfos: bills}

	want := historySummary()
	want.Account.Balance = 7150 * yuan
	want.Contributions.Total = 7100 * yuan // the top-up counts as money, the repeated row does not
	want.Quality.Rows = 10
	want.Quality.Duplicates = 1
	want.Quality.BalanceChecked = 8
	assert.Equal(t, want, Of(res, asOf)) // Months stays 7: a month paid twice counts once
}

func TestOfGaps(t *testing.T) {
	const c = "湖南医药"
	bills := []tcredit.BillInfo{
		deposit("2016-09-20", "2016-09", c, 800*yuan, 4000*yuan, 0),
		deposit("2016-10-20", "2016-10", c, 800*yuan, 4000*yuan, 0),
		// 2016-11 never paid
		deposit("2016-12-20", "2016-12", c, 800*yuan, 4000*yuan, 0),
		deposit("2017-01-20", "2017-01", c, 800*yuan, 4000*yuan, 0),
		deposit("2017-02-20", "2017-02", c, 800*yuan, 4000*yuan, 0),
		// 2017-03 never paid
		deposit("2017-04-20", "2017-04", c, 800*yuan, 4000*yuan, 0),
		deposit("2017-05-20", "2017-05", c, 800*yuan, 4200*yuan, 0),
		// 2017-06 and 2017-07 not paid yet
	}
	res := &tcredit.FundResult{Code: tcredit.CodeDone, BaseInfo: &tcredit.BaseInfo{HouseFundStatus: "正常"}, BillInfos: bills}
	want := Summary{
		AsOf:    Month{2017, 8},
		Account: Account{Status: StatusActive, StatusText: "正常"},
		Contributions: Contributions{
			Latest:          Month{2017, 5},
			Consecutive:     2, // 2017-04 and 2017-05
			Last6:           3, // of 2017-02 to 2017-07
			Last12:          7,
			Last24:          7,
			MonthsSinceLast: 3,
			Months:          7,
			Total:           5600 * yuan,
			MonthlyTotal:    800 * yuan, // baseInfo gives none: the latest month's rows
			Base:            4200 * yuan,
			Base24:          4000 * yuan,
			BaseTrend:       5,
		},
		Employers:       []Employer{{Name: c, First: Month{2016, 9}, Last: Month{2017, 5}}},
		CurrentEmployer: c,
		Quality:         Quality{Code: tcredit.CodeDone, Rows: 7}, // no balances: nothing checked
	}
	assert.Equal(t, want, Of(res, asOf))
}

func TestOfYearWrap(t *testing.T) {
	const c = "实验中学"
	bills := []tcredit.BillInfo{
		deposit("2016-11-10", "2016-11", c, 600*yuan, 3000*yuan, 600*yuan),
		deposit("2016-12-10", "2016-12", c, 600*yuan, 3000*yuan, 1200*yuan),
		deposit("2017-01-10", "2017-01", c, 600*yuan, 3000*yuan, 1800*yuan),
		deposit("2017-02-10", "2017-02", c, 600*yuan, 3000*yuan, 2400*yuan),
	}
	res := &tcredit.FundResult{Code: tcredit.CodeDone, BillInfos: bills, BaseInfo: &tcredit.BaseInfo{}}
	s := Of(res, time.Date(2017, 3, 1, 0, 0, 0, 0, cst))
	want := Contributions{
		Latest:          Month{2017, 2},
		Consecutive:     4,
		Last6:           4,
		Last12:          4,
		Last24:          4,
		MonthsSinceLast: 1,
		Months:          4,
		Total:           2400 * yuan,
		MonthlyTotal:    600 * yuan,
		Base:            3000 * yuan,
		Base24:          3000 * yuan,
	}
	assert.Equal(t, want, s.Contributions)
	assert.Equal(t, Month{2017, 3}, s.AsOf)
	assert.Equal(t, 2400*yuan, s.Account.Balance, "no houseFundBalance: the latest row's balance")
	assert.Equal(t, 3, s.Quality.BalanceChecked)
	assert.Zero(t, s.Quality.BalanceMismatches)
}

func TestOfWindowBoundaries(t *testing.T) {
	// One contribution on each side of every boundary, for asOf in 2017-08.
	const c = "华信科技有限公司"
	var bills []tcredit.BillInfo
	for _, m := range []string{
		"2015-07", // the 25th month before: outside Last24
		"2015-08", // the 24th: inside Last24
		"2016-07", // the 13th: outside Last12
		"2016-08", // the 12th: inside Last12
		"2017-01", // the 7th: outside Last6
		"2017-02", // the 6th: inside Last6
		"2017-07", // the month before asOf's
		"2017-08", // asOf's own month: in no window
	} {
		bills = append(bills, deposit(m+"-15", m, c, 700*yuan, 0, 0))
	}
	res := &tcredit.FundResult{Code: tcredit.CodeDone, BillInfos: bills}
	for _, at := range []time.Time{
		time.Date(2017, 8, 1, 0, 0, 0, 0, cst),
		time.Date(2017, 8, 31, 23, 59, 59, 0, cst),
		time.Date(2017, 7, 31, 16, 0, 0, 0, time.UTC).In(cst), // 2017-08-01 00:00 in China
	} {
		t.Run(at.Format(time.RFC3339), func(t *testing.T) {
			c := Of(res, at).Contributions
			assert.Equal(t, 2, c.Last6, "%v", at)
			assert.Equal(t, 4, c.Last12, "%v", at)
			assert.Equal(t, 6, c.Last24, "%v", at)
			assert.Equal(t, Month{2017, 8}, c.Latest)
			assert.Equal(t, 0, c.MonthsSinceLast, "asOf's own month was paid")
			assert.Equal(t, 2, c.Consecutive)
			assert.Equal(t, 8, c.Months)
		})
	}
	// A minute earlier in China it is still July: the windows move back a month.
	c2 := Of(res, time.Date(2017, 7, 31, 23, 59, 0, 0, cst)).Contributions
	assert.Equal(t, 2, c2.Last6, "2017-01 comes in, 2017-07 drops out: it is asOf's month now")
	assert.Equal(t, 4, c2.Last12, "2016-08 drops out, 2016-07 comes in")
	assert.Equal(t, 6, c2.Last24, "2015-07 comes in, 2017-07 drops out")
	assert.Equal(t, -1, c2.MonthsSinceLast, "2017-08 is after asOf's month")
}

func TestOfMonthFromNote(t *testing.T) {
	const c = "长青食品有限公司"
	bills := []tcredit.BillInfo{
		{Note: "汇缴201705公积金", PayArriveDate: "2017-05-20", InAmount: 900 * yuan, CompanyName: c},
		{Note: "补缴2017年6月", PayArriveDate: "2017-07-02", InAmount: 900 * yuan, CompanyName: c},
		// payMonth wins over the note
		{Note: "汇缴201601", PayMonth: "2017年07月", PayArriveDate: "2017-07-20", InAmount: 900 * yuan, CompanyName: c},
		// an unreadable payMonth falls back to the note
		{Note: "汇缴2017-04 公积金", PayMonth: "四月", PayArriveDate: "2017-04-20", InAmount: 900 * yuan, CompanyName: c},
	}
	res := &tcredit.FundResult{Code: tcredit.CodeDone, BillInfos: bills}
	s := Of(res, asOf)
	assert.Equal(t, Month{2017, 7}, s.Contributions.Latest)
	assert.Equal(t, 4, s.Contributions.Consecutive)
	assert.Equal(t, 4, s.Contributions.Months)
	assert.Zero(t, s.Quality.UnknownMonth)
	assert.Equal(t, []Employer{{Name: c, First: Month{2017, 4}, Last: Month{2017, 7}}}, s.Employers)
}

func TestNoteMonth(t *testing.T) {
	for _, tt := range []struct {
		note string
		want Month // zero: the note names no month, or several
	}{
		{"汇缴201707公积金(个人单位)", Month{2017, 7}},
		{"汇缴20170701", Month{2017, 7}},
		{"补缴20170701-20170731", Month{2017, 7}},
		{"补缴2016年3月", Month{2016, 3}},
		{"2017年7月", Month{2017, 7}},
		{"汇缴2017-04 公积金", Month{2017, 4}},
		{"汇缴2017/4", Month{2017, 4}},
		{"2017.7月", Month{2017, 7}},
		{"汇缴2017.07.27", Month{2017, 7}},
		// amounts are no months
		{"补缴 基数2000.10", Month{}},
		{"补缴 基数2000.10元", Month{}},
		{"汇缴201707 金额1999.12元", Month{2017, 7}},
		{"汇缴2017.07 金额1999.12", Month{}},
		{"补缴 金额201707.50", Month{}},
		{"补缴 金额201707元", Month{}},
		// no month, or several
		{"汇缴公积金", Month{}},
		{"补缴201601-201603", Month{}},
		{"汇缴2017.7月 补缴2017.6月", Month{}},
		{"汇缴201713", Month{}},
		{"汇缴2017071", Month{}},
	} {
		t.Run(tt.note, func(t *testing.T) {
			m, ok := noteMonth(tt.note)
			assert.Equal(t, tt.want, m, "%q", tt.note)
			assert.Equal(t, !tt.want.IsZero(), ok, "%q", tt.note)
		})
	}
}

func TestOfAmountInNote(t *testing.T) {
	const c = "长青食品有限公司"
	bills := []tcredit.BillInfo{
		{Note: "汇缴201707 金额1999.12元", PayArriveDate: "2017-07-20", InAmount: 1999*yuan + 12, CompanyName: c},
		{Note: "补缴 基数2000.10", PayArriveDate: "2017-07-21", InAmount: 240 * yuan, CompanyName: c},
	}
	s := Of(&tcredit.FundResult{Code: tcredit.CodeDone, BillInfos: bills}, asOf)
	assert.Equal(t, Month{2017, 7}, s.Contributions.Latest, "1999.12 is an amount, not December 1999")
	assert.Equal(t, 1, s.Contributions.Months)
	assert.Equal(t, 1, s.Quality.UnknownMonth, "2000.10 is a base, not October 2000")
	assert.Equal(t, []Employer{{Name: c, First: Month{2017, 7}, Last: Month{2017, 7}}}, s.Employers)
}

func TestOfUnknownMonth(t *testing.T) {
	const c = "长青食品有限公司"
	bills := []tcredit.BillInfo{
		deposit("2017-06-20", "2017-06", c, 900*yuan, 0, 0),
		// no payMonth and a note naming no month: never guessed from the arrival date
		{Note: "汇缴公积金", PayArriveDate: "2017-07-20", InAmount: 900 * yuan, CompanyName: c},
		// a note naming several months
		{Note: "补缴201601-201603", PayArriveDate: "2017-07-21", InAmount: 2700 * yuan, CompanyName: c},
		// an unreadable payMonth and no month in the note
		{Note: "缴存", PayMonth: "七月", PayArriveDate: "2017-07-22", InAmount: 900 * yuan, CompanyName: c},
	}
	res := &tcredit.FundResult{Code: tcredit.CodeDone, BillInfos: bills}
	s := Of(res, asOf)
	assert.Equal(t, Month{2017, 6}, s.Contributions.Latest, "2017-07 is not guessed from the arrival date")
	assert.Equal(t, 1, s.Contributions.Months)
	assert.Equal(t, 5400*yuan, s.Contributions.Total, "the money of rows of unknown month still counts")
	assert.Equal(t, 3, s.Quality.UnknownMonth)
	assert.Equal(t, []Employer{{Name: c, First: Month{2017, 6}, Last: Month{2017, 6}}}, s.Employers)
}

func TestOfRowsThatAreNotContributions(t *testing.T) {
	const c = "城市燃气有限公司"
	bills := []tcredit.BillInfo{
		deposit("2017-05-20", "2017-05", c, 900*yuan, 0, 10900*yuan),
		{Note: "年度结息", PayMonth: "2017-06", PayArriveDate: "2017-06-30", InAmount: 150 * yuan, Balance: 11050 * yuan},
		{Note: "公积金利息", PayArriveDate: "2017-06-30", InAmount: 1 * yuan, Balance: 11051 * yuan},
		{Note: "异地转入公积金", PayMonth: "2017-06", PayArriveDate: "2017-07-01", InAmount: 5000 * yuan, Balance: 16051 * yuan},
		{Note: "公积金转出", PayArriveDate: "2017-07-02", OutAmount: 1000 * yuan, Balance: 15051 * yuan},
		{Note: "提取公积金(租房)", PayMonth: "2017-07", PayArriveDate: "2017-07-03", OutAmount: 2000 * yuan, Balance: 13051 * yuan},
		{Note: "支取", PayArriveDate: "2017-07-04", OutAmount: 51 * yuan, Balance: 13000 * yuan},
		{Note: "汇缴201707公积金", PayArriveDate: "2017-07-05", Balance: 13000 * yuan}, // nothing paid in
	}
	res := &tcredit.FundResult{Code: tcredit.CodeDone, BillInfos: bills}
	s := Of(res, asOf)
	assert.Equal(t, Contributions{
		Latest:          Month{2017, 5},
		Consecutive:     1,
		Last6:           1,
		Last12:          1,
		Last24:          1,
		MonthsSinceLast: 3,
		Months:          1,
		Total:           900 * yuan,
		MonthlyTotal:    900 * yuan,
	}, s.Contributions)
	assert.Equal(t, Withdrawals{Count: 2, Total: 2051 * yuan, Latest: Month{2017, 7}}, s.Withdrawals)
	assert.Equal(t, 13000*yuan, s.Account.Balance)
	assert.Equal(t, 7, s.Quality.BalanceChecked)
	assert.Zero(t, s.Quality.BalanceMismatches)
}

func TestOfWithdrawalWindow(t *testing.T) {
	w := func(date string, out tcredit.Amount) tcredit.BillInfo {
		return tcredit.BillInfo{Note: "租房提取", PayArriveDate: date, OutAmount: out}
	}
	bills := []tcredit.BillInfo{
		w("2016-07-31", 1*yuan),                              // the 13th month before asOf's: outside
		w("2016-08-01", 10*yuan),                             // the 12th: inside
		w("2017-07-31", 100*yuan),                            // the month before: inside
		w("2017-08-02", 1000*yuan),                           // asOf's own month: outside
		{Note: "提取", PayArriveDate: "", OutAmount: 5 * yuan}, // undated: in no window
	}
	s := Of(&tcredit.FundResult{Code: tcredit.CodeDone, BillInfos: bills}, asOf)
	assert.Equal(t, Withdrawals{Count: 2, Total: 110 * yuan, Latest: Month{2017, 8}}, s.Withdrawals)
	assert.Equal(t, 1, s.Quality.Undated)
}

func TestOfEmployerChange(t *testing.T) {
	const a, b = "恒达建设集团有限公司", "远景软件技术有限公司"
	var bills []tcredit.BillInfo
	for m := (Month{2014, 1}); !m.After(Month{2017, 7}); m = m.Add(1) {
		c := a
		switch {
		case m.Before(Month{2015, 1}):
			c = "第一人民医院" // changed to a in 2015-01: before the 24 months
		case !m.Before(Month{2016, 7}):
			c = b // changed to b in 2016-07: within them
		}
		bills = append(bills, deposit(m.String()+"-20", m.String(), c, 1000*yuan, 0, 0))
	}
	// A row naming no company is ignored for employers.
	bills = append(bills, tcredit.BillInfo{Note: "补缴201406", PayArriveDate: "2017-07-25", InAmount: 10 * yuan})
	// Later, back to a, then b again: each change counts; a company is listed once.
	later := append(bills[:len(bills):len(bills)],
		deposit("2017-08-20", "2017-08", a, 1000*yuan, 0, 0), deposit("2017-09-20", "2017-09", b, 1000*yuan, 0, 0))
	base := active()
	base.CompanyName = "baseInfo's stale name"
	for _, tt := range []struct {
		bills   []tcredit.BillInfo
		asOf    time.Time
		lastA   Month // the last month a paid for
		lastB   Month
		changes int
	}{
		{bills, asOf, Month{2016, 6}, Month{2017, 7}, 1},
		{later, time.Date(2017, 10, 1, 0, 0, 0, 0, cst), Month{2017, 8}, Month{2017, 9}, 3},
	} {
		t.Run(tt.asOf.Format("2006-01-02"), func(t *testing.T) {
			s := Of(&tcredit.FundResult{Code: tcredit.CodeDone, BaseInfo: base, BillInfos: tt.bills}, tt.asOf)
			assert.Equal(t, []Employer{
				{Name: "第一人民医院", First: Month{2014, 1}, Last: Month{2014, 12}},
				{Name: a, First: Month{2015, 1}, Last: tt.lastA},
				{Name: b, First: Month{2016, 7}, Last: tt.lastB},
			}, s.Employers)
			assert.Equal(t, b, s.CurrentEmployer)
			assert.Equal(t, tt.changes, s.EmployerChanges)
		})
	}
}

func TestOfCurrentEmployerFromBaseInfo(t *testing.T) {
	bills := []tcredit.BillInfo{{Note: "汇缴201707公积金", PayArriveDate: "2017-07-20", InAmount: 10 * yuan}}
	s := Of(&tcredit.FundResult{Code: tcredit.CodeDone, BaseInfo: active(), BillInfos: bills}, asOf)
	assert.Equal(t, "湖南医药", s.CurrentEmployer)
	assert.Nil(t, s.Employers)
}

func TestOfSealedAccount(t *testing.T) {
	const c = "新世纪百货有限公司"
	var bills []tcredit.BillInfo
	for m := (Month{2016, 1}); !m.After(Month{2016, 12}); m = m.Add(1) {
		bills = append(bills, deposit(m.String()+"-10", m.String(), c, 500*yuan, 2500*yuan, 0))
	}
	base := &tcredit.BaseInfo{HouseFundStatus: "封存", HouseFundBalance: 6000 * yuan, OpenAccountDate: "2016年1月5日"}
	s := Of(&tcredit.FundResult{Code: tcredit.CodeDone, BaseInfo: base, BillInfos: bills}, asOf)
	want := Summary{
		AsOf:    Month{2017, 8},
		Account: Account{Status: StatusSealed, StatusText: "封存", Balance: 6000 * yuan, Opened: Month{2016, 1}, MonthsOpen: 19},
		Contributions: Contributions{
			Latest:          Month{2016, 12},
			Consecutive:     12,
			Last6:           0,
			Last12:          5, // 2016-08 to 2016-12
			Last24:          12,
			MonthsSinceLast: 8,
			Months:          12,
			Total:           6000 * yuan,
			MonthlyTotal:    500 * yuan,
			Base:            2500 * yuan,
			Base24:          2500 * yuan,
		},
		Employers:       []Employer{{Name: c, First: Month{2016, 1}, Last: Month{2016, 12}}},
		CurrentEmployer: c,
		Quality:         Quality{Code: tcredit.CodeDone, Rows: 12},
	}
	assert.Equal(t, want, s)
}

func TestOfStatus(t *testing.T) {
	for _, tt := range []struct {
		text string
		want Status
	}{
		{"NORMAL", StatusActive}, {"normal", StatusActive}, {" 正常 ", StatusActive}, {"缴存", StatusActive},
		{"正常缴存", StatusActive}, {"ACTIVE", StatusActive},
		{"封存", StatusSealed}, {"SEALED", StatusSealed}, {"单位封存", StatusSealed},
		{"销户", StatusClosed}, {"CLOSED", StatusClosed}, {"注销", StatusClosed},
		{"冻结", StatusUnknown}, {"", StatusUnknown}, {"停缴", StatusUnknown},
	} {
		t.Run(tt.text, func(t *testing.T) {
			base := &tcredit.BaseInfo{HouseFundStatus: tt.text}
			a := Of(&tcredit.FundResult{BaseInfo: base}, asOf).Account
			assert.Equal(t, tt.want, a.Status, "%q", tt.text)
			assert.Equal(t, tt.text, a.StatusText, "the raw text is kept")
		})
	}
	assert.Equal(t, "Active", StatusActive.String())
	assert.Equal(t, "Sealed", StatusSealed.String())
	assert.Equal(t, "Closed", StatusClosed.String())
	assert.Equal(t, "Unknown", StatusUnknown.String())
	assert.Equal(t, "Unknown", Status(42).String())
	b, err := json.Marshal(Account{Status: StatusSealed})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"Status":"Sealed"`)
}

func TestOfMonthlyAndRatios(t *testing.T) {
	bills := []tcredit.BillInfo{deposit("2017-07-20", "2017-07", "", 321*yuan, 0, 0)}
	for _, tt := range []struct {
		name       string
		base       tcredit.BaseInfo
		total      tcredit.Amount
		pers, comp float64
	}{
		{"monthPayAmount", tcredit.BaseInfo{MonthPayAmount: 1000 * yuan, PersonalMonthPayAmount: 1, CompanyMonthPayAmount: 2,
			DepositRatioPersonal: "12.00", DepositRatioCompany: "12"}, 1000 * yuan, 12, 12},
		{"parts", tcredit.BaseInfo{PersonalMonthPayAmount: 300 * yuan, CompanyMonthPayAmount: 400 * yuan,
			DepositRatioPersonal: "8%", DepositRatioCompany: "0.12"}, 700 * yuan, 8, 12},
		{"statement", tcredit.BaseInfo{DepositRatioPersonal: "abc", DepositRatioCompany: "-5"}, 321 * yuan, 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := Of(&tcredit.FundResult{BaseInfo: &tt.base, BillInfos: bills}, asOf).Contributions
			assert.Equal(t, tt.total, c.MonthlyTotal, tt.name)
			assert.Equal(t, tt.base.PersonalMonthPayAmount, c.MonthlyPersonal, tt.name)
			assert.Equal(t, tt.base.CompanyMonthPayAmount, c.MonthlyCompany, tt.name)
			assert.Equal(t, tt.pers, c.RatioPersonal, tt.name)
			assert.Equal(t, tt.comp, c.RatioCompany, tt.name)
		})
	}
}

func TestOfBaseFromBaseInfo(t *testing.T) {
	// The rows give no payBase (as in the API document's example): baseInfo's base.
	bills := []tcredit.BillInfo{deposit("2017-07-20", "2017-07", "", 1054*yuan, 0, 0)}
	c := Of(&tcredit.FundResult{BaseInfo: active(), BillInfos: bills}, asOf).Contributions
	assert.Equal(t, 5500*yuan, c.Base)
	assert.Zero(t, c.Base24)
	assert.Zero(t, c.BaseTrend)

	// No contribution at all: still baseInfo's figures.
	c = Of(&tcredit.FundResult{BaseInfo: active()}, asOf).Contributions
	assert.Equal(t, 5500*yuan, c.Base)
	assert.Equal(t, 1000*yuan, c.MonthlyTotal)
	assert.True(t, c.Latest.IsZero())
	assert.Zero(t, c.MonthsSinceLast)
	assert.Zero(t, c.Consecutive)
}

func TestOfBaseTrendFalling(t *testing.T) {
	bills := []tcredit.BillInfo{
		deposit("2015-05-20", "2015-05", "", 10*yuan, 9000*yuan, 0), // before the 24 months
		deposit("2015-09-20", "2015-09", "", 10*yuan, 0, 0),         // no base given
		deposit("2015-10-20", "2015-10", "", 10*yuan, 6000*yuan, 0), // the earliest base in the window
		deposit("2017-07-20", "2017-07", "", 10*yuan, 4000*yuan, 0),
	}
	c := Of(&tcredit.FundResult{BillInfos: bills}, asOf).Contributions
	assert.Equal(t, 4000*yuan, c.Base)
	assert.Equal(t, 6000*yuan, c.Base24)
	assert.Equal(t, -33.3, c.BaseTrend)
}

func TestOfBalanceChecks(t *testing.T) {
	bills := []tcredit.BillInfo{
		deposit("2017-04-20", "2017-04", "", 1000*yuan, 0, 1000*yuan),
		deposit("2017-05-20", "2017-05", "", 1000*yuan, 0, 2000*yuan),
		deposit("2017-06-20", "2017-06", "", 1000*yuan, 0, 3500*yuan),       // 500 from nowhere
		{Note: "销户提取", PayArriveDate: "2017-07-01", OutAmount: 3500 * yuan}, // balance 0: not checked
		deposit("2017-07-20", "2017-07", "", 1000*yuan, 0, 1000*yuan),
	}
	s := Of(&tcredit.FundResult{Code: tcredit.CodeDone, BillInfos: bills}, asOf)
	assert.Equal(t, 2, s.Quality.BalanceChecked)
	assert.Equal(t, 1, s.Quality.BalanceMismatches)
	assert.Equal(t, 1000*yuan, s.Account.Balance)
}

func TestOfUndatedRows(t *testing.T) {
	bills := []tcredit.BillInfo{
		deposit("", "2017-07", "", 1000*yuan, 0, 9000*yuan),
		deposit("someday", "2017-06", "", 1000*yuan, 0, 8000*yuan),
		deposit("2017-05-20", "2017-05", "", 1000*yuan, 0, 3000*yuan),
		deposit("2017-04-20", "2017-04", "", 1000*yuan, 0, 2000*yuan),
	}
	s := Of(&tcredit.FundResult{BillInfos: bills}, asOf)
	assert.Equal(t, 3000*yuan, s.Account.Balance, "the latest dated row's balance")
	assert.Equal(t, 1, s.Quality.BalanceChecked, "undated rows are not checked")
	assert.Equal(t, 2, s.Quality.Undated)
	assert.False(t, s.Quality.Unsorted)
	assert.Equal(t, 4, s.Contributions.Consecutive, "undated rows still count for the month they pay for")
}

func TestOfLoans(t *testing.T) {
	res := &tcredit.FundResult{Code: tcredit.CodeDone, BaseInfo: active(), LoanInfos: []tcredit.LoanInfo{
		{ // open, with a history of overdues that the list shows in more detail than the count
			DetailInfo: tcredit.LoanDetailInfo{
				LoanStatus: "正常", LoanBalance: 150000 * yuan, PaymentAmount: 2100 * yuan,
				HisOverdueCount: 2, HisOverdueAmount: 4000 * yuan,
				CurrentOverdueCount: 1, OverdueAmount: 2100 * yuan,
			},
			LoanOverdueInfos: []tcredit.LoanOverdueInfo{
				{Date: "201511", Principal: 1500 * yuan, Interest: 600 * yuan},
				{Date: "201512", Principal: 1500 * yuan, Interest: 600 * yuan},
				{Date: "201512", Principal: 1500 * yuan, Interest: 600 * yuan}, // listed twice
				{Date: "2016-01", Principal: 1500 * yuan, Interest: 600 * yuan},
				{Date: "201705", Principal: 1500 * yuan, Interest: 600 * yuan, OverdueBalance: 2100 * yuan},
			},
		},
		{ // settled, by its status
			DetailInfo: tcredit.LoanDetailInfo{LoanStatus: "已结清", PaymentAmount: 900 * yuan, HisOverdueCount: 1, HisOverdueAmount: 900 * yuan},
		},
		{ // settled, by its repayments: no status given
			DetailInfo: tcredit.LoanDetailInfo{MonthLowestRepay: 800 * yuan},
			LoanRepayInfos: []tcredit.LoanRepayInfo{
				{Date: "2017-06-25", Principal: 800 * yuan, Sum: 800 * yuan},
				{Date: "2017-05-25", Principal: 800 * yuan, Sum: 800 * yuan, Balance: 800 * yuan},
			},
		},
		{ // not settled: 未结清 is "not settled"
			DetailInfo: tcredit.LoanDetailInfo{LoanStatus: "未结清", LoanBalance: 100 * yuan, PaymentAmount: 700 * yuan},
		},
		{ // not settled, whatever its zeros: its record carries no balance at all
			LoanRepayInfos: []tcredit.LoanRepayInfo{{Date: "2017-07-25", Principal: 400 * yuan, Sum: 600 * yuan}},
		},
		{ // open, with no balance or payment in its detail: from its latest repayment
			LoanRepayInfos: []tcredit.LoanRepayInfo{
				{Date: "2011-07-07", Balance: 220000 * yuan, Describe: "贷款发放"},
				{Date: "2017-07-25", Principal: 185 * yuan, Sum: 270 * yuan, Balance: 31209 * yuan},
				{Date: "2017-06-25", Principal: 184 * yuan, Sum: 271 * yuan, Balance: 31394 * yuan},
			},
		},
		{ // open, with only monthLowestRepay, and current overdues larger in the detail
			DetailInfo: tcredit.LoanDetailInfo{LoanBalance: 5000 * yuan, MonthLowestRepay: 300 * yuan,
				CurrentOverdueCount: 3, OverdueAmount: 900 * yuan, HisOverdueCount: 3, HisOverdueAmount: 900 * yuan},
			LoanOverdueInfos: []tcredit.LoanOverdueInfo{{Date: "bad", Principal: 100 * yuan, OverdueBalance: 100 * yuan}},
		},
	}}
	want := Loans{
		Count:                 7,
		Settled:               2,
		Outstanding:           (150000 + 100 + 31209 + 5000) * yuan,
		MonthlyPayment:        (2100 + 700 + 600 + 270 + 300) * yuan,
		CurrentOverduePeriods: 1 + 3,
		CurrentOverdueAmount:  (2100 + 900) * yuan,
		OverdueHistoryPeriods: 4 + 1 + 3, // 201511, 201512, 2016-01, 201705 outnumber the count of 2
		OverdueHistoryAmount:  (4*2100 + 900 + 900) * yuan,
		LongestOverdueRun:     3, // 2015-11 to 2016-01
	}
	assert.Equal(t, want, Of(res, asOf).Loans)
}

func TestOfEmptyReport(t *testing.T) {
	s := Of(&tcredit.FundResult{Code: tcredit.CodeDone}, asOf)
	want := Summary{
		AsOf: Month{2017, 8},
		Quality: Quality{
			Code:    tcredit.CodeDone,
			Missing: []string{"baseInfo"},
			Partial: true,
		},
	}
	assert.Equal(t, want, s)
}

func TestOfNil(t *testing.T) {
	var s Summary
	require.NotPanics(t, func() { s = Of(nil, asOf) })
	want := Summary{
		AsOf: Month{2017, 8},
		Quality: Quality{
			Missing: []string{"baseInfo", "billInfos", "loanInfos"},
			Partial: true,
		},
	}
	assert.Equal(t, want, s)
}

func TestOfPartialReport(t *testing.T) {
	res := &tcredit.FundResult{
		Code:      tcredit.CodeDonePartial,
		Missing:   []string{"loanInfos", " somethingNew ", "billInfos", "loanInfos", ""},
		BaseInfo:  active(),
		BillInfos: history(),
	}
	s := Of(res, asOf)
	want := historySummary()
	want.Quality.Code = tcredit.CodeDonePartial
	want.Quality.Missing = []string{"billInfos", "loanInfos", "somethingNew"}
	want.Quality.Partial = true
	assert.Equal(t, want, s)

	// 40002 with an empty fail list is still partial.
	s = Of(&tcredit.FundResult{Code: tcredit.CodeDonePartial, BaseInfo: active()}, asOf)
	assert.True(t, s.Quality.Partial)
	assert.Empty(t, s.Quality.Missing)
}

// TestOfDocumentExample summarises the API document's own example of getFundB, read
// from JSON as a client reads it.
func TestOfDocumentExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "getFundB-document.json"))
	require.NoError(t, err)
	var res tcredit.FundResult
	require.NoError(t, json.Unmarshal(b, &res))
	s := Of(&res, time.Date(2017, 8, 5, 0, 0, 0, 0, cst))
	want := Summary{
		AsOf: Month{2017, 8},
		Account: Account{
			Status:     StatusActive,
			StatusText: "NORMAL",
			Balance:    6690369, // houseFundBalance is 0: the latest row's balance
			Opened:     Month{2005, 7},
			MonthsOpen: 145,
		},
		Contributions: Contributions{
			Latest:          Month{2017, 7},
			Consecutive:     4,
			Last6:           4,
			Last12:          4,
			Last24:          5,
			MonthsSinceLast: 1,
			Months:          5,
			Total:           500400,
			MonthlyTotal:    105400,
			MonthlyPersonal: 52700,
			MonthlyCompany:  52700,
			RatioPersonal:   12,
			RatioCompany:    12,
			Base:            439167,
		},
		CurrentEmployer: "湖南医药",
		Loans: Loans{
			Count:                 1,
			Outstanding:           3120986,
			MonthlyPayment:        18577,
			OverdueHistoryPeriods: 1,
			OverdueHistoryAmount:  30946,
			LongestOverdueRun:     1,
		},
		Quality: Quality{
			Code:              tcredit.CodeSuccess,
			Rows:              6,
			BalanceChecked:    5,
			BalanceMismatches: 1, // the document leaves rows out between 2016-07 and 2017-04
		},
	}
	assert.Equal(t, want, s)
}
