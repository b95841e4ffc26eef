// Package summary derives the underwriting view of a housing fund report: whether the
// account is active, how many months were paid and how recently, the contribution
// base (the income proxy), the employers, withdrawals, housing loans and their
// overdues, and how far the report itself can be trusted.
//
// Of is a pure function of a *tcredit.FundResult and the day the decision is made.
// Every figure is defined exactly in its field's comment. All money is tcredit.Amount,
// exact to the fen; all months are Month.
//
// # Windows
//
// "The N months before asOf" are the N calendar months that end with the month before
// asOf's month: for asOf on 2017-08-05, the 12 months before it are 2016-08 to 2017-07.
// The month of asOf itself never counts, since its contribution may not be due yet.
//
// # Contributions
//
// A statement row is a contribution when its inAmount is positive, its note names no
// interest (结息, 利息), transfer (转入, 转出, 转移) or withdrawal (提取, 支取), and its note
// has a deposit word (汇缴, 补缴, 缴存, 缴交, 缴纳, 补交, 公积金) or the row has a payMonth.
//
// A contribution counts for the month it pays for: its payMonth, else (no payMonth, or
// one that cannot be read) the one month its note names ("汇缴201707公积金",
// "补缴2016年3月"). A back-payment (补缴) therefore counts
// for the month it pays for, not the month it arrived. A row whose month cannot be read
// this way (no payMonth and a note naming no month, or several) is counted in
// Quality.UnknownMonth and in no month: the month is never guessed from the arrival
// date. A month paid by several rows counts once. In a note, a number with a decimal
// fraction or followed by 元 is an amount, not a month: a year and month joined by "."
// count only when 月 or a day follows ("2017.7月"), so "基数2000.10" names no month; an
// eight-digit date ("20170701") names its month.
//
// A row identical in every field to an earlier one is a duplicate of the crawl and is
// ignored everywhere. The statement is read in order of arrival date, whatever order
// it came in.
package summary

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tcredit-go/tcredit"
)

// Summary is the underwriting view of one fund report.
type Summary struct {
	// AsOf is the month of the day given to Of. The windows of this summary are the
	// months before it.
	AsOf          Month
	Account       Account
	Contributions Contributions

	// Employers lists every company named on a contribution row whose month is known,
	// once, with the first and last month it paid for, ordered by first month (then
	// by name).
	Employers []Employer
	// CurrentEmployer is the company named on the rows of the latest contributed
	// month; when they name none, baseInfo.companyName.
	CurrentEmployer string
	// EmployerChanges counts the changes of employer in the 24 months before asOf:
	// walking the contributed months that name a company in order, each month whose
	// company differs from the previous such month's, when it lies in the window.
	EmployerChanges int

	Withdrawals Withdrawals
	Loans       Loans
	Quality     Quality
}

// Status is the state of a fund account.
type Status int

// The states of an account.
const (
	StatusUnknown Status = iota // a state the report does not give or this package does not know
	StatusActive                // paying: NORMAL, ACTIVE, 正常, 缴存, 正常缴存, 正常汇缴, 在缴
	StatusSealed                // 封存: no employer pays; the money stays
	StatusClosed                // 销户 or 注销: the account is closed
)

// String returns "Active", "Sealed", "Closed" or "Unknown".
func (s Status) String() string {
	switch s {
	case StatusActive:
		return "Active"
	case StatusSealed:
		return "Sealed"
	case StatusClosed:
		return "Closed"
	}
	return "Unknown"
}

// MarshalText writes the status as String does.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// statuses maps houseFundStatus, trimmed and in upper case, to a Status.
var statuses = map[string]Status{
	"NORMAL": StatusActive, "ACTIVE": StatusActive, "正常": StatusActive, "缴存": StatusActive, "正常缴存": StatusActive,
	"正常汇缴": StatusActive, "在缴": StatusActive, "缴存中": StatusActive,
	"SEALED": StatusSealed, "封存": StatusSealed, "已封存": StatusSealed, "个人封存": StatusSealed, "单位封存": StatusSealed,
	"CLOSED": StatusClosed, "销户": StatusClosed, "已销户": StatusClosed, "注销": StatusClosed, "已注销": StatusClosed,
}

