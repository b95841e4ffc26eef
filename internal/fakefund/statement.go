package fakefund

// interestBP is the annual interest rate paid on the balance, in hundredths of a percent.
const interestBP = 150

// ratiosBP are the contribution ratios an employer may use, in hundredths of a percent.
var ratiosBP = []int{500, 600, 700, 800, 900, 1000, 1100, 1200}

// plan is what the statement generator decides before it writes a row. Months are
// counted by their index from start.
type plan struct {
	start      Month
	bases      []int64 // the contribution base of every month
	change     int     // index of the first month paid by the second employer; months when none
	names      [2]string
	ratios     [2]int // hundredths of a percent
	gap        int    // index of the month paid late; -1 when none
	gapPaidAt  int    // index of the month the back-payment arrives
	missed     int    // index of the month never paid; -1 when none
	withdrawal int    // index of the month of the withdrawal; -1 when none
	transfer   bool   // a transfer in with the change of employer
}

// employer returns which employer pays for month i: 0 or 1.
func (pl *plan) employer(i int) int {
	if i >= pl.change {
		return 1
	}
	return 0
}

// personal returns the personal contribution for month i, which the employer matches.
func (pl *plan) personal(i int) int64 {
	return roundDiv(pl.bases[i]*int64(pl.ratios[pl.employer(i)]), 10000)
}

// event is one row to be written in a month, before its amount is known.
type event struct {
	kind BillKind
	day  int
}

// decide draws the plan of the statement.
func (g *generator) decide() plan {
	n := g.p.Months
	pl := plan{start: g.p.End.Add(1 - n), change: n, gap: -1, missed: -1, withdrawal: -1}
	first := g.rng.Intn(len(companies))
	second := (first + 1 + g.rng.Intn(len(companies)-1)) % len(companies)
	pl.names = [2]string{g.city.name + companies[first], g.city.name + companies[second]}
	pl.ratios = [2]int{ratiosBP[g.rng.Intn(len(ratiosBP))], ratiosBP[g.rng.Intn(len(ratiosBP))]}
	if n >= 2 {
		lo := max(1, n/4)
		pl.change = g.between(lo, min(n-1, max(lo, 3*n/4)))
		pl.transfer = g.rng.Intn(2) == 0
		pl.withdrawal = g.between(max(1, n/2), n-1)
	}
	if pl.change <= n-2 {
		pl.gap = g.between(pl.change, n-2)
		pl.gapPaidAt = g.between(pl.gap+1, min(pl.gap+3, n-1))
	}
	if n >= 3 && g.rng.Intn(2) == 0 {
		pl.missed = g.between(1, n-2)
		if pl.missed == pl.gap {
			pl.missed = -1
		}
	}
	// The base rises each July and is set anew by the second employer.
	pl.bases = make([]int64, n)
	base := int64(g.between(250000, 1500000))
	for i := range pl.bases {
		switch {
		case i == pl.change:
			base = roundDiv(base*int64(g.between(80, 130)), 100) // a new job, a new wage
		case i > 0 && pl.start.Add(i).Month == 7:
			base = roundDiv(base*int64(1000+g.between(30, 100)), 1000)
		}
		pl.bases[i] = base
	}
	return pl
}

// statement draws the contribution history and fills Bills, the money of Base and the
// statement's part of Truth.
func (g *generator) statement(r *Report) {
	pl := g.decide()
	r.Base.OpenAccountDate = pl.start.date(g.between(1, 4))
	r.Bills = make([]Bill, 0, g.p.Months+g.p.Months/12+4)
	var balance int64
	for i := 0; i < g.p.Months; i++ {
		evs, k := g.events(&pl, i)
		for _, ev := range evs[:k] {
			b := g.row(&pl, i, ev, balance)
			if b.InAmount == 0 && b.OutAmount == 0 {
				continue // nothing to withdraw yet, or no interest on an empty account
			}
			balance += b.InAmount - b.OutAmount
			b.Balance = balance
			r.Bills = append(r.Bills, b)
			g.account(r, b, pl.start.Add(i).Year)
		}
	}
	g.settle(r, &pl, balance)
}

// events returns the k rows of month i, in the order of their days.
func (g *generator) events(pl *plan, i int) (evs [5]event, k int) {
	add := func(kind BillKind, day int) {
		evs[k] = event{kind, day}
		for j := k; j > 0 && evs[j].day < evs[j-1].day; j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
		k++
	}
	if i != pl.gap && i != pl.missed {
		add(Contribution, g.between(5, 28))
	}
	if pl.gap >= 0 && i == pl.gapPaidAt {
		add(BackPayment, g.between(5, 28))
	}
	if pl.transfer && i == pl.change {
		add(TransferIn, g.between(1, 28))
	}
	if i == pl.withdrawal {
		add(Withdrawal, g.between(1, 28))
	}
	if pl.start.Add(i).Month == 6 {
		add(Interest, 30)
	}
	return evs, k
}

