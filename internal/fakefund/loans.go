package fakefund

import (
	"math/big"
	"strconv"
)

// The repayment methods.
const (
	EqualInstallments = "等额本息" // the same payment every month
	EqualPrincipal    = "等额本金" // the same principal every month, interest on the balance
)

var (
	loanRatesBP = []int{275, 325, 325, 350, 375, 400, 450, 490}
	loanTerms   = []int{120, 180, 240, 300, 360}
)

// monthsBP is the divisor that turns an annual rate in hundredths of a percent into a
// monthly fraction: r = bp / 120000.
const monthsBP = 12 * 10000

// installment returns the monthly payment, in fen, of an equal-installment loan of
// principal fen at an annual rate of rateBP hundredths of a percent over term months:
// P·r(1+r)^n / ((1+r)^n − 1) with r = rate/12, computed exactly and rounded to the fen.
func installment(principal int64, rateBP, term int) int64 {
	if term <= 0 {
		return principal
	}
	if rateBP <= 0 {
		return roundDiv(principal, int64(term))
	}
	n := big.NewInt(int64(term))
	an := new(big.Int).Exp(big.NewInt(int64(monthsBP+rateBP)), n, nil) // (1+r)^n · 120000^n
	bn := new(big.Int).Exp(big.NewInt(monthsBP), n, nil)
	num := new(big.Int).Mul(an, big.NewInt(principal*int64(rateBP)))
	den := new(big.Int).Sub(an, bn)
	den.Mul(den, big.NewInt(monthsBP))
	// round(num/den) = (2·num + den) / (2·den)
	num.Lsh(num, 1).Add(num, den)
	den.Lsh(den, 1)
	return num.Quo(num, den).Int64()
}

// schedule returns the first rows repayments (at most term) of a loan of principal fen
// at an annual rate of rateBP hundredths of a percent over term months, repaid by
// method (EqualInstallments or EqualPrincipal). Each row's interest is the balance times
// the monthly rate, rounded to the fen; the last period of the term repays what is
// left, so a full schedule's principal adds up to the loan exactly. Dates and repayMonth
// are left empty.
func schedule(principal int64, rateBP, term int, method string, rows int) []Repayment {
	rows = min(max(rows, 0), max(term, 0))
	out := make([]Repayment, rows)
	payment := installment(principal, rateBP, term)
	even := roundDiv(principal, int64(max(term, 1)))
	balance := principal
	for j := range out {
		interest := roundDiv(balance*int64(rateBP), monthsBP)
		p := even
		if method == EqualInstallments {
			p = payment - interest
		}
		if j == term-1 || p > balance {
			p = balance
		}
		balance -= p
		out[j] = Repayment{
			Principal:     p,
			Interest:      interest,
			Sum:           p + interest,
			BankDeduction: p + interest,
			Balance:       balance,
			Describe:      "正常还款",
		}
	}
	return out
}

// loans draws the housing loans.
func (g *generator) loans(r *Report) {
	h := r.Holder
	spouseYear := 1980
	if birthday, _ := birthdayOf(h.IDCard); birthday != "" {
		spouseYear, _ = strconv.Atoi(birthday[:4])
	}
	_, gender := birthdayOf(h.IDCard)
	spouse := g.person(g.city, spouseYear+g.between(-3, 3), gender == "女")
	spouseCompany := g.city.name + g.pick(companies)

	method := [2]string{EqualInstallments, EqualPrincipal}
	flip := g.rng.Intn(2)
	r.Loans = make([]Loan, 0, g.p.Loans)
	for k := 0; k < g.p.Loans; k++ {
		l := g.loan(r, method[(k+flip)%2], k == 0)
		if k == 0 || g.rng.Intn(2) == 0 {
			l.Repayers = append(l.Repayers, Repayer{
				RepayNo:         "2",
				RepayName:       spouse.Name,
				IDCard:          spouse.IDCard,
				Phone:           spouse.Mobile,
				CorporationName: spouseCompany,
				BankAccount:     "6217" + g.digits(15),
				Relation:        "配偶",
				SignDate:        l.Repayers[0].SignDate,
			})
		}
		r.Truth.LoansOutstanding += l.Detail.LoanBalance
		r.Truth.OverduePeriods += l.Detail.HisOverdueCount
		r.Loans = append(r.Loans, l)
	}
}

