// Package fakefund generates realistic, internally consistent housing provident fund
// reports (the data of a getFundB response) for the sandbox server, for benchmarks and
// for tests of code that reads such reports.
//
// A report is drawn from a math/rand source seeded with Profile.Seed, so the same
// Profile always gives the same report, byte for byte. Money is counted in fen (分) as
// int64, and every running balance adds up to the fen. Alongside the report, Truth says
// what the generator knows it produced: what an underwriting summary of the report must
// find.
//
// The package writes JSON by hand (see Report.AppendJSON), either plain and well typed
// or with the type variance of real servers.
package fakefund

import (
	"math/rand"
	"strconv"
)

// Defaults and limits of a Profile.
const (
	DefaultMonths     = 36
	MaxMonths         = 600
	DefaultLoans      = 1
	MaxLoans          = 64
	DefaultRepayments = 24
	MaxRepayments     = 360
)

// DefaultEnd is the last month of the statement when Profile.End is zero.
var DefaultEnd = Month{2017, 7}

// The years that Profile.End is clamped to.
const (
	minEndYear = 1980
	maxEndYear = 2100
)

// Profile says what to generate. Zero values mean the defaults given; out-of-range
// values are clamped.
type Profile struct {
	Seed       int64  // same seed, same report, byte for byte
	Months     int    // months of contribution history, ending at End (default 36; 1 to 600)
	End        Month  // the last month covered by the statement (default 2017-07)
	Loans      int    // housing loans (default 1; up to 64); see NoLoans for none
	NoLoans    bool   // no loan at all
	Repayments int    // repayments made so far per loan (default 24; 1 to 360)
	Holder     Holder // the account holder; zero fields are generated from the seed
	City       string // where the account is kept, e.g. 杭州 (see KnownCity); "" or an unknown city draws one from the seed
}

// Holder is a person: the account holder, or a co-borrower of a loan.
type Holder struct {
	Name   string // e.g. 张三
	IDCard string // 18 characters with a valid GB 11643 check digit
	Mobile string // 11 digits
}

// Month is a calendar month.
type Month struct {
	Year, Month int
}

// String returns the month as "2017-07".
func (m Month) String() string {
	var b [16]byte
	return string(m.appendDash(b[:0]))
}

// Add returns the month n months later (earlier for negative n).
func (m Month) Add(n int) Month {
	k := m.Year*12 + (m.Month - 1) + n
	y, mm := k/12, k%12
	if mm < 0 {
		y, mm = y-1, mm+12
	}
	return Month{y, mm + 1}
}

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || m.Year == o.Year && m.Month < o.Month
}

// appendDash appends "2017-07".
func (m Month) appendDash(b []byte) []byte {
	b = appendPadded(b, m.Year, 4)
	b = append(b, '-')
	return appendPadded(b, m.Month, 2)
}

// appendCompact appends "201707".
func (m Month) appendCompact(b []byte) []byte {
	b = appendPadded(b, m.Year, 4)
	return appendPadded(b, m.Month, 2)
}

// compact returns "201707".
func (m Month) compact() string {
	var b [16]byte
	return string(m.appendCompact(b[:0]))
}

// date returns "2017-07-25" for day 25 of m.
func (m Month) date(day int) string {
	var b [16]byte
	s := append(m.appendDash(b[:0]), '-')
	return string(appendPadded(s, day, 2))
}