// parseStatus maps houseFundStatus to a Status; text it does not know is StatusUnknown.
func parseStatus(text string) Status {
	return statuses[strings.ToUpper(strings.TrimSpace(text))]
}

// Account is the state of the fund account.
type Account struct {
	Status     Status // baseInfo.houseFundStatus normalised; StatusUnknown when absent or not known
	StatusText string // baseInfo.houseFundStatus as given, so that StatusUnknown can be read
	// Balance is baseInfo.houseFundBalance; when that is zero or baseInfo is missing,
	// the balance of the statement's latest row by arrival date (undated rows aside).
	Balance tcredit.Amount
	Opened  Month // the month of baseInfo.openAccountDate; zero when absent or unreadable
	// MonthsOpen is the number of months from Opened to asOf's month: 0 when the
	// account was opened in asOf's month, and when Opened is zero.
	MonthsOpen int
}

// Contributions describes the months paid into the account. See the package
// documentation for which rows are contributions and which month they count for.
type Contributions struct {
	// Latest is the latest contributed month of the statement, zero when there is none.
	Latest Month
	// Consecutive is the number of contributed months in the run that ends at Latest:
	// Latest, the month before it, and so on back to the first month not paid.
	Consecutive int
	// Last6, Last12 and Last24 count the distinct contributed months among the 6, 12
	// and 24 months before asOf (see Windows in the package documentation).
	Last6, Last12, Last24 int
	// MonthsSinceLast is the number of months from Latest to asOf's month: 1 when the
	// month before asOf was paid, 0 when asOf's own month was, negative when Latest is
	// after asOf's month. It is 0 when Latest is zero: check Latest.IsZero first.
	MonthsSinceLast int
	// Months is the number of distinct contributed months in the whole statement.
	Months int
	// Total is the sum of the inAmounts of every contribution row, whether its month
	// could be read or not.
	Total tcredit.Amount

	// MonthlyTotal is baseInfo.monthPayAmount; when that is zero, the sum of
	// MonthlyPersonal and MonthlyCompany; when that is zero too, the inAmounts of the
	// rows paying for Latest.
	MonthlyTotal    tcredit.Amount
	MonthlyPersonal tcredit.Amount // baseInfo.personalMonthPayAmount
	MonthlyCompany  tcredit.Amount // baseInfo.companyMonthPayAmount

	// RatioPersonal and RatioCompany are baseInfo.depositRatioPersonal and
	// depositRatioCompany in percent: "12.00", "12%" and "0.12" are all 12. Zero when
	// absent or unreadable.
	RatioPersonal, RatioCompany float64

	// Base is the contribution base (payBase) of Latest's rows; when they give none,
	// baseInfo.monthPayBaseAmount.
	Base tcredit.Amount
	// Base24 is the payBase of the earliest contributed month among the 24 months
	// before asOf that has one; zero when none has.
	Base24 tcredit.Amount
	// BaseTrend is the change from Base24 to Base in percent, rounded to a tenth: 8.5
	// when the base rose by 8.5%. Zero when Base24 is zero.
	BaseTrend float64
}

// Employer is a company that paid contributions.
type Employer struct {
	Name        string // companyName of the contribution rows
	First, Last Month  // the first and last months it paid for
}

// Withdrawals describes the money taken out of the account. A withdrawal is a row
// whose note has 提取 or 支取 and whose outAmount is positive.
type Withdrawals struct {
	Count  int            // withdrawals that arrived in the 12 months before asOf
	Total  tcredit.Amount // the sum of their outAmounts
	Latest Month          // the arrival month of the latest withdrawal of the statement; zero when none
}