// loan draws one loan, with the holder as its first repayer and, when overdue is set,
// one repayment made late.
func (g *generator) loan(r *Report, method string, overdue bool) Loan {
	rows := g.p.Repayments
	term := loanTerms[g.rng.Intn(len(loanTerms))]
	for term < rows { // the longest term is MaxRepayments
		term = loanTerms[g.rng.Intn(len(loanTerms))]
	}
	rate := loanRatesBP[g.rng.Intn(len(loanRatesBP))]
	amount := int64(g.between(10, 100)) * 1000000 // 100,000 to 1,000,000 yuan
	start := g.p.End.Add(-rows)                   // the month of disbursement
	loanDate := start.date(g.between(1, 28))
	payDay := g.between(1, 20)

	l := Loan{RateBP: rate, Term: term}
	sched := schedule(amount, rate, term, method, rows+1) // one more: the next payment due
	next := int64(0)
	if len(sched) > rows {
		next = sched[rows].Sum
		sched = sched[:rows]
	}
	l.Repayments = make([]Repayment, 0, rows+1)
	l.Repayments = append(l.Repayments, Repayment{Date: loanDate, Balance: amount, Describe: "贷款发放"})
	d := &l.Detail
	for j, row := range sched {
		m := start.Add(j + 1)
		row.Date = m.date(payDay)
		row.RepayMonth = m.compact()
		d.DuePrincipal += row.Principal
		d.RepayInterest += row.Interest
		l.Repayments = append(l.Repayments, row)
	}
	last := l.Repayments[len(l.Repayments)-1]

	if overdue {
		g.repayLate(&l, payDay)
	}

	h := r.Holder
	d.LoanName, d.LoanIDCard, d.LoanPhone = h.Name, h.IDCard, h.Mobile
	d.Address = r.Base.HomeAddress
	d.HouseAddress = g.address()
	d.CompanyName = r.Base.CompanyName
	d.BankName = g.pick(banks)
	d.BankAccount = "6227" + g.digits(15)
	d.LoanNum = strconv.Itoa(start.Year) + g.digits(8)
	d.LoanAmount = amount
	d.LoanType = g.pick([]string{"公积金贷款", "公积金贷款", "组合贷款"})
	d.GjjLoanNum = g.digits(12)
	if d.LoanType == "组合贷款" {
		d.CommercialLoanNum = g.digits(12)
	}
	d.LoanLength = strconv.Itoa(term/12) + "年"
	d.LoanRate = ratioText(rate) + "%"
	d.LoanStatus = "正常"
	if last.Balance == 0 {
		d.LoanStatus = "结清"
	}
	d.LoanDate = loanDate
	d.LoanEndDate = start.Add(term).compact()
	d.HouseType = g.pick([]string{"商品房", "二手房", "经济适用房"})
	d.GuaranteeType = g.pick([]string{"房产抵押", "抵押加阶段性保证"})
	d.PaymentType = method
	d.PaymentDay = strconv.Itoa(payDay)
	d.PaymentAmount = last.Sum
	d.LoanBalance = last.Balance
	d.MonthLowestRepay = next
	d.IsMonthHedge = g.pick([]string{"否", "否", "按年冲还贷"})
	d.LoanApplyStatus = "已放款"

	l.Repayers = []Repayer{{
		RepayNo:         "1",
		RepayName:       h.Name,
		IDCard:          h.IDCard,
		Phone:           h.Mobile,
		CorporationName: r.Base.CompanyName,
		BankAccount:     d.BankAccount,
		Relation:        "本人",
		SignDate:        loanDate,
	}}
	return l
}

// repayLate makes one of the loan's repayments late by a few days, with a penalty,
// and records the overdue period.
func (g *generator) repayLate(l *Loan, payDay int) {
	late := &l.Repayments[1+g.between(0, len(l.Repayments)-2)]
	days := g.between(3, 8)
	penalty := roundDiv(late.Sum*int64(days)*5, 10000) // 0.05% a day
	late.Date = late.Date[:8] + string(appendPadded(nil, payDay+days, 2))
	late.Describe = "逾期还款"
	late.RepayPunishInterest = penalty
	late.BankDeduction = late.Sum + penalty
	l.Overdues = []Overdue{{
		Date:      late.RepayMonth,
		Principal: late.Principal,
		Interest:  late.Interest,
		Penalty:   penalty,
		Summary:   late.Sum + penalty,
	}}
	d := &l.Detail
	d.HisOverdueCount = 1
	d.HisOverdueAmount = late.Sum
	d.ReceivePunishInterest = penalty
}