// appendPadded appends n in decimal with at least width digits.
func appendPadded(b []byte, n, width int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var d [20]byte
	s := strconv.AppendInt(d[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// Report is a generated account, in plain Go values, plus the facts a checker needs.
type Report struct {
	Holder Holder
	Base   Base   // the baseInfo values
	Bills  []Bill // the statement in chronological order, as generated
	Loans  []Loan
	Truth  Truth

	seed int64 // drives the variance of AppendJSON
}

// Base holds the baseInfo values, named after their JSON keys; money is in fen.
type Base struct {
	Birthday               string // 出生日期, "19820113"
	EmployeeName           string // 姓名
	HouseFundStatus        string // 公积金当前状态
	PersonalMonthPayAmount int64  // 个人月缴金额
	InYearAddPayAmount     int64  // 本年补缴
	Gender                 string // 性别
	InYearInterest         int64  // 本年利息
	InYearTransferIn       int64  // 本年转入
	InYearReceiveAmount    int64  // 本年支取
	OpenAccountDate        string // 开户日期, "2005-07-01"
	IDCard                 string // 身份证号
	PayUntilDate           string // 缴至年月, "2017-07"
	CompanyName            string // 公司名称
	CardType               string // 证件类型
	LastYearBalance        int64  // 上年余额
	LastYearInterest       int64  // 上年利息
	InYearPayAmount        int64  // 本年缴交
	MonthPayAmount         int64  // 月缴总额（个人月缴+单位月缴）
	BindMobile             string // 绑定手机号
	CompanyMonthPayAmount  int64  // 单位月缴额
	MonthPayBaseAmount     int64  // 月缴基数
	EmployeeAccountNum     string // 职工账号
	HouseFundBalance       int64  // 公积金余额
	BankAccount            string // 银行账号
	BankName               string // 缴存银行
	CompanyAccountNum      string // 单位账号
	DepositManageDept      string // 缴存管理部
	BelongOffice           string // 所属办事处
	DepositRatioPersonal   string // 缴存比例-个人, "12.00"
	DepositRatioCompany    string // 缴存比例-单位, "12.00"
	NameAuth               string // 实名认证信息
	BindEmail              string // 绑定邮箱
	HouseFundAccount       string // 公积金账号
	HomeAddress            string // 通讯地址
}

// BillKind says what a statement row is.
type BillKind int

// The kinds of statement rows.
const (
	Contribution BillKind = iota // 汇缴: the monthly contribution
	BackPayment                  // 补缴: a contribution paid late for an earlier month
	Interest                     // 年度结息: the annual interest, on 06-30
	TransferIn                   // 转入: money moved in from another account
	Withdrawal                   // 提取: money taken out
)

// Bill is one statement row (billInfos); money is in fen. PayMonth and PayBase are
// set for contributions and back-payments only.
type Bill struct {
	Kind          BillKind
	Note          string // 业务描述, "汇缴201707公积金(个人单位)"
	PayBase       int64  // 缴纳基数
	Balance       int64  // 余额 after the row
	PayArriveDate string // 入账时间, "2017-07-27"
	InAmount      int64  // 贷方金额
	CompanyName   string // 公司名称
	PayMonth      string // 所属月份, "2017-07", for the month paid for
	OutAmount     int64  // 借方金额
}

// Loan is one housing loan (loanInfos).
type Loan struct {
	Detail     LoanDetail
	Repayers   []Repayer
	Repayments []Repayment // loanRepayInfos: the disbursement first, then one row a period
	Overdues   []Overdue

	RateBP int // annual rate in hundredths of a percent: 325 is 3.25%
	Term   int // months
}

// LoanDetail holds the detailInfo values, named after their JSON keys; money is in fen.
type LoanDetail struct {
	LoanName               string // 贷款人姓名
	LoanIDCard             string // 贷款人身份证号
	LoanPhone              string // 贷款人手机
	Address                string // 贷款人通讯地址
	HouseAddress           string // 贷款购房的房屋地址
	CompanyName            string // 单位名称
	BankName               string // 受托银行
	BankAccount            string // 还款账户
	LoanNum                string // 贷款合同编号
	LoanAmount             int64  // 贷款金额
	LoanType               string // 贷款类型
	LoanLength             string // 贷款年限, "20年"
	LoanRate               string // 贷款利率, "3.25%"
	LoanStatus             string // 还款状态
	LoanDate               string // 放款日期, "2011-07-07"
	LoanEndDate            string // 贷款结束日期, "203107"
	HouseType              string // 购房类型
	GuaranteeType          string // 担保方式
	PaymentType            string // 还款方式: 等额本息 or 等额本金
	PaymentDay             string // 月还款日期, "25"
	PaymentAmount          int64  // 月还款金额: the last period's principal and interest
	DuePrincipal           int64  // 已还本金
	OverdueAmount          int64  // 逾期金额 (now)
	LoanBalance            int64  // 贷款余额 after the last repayment
	HisOverdueCount        int    // 历史逾期期数
	RepayInterest          int64  // 已还利息
	MonthLowestRepay       int64  // 月最低还款: the next period's principal and interest
	CurrentOverdueInterest int64  // 当前逾期利息
	CurrentOverdueCount    int    // 当前逾期期数
	HisOverdueAmount       int64  // 历史逾期金额
	IsMonthHedge           string // 是否办理月对冲
	GjjLoanNum             string // 公积金贷款账号
	CommercialLoanNum      string // 商业贷款账号
	ReceivePunishInterest  int64  // 已收罚息
	LoanApplyStatus        string // 贷款申请状态
}

// Repayer is a person who repays a loan (loanRepayerInfos).
type Repayer struct {
	RepayNo         string // 还款顺序
	RepayName       string // 姓名
	IDCard          string // 身份证号
	Phone           string // 手机号
	CorporationName string // 工作单位
	BankAccount     string // 银行账号
	Relation        string // 与申请人的关系
	SignDate        string // 签约日期
}

// Repayment is one row of a loan's repayment record (loanRepayInfos); money is in fen.
type Repayment struct {
	Date                string // 还款日期, "2017-07-25"
	RepayMonth          string // 还款期次, "201707"; empty for the disbursement
	Principal           int64  // 偿还本金
	Interest            int64  // 偿还利息
	Sum                 int64  // 本息合计
	BankDeduction       int64  // 银行扣款
	SelfHedge           int64  // 本人公积金对冲
	MateHedge           int64  // 配偶公积金对冲
	Balance             int64  // 本金余额 after the row
	Describe            string // 还款描述: 贷款发放, 正常还款, 逾期还款
	RepayPunishInterest int64  // 偿还罚息
}

// Overdue is one overdue period of a loan (loanOverdueInfos); money is in fen.
type Overdue struct {
	Date           string // 逾期日期, "201512"
	Principal      int64  // 逾期本金
	Interest       int64  // 逾期利息
	Penalty        int64  // 逾期罚息
	OverdueBalance int64  // 逾期余额 still owed (0: repaid)
	Summary        int64  // 合计: principal + interest + penalty
}

// Truth is what the generator knows it produced: what an underwriting summary must find.
type Truth struct {
	Latest             Month      // latest contributed month
	Consecutive        int        // consecutive contributed months ending at Latest
	ContributedMonths  []Month    // every distinct month paid for, ascending (a back-payment counts for the month it pays for)
	TotalContributions int64      // fen, sum of contribution credits (not interest, transfers or withdrawals)
	Employers          []Employer // in order of first month
	Withdrawals        int        // count of withdrawal rows
	WithdrawalTotal    int64      // fen
	InterestTotal      int64      // fen
	FinalBalance       int64      // fen, the balance after the last row, == Base.HouseFundBalance
	Base               int64      // fen, contribution base of the latest month
	MonthlyTotal       int64      // fen, personal + company of the latest month
	LoansOutstanding   int64      // fen, sum of loan balances
	OverduePeriods     int        // historical overdue periods over all loans
}

// Employer is one employer of the holder and the months it paid for.
type Employer struct {
	Name        string
	First, Last Month
}

// Generate builds a report. It never panics: out-of-range values of p are clamped.
func Generate(p Profile) *Report {
	p = p.normalize()
	g := &generator{rng: rand.New(rand.NewSource(p.Seed)), p: p}
	r := &Report{seed: p.Seed}
	g.people(r)
	g.statement(r)
	g.loans(r)
	return r
}

// normalize applies the defaults and clamps out-of-range values.
func (p Profile) normalize() Profile {
	p.Months = clampDefault(p.Months, DefaultMonths, 1, MaxMonths)
	p.Repayments = clampDefault(p.Repayments, DefaultRepayments, 1, MaxRepayments)
	p.Loans = clampDefault(p.Loans, DefaultLoans, 1, MaxLoans)
	if p.NoLoans {
		p.Loans = 0
	}
	if p.End == (Month{}) {
		p.End = DefaultEnd
	}
	if y := p.End.Year; y >= minEndYear && y <= maxEndYear {
		m := min(max(p.End.Month, -1200), 1200)
		p.End = Month{y, 1}.Add(m - 1) // 2017-13 is 2018-01
	}
	switch {
	case p.End.Year < minEndYear:
		p.End = Month{minEndYear, 1}
	case p.End.Year > maxEndYear:
		p.End = Month{maxEndYear, 12}
	}
	return p
}

// clampDefault returns def for zero and v clamped to [lo, hi] otherwise.
func clampDefault(v, def, lo, hi int) int {
	switch {
	case v == 0:
		return def
	case v < lo:
		return lo
	case v > hi:
		return hi
	}
	return v
}

// generator holds the state of one Generate call.
type generator struct {
	rng  *rand.Rand
	p    Profile
	city city
}

// between returns a random int in [lo, hi]; lo when hi < lo.
func (g *generator) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.rng.Intn(hi-lo+1)
}

// pick returns a random element of list.
func (g *generator) pick(list []string) string {
	return list[g.rng.Intn(len(list))]
}

// digits returns n random decimal digits, the first of them not zero.
func (g *generator) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.Intn(10))
	}
	if n > 0 && b[0] == '0' {
		b[0] = byte('1' + g.rng.Intn(9))
	}
	return string(b)
}