// row draws the statement row of ev in month i, on an account holding balance before
// it. Its Balance is left for the caller.
func (g *generator) row(pl *plan, i int, ev event, balance int64) Bill {
	m := pl.start.Add(i)
	b := Bill{Kind: ev.kind, PayArriveDate: m.date(ev.day), CompanyName: pl.names[pl.employer(i)]}
	switch ev.kind {
	case Contribution, BackPayment:
		paid := i // the month paid for
		if ev.kind == BackPayment {
			paid = pl.gap
			b.Note = "补缴" + pl.start.Add(paid).compact() + "公积金"
		} else {
			b.Note = "汇缴" + m.compact() + g.pick([]string{"公积金(个人单位)", "公积金(个人单位)", "公积金"})
		}
		b.PayMonth = pl.start.Add(paid).String()
		b.PayBase = pl.bases[paid]
		b.InAmount = 2 * pl.personal(paid)
		b.CompanyName = pl.names[pl.employer(paid)]
	case TransferIn:
		b.Note = g.pick([]string{"转入", "异地转入", "个人账户转入"})
		b.InAmount = int64(g.between(300000, 4000000))
	case Withdrawal:
		b.Note = g.pick([]string{"提取(租房)", "租房提取", "提取-租赁住房", "提取-装修"})
		b.OutAmount = balance * int64(g.between(20, 60)) / 100 / 100 * 100 // whole yuan
	case Interest:
		b.Note = "年度结息"
		b.InAmount = roundDiv(balance*interestBP, 10000)
	}
	return b
}

// settle fills what the plan says of the months paid for and the latest month: that
// part of Truth, and the contribution fields of the base info.
func (g *generator) settle(r *Report, pl *plan, balance int64) {
	n := g.p.Months
	last := n - 1
	t := &r.Truth
	t.Latest = pl.start.Add(last) // never missed nor paid late
	t.Consecutive = n
	if pl.missed >= 0 {
		t.Consecutive = last - pl.missed
	}
	t.ContributedMonths = make([]Month, 0, n)
	for i := 0; i < n; i++ {
		if i == pl.missed {
			continue
		}
		m := pl.start.Add(i)
		t.ContributedMonths = append(t.ContributedMonths, m)
		name := pl.names[pl.employer(i)]
		if len(t.Employers) == 0 || t.Employers[len(t.Employers)-1].Name != name {
			t.Employers = append(t.Employers, Employer{Name: name, First: m})
		}
		t.Employers[len(t.Employers)-1].Last = m
	}
	t.FinalBalance = balance
	t.Base = pl.bases[last]
	t.MonthlyTotal = 2 * pl.personal(last)

	b := &r.Base
	b.CompanyName = pl.names[pl.employer(last)]
	b.CompanyAccountNum = g.digits(9)
	b.MonthPayBaseAmount = pl.bases[last]
	b.PersonalMonthPayAmount = pl.personal(last)
	b.CompanyMonthPayAmount = pl.personal(last)
	b.MonthPayAmount = 2 * pl.personal(last)
	b.DepositRatioPersonal = ratioText(pl.ratios[pl.employer(last)])
	b.DepositRatioCompany = b.DepositRatioPersonal
	b.HouseFundBalance = balance
	b.PayUntilDate = t.Latest.String()
}

// account adds a statement row to the totals of Truth and of the base info.
func (g *generator) account(r *Report, b Bill, year int) {
	t, base := &r.Truth, &r.Base
	thisYear := year == g.p.End.Year
	if year < g.p.End.Year {
		base.LastYearBalance = b.Balance
	}
	switch b.Kind {
	case Contribution, BackPayment:
		t.TotalContributions += b.InAmount
		switch {
		case thisYear && b.Kind == BackPayment:
			base.InYearAddPayAmount += b.InAmount
		case thisYear:
			base.InYearPayAmount += b.InAmount
		}
	case Interest:
		t.InterestTotal += b.InAmount
		switch {
		case thisYear:
			base.InYearInterest += b.InAmount
		case year == g.p.End.Year-1:
			base.LastYearInterest += b.InAmount
		}
	case TransferIn:
		if thisYear {
			base.InYearTransferIn += b.InAmount
		}
	case Withdrawal:
		t.Withdrawals++
		t.WithdrawalTotal += b.OutAmount
		if thisYear {
			base.InYearReceiveAmount += b.OutAmount
		}
	}
}

// ratioText writes a ratio in hundredths of a percent as "12.00".
func ratioText(bp int) string {
	b := appendPadded(nil, bp/100, 1)
	b = append(b, '.')
	return string(appendPadded(b, bp%100, 2))
}

// roundDiv returns a/b rounded half away from zero, for b > 0.
func roundDiv(a, b int64) int64 {
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}