// Loans sums up the housing loans. A figure that the loan's detailInfo gives and its
// overdue list also shows is taken as the larger of the two, so that neither a stale
// count nor a short list hides an overdue.
type Loans struct {
	Count int // loans in the report
	// Settled counts the settled loans: loanStatus says 结清, 还清 or SETTLED (and not
	// 未 or UN), or loanBalance is zero and the latest repayment row repaid principal
	// and left a zero balance, in a record whose rows carry balances.
	Settled int
	// Outstanding is the sum of the loans' loanBalance; for a loan not settled whose
	// loanBalance is zero, the balance of its latest repayment row.
	Outstanding tcredit.Amount
	// MonthlyPayment is the sum over the loans not settled of paymentAmount, else
	// monthLowestRepay, else the sum of the latest repayment row.
	MonthlyPayment tcredit.Amount
	// CurrentOverduePeriods sums, per loan, the larger of currentOverdueCount and the
	// number of overdue rows with an overdueBalance still owed.
	CurrentOverduePeriods int
	// CurrentOverdueAmount sums, per loan, the larger of overdueAmount and the
	// overdueBalance of its overdue rows.
	CurrentOverdueAmount tcredit.Amount
	// OverdueHistoryPeriods sums, per loan, the larger of hisOverdueCount and the
	// number of its overdue rows (a month listed twice counts once).
	OverdueHistoryPeriods int
	// OverdueHistoryAmount sums, per loan, the larger of hisOverdueAmount and the
	// principal and interest of its overdue rows.
	OverdueHistoryAmount tcredit.Amount
	// LongestOverdueRun is the longest run of consecutive months in any one loan's
	// overdue rows: 3 for 2015-11, 2015-12 and 2016-01.
	LongestOverdueRun int
}

// Quality says how complete and consistent the report is.
type Quality struct {
	Code tcredit.TaskCode // the report's task code; zero for a nil report
	// Missing lists the sections that are missing: those the report's fail list
	// names, and baseInfo when it is absent. The known sections come first, in the
	// order baseInfo, billInfos, loanInfos. A nil report misses all three.
	Missing []string
	// Partial is set when Code is 40002 (爬取结束,部分数据缺失) or Missing is not empty.
	Partial bool

	Rows         int  // statement rows in the report, duplicates included
	Duplicates   int  // rows identical to an earlier row, ignored
	UnknownMonth int  // contribution rows whose month could not be read
	Undated      int  // rows whose payArriveDate could not be read: they are read last
	Unsorted     bool // the dated rows came neither oldest first nor newest first

	// BalanceChecked counts the pairs of consecutive rows (by arrival date) that both
	// carry a non-zero balance; BalanceMismatches counts those among them whose second
	// balance is not the first plus its inAmount minus its outAmount.
	BalanceChecked    int
	BalanceMismatches int
}

// The sections of a report, as its fail list names them.
var sections = [...]string{"baseInfo", "billInfos", "loanInfos"}

// Of summarises res as of the day asOf, in asOf's location (give it in China's time,
// Asia/Shanghai, to count months as the fund centres do). A nil res gives a summary
// with every section missing. Of never panics and never modifies res.
func Of(res *tcredit.FundResult, asOf time.Time) Summary {
	s := Summary{AsOf: MonthOf(asOf)}
	if res == nil {
		s.Quality.Missing = append([]string(nil), sections[:]...)
		s.Quality.Partial = true
		return s
	}
	st := readStatement(res.BillInfos, s.AsOf)
	base := res.BaseInfo
	if base == nil {
		base = &tcredit.BaseInfo{}
	}
	s.Account = account(base, st, s.AsOf)
	s.Contributions = contributions(base, st, s.AsOf)
	s.Employers = st.employers()
	s.CurrentEmployer = strings.TrimSpace(st.company(s.Contributions.Latest))
	if s.CurrentEmployer == "" {
		s.CurrentEmployer = strings.TrimSpace(base.CompanyName)
	}
	s.EmployerChanges = st.employerChanges(s.AsOf.Add(-24), s.AsOf.Add(-1))
	s.Withdrawals = st.withdrawals
	s.Loans = loans(res.LoanInfos)
	s.Quality = st.quality
	s.Quality.Code = res.Code
	s.Quality.Missing = missing(res)
	s.Quality.Partial = res.Code == tcredit.CodeDonePartial || len(s.Quality.Missing) > 0
	return s
}

// account reads the account's state.
func account(base *tcredit.BaseInfo, st *statement, asOf Month) Account {
	a := Account{
		Status:     parseStatus(base.HouseFundStatus),
		StatusText: base.HouseFundStatus,
		Balance:    base.HouseFundBalance,
	}
	if a.Balance == 0 {
		a.Balance = st.lastBalance
	}
	if m, err := ParseMonth(base.OpenAccountDate); err == nil {
		a.Opened = m
		a.MonthsOpen = asOf.Sub(m)
	}
	return a
}

// contributions derives the contribution figures.
func contributions(base *tcredit.BaseInfo, st *statement, asOf Month) Contributions {
	c := Contributions{
		Latest:          st.latest(),
		Months:          len(st.months),
		Total:           st.total,
		MonthlyPersonal: base.PersonalMonthPayAmount,
		MonthlyCompany:  base.CompanyMonthPayAmount,
		RatioPersonal:   parseRatio(base.DepositRatioPersonal),
		RatioCompany:    parseRatio(base.DepositRatioCompany),
		Last6:           st.paidBetween(asOf.Add(-6), asOf.Add(-1)),
		Last12:          st.paidBetween(asOf.Add(-12), asOf.Add(-1)),
		Last24:          st.paidBetween(asOf.Add(-24), asOf.Add(-1)),
	}
	if c.Latest.IsZero() {
		c.Base = base.MonthPayBaseAmount
		c.MonthlyTotal = monthlyTotal(base, 0)
		return c
	}
	for m := c.Latest; st.months[m] != nil; m = m.Add(-1) {
		c.Consecutive++
	}
	c.MonthsSinceLast = asOf.Sub(c.Latest)
	latest := st.months[c.Latest]
	c.MonthlyTotal = monthlyTotal(base, latest.amount)
	c.Base = latest.base
	if c.Base == 0 {
		c.Base = base.MonthPayBaseAmount
	}
	c.Base24 = st.firstBase(asOf.Add(-24), asOf.Add(-1))
	if c.Base24 != 0 {
		c.BaseTrend = math.Round(float64(c.Base-c.Base24)*1000/float64(c.Base24)) / 10
	}
	return c
}

// monthlyTotal returns monthPayAmount, else the sum of its parts, else paid, the
// amount the statement shows for the latest month.
func monthlyTotal(base *tcredit.BaseInfo, paid tcredit.Amount) tcredit.Amount {
	if base.MonthPayAmount != 0 {
		return base.MonthPayAmount
	}
	if sum := base.PersonalMonthPayAmount + base.CompanyMonthPayAmount; sum != 0 {
		return sum
	}
	return paid
}

// parseRatio reads a deposit ratio as a percent: "12.00", "12%" and "0.12" are 12. It
// returns 0 for text that is not a positive number.
func parseRatio(text string) float64 {
	text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "%"))
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) {
		return 0
	}
	if v <= 1 {
		v *= 100 // a fraction
	}
	return math.Round(v*100) / 100
}

// missing lists the missing sections of res: those of its fail list, and baseInfo when
// it is absent; the known sections first, in document order, each once.
func missing(res *tcredit.FundResult) []string {
	seen := make(map[string]bool, len(res.Missing)+1)
	for _, f := range res.Missing {
		if f = strings.TrimSpace(f); f != "" {
			seen[f] = true
		}
	}
	if res.BaseInfo == nil {
		seen[sections[0]] = true
	}
	if len(seen) == 0 {
		return nil
	}
	out := make([]string, 0, len(seen))
	for _, s := range sections {
		if seen[s] {
			out = append(out, s)
			delete(seen, s)
		}
	}
	for _, f := range res.Missing { // the unknown ones, in the order given
		if f = strings.TrimSpace(f); seen[f] {
			out = append(out, f)
			delete(seen, f)
		}
	}
	return out
}
