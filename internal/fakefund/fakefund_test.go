package fakefund

import (
	"encoding/json"
	"math"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMonth(t *testing.T) {
	m := Month{2017, 7}
	assert.Equal(t, "2017-07", m.String())
	assert.Equal(t, "201707", m.compact())
	assert.Equal(t, Month{2018, 1}, m.Add(6))
	assert.Equal(t, Month{2016, 12}, m.Add(-7))
	assert.Equal(t, Month{1967, 7}, m.Add(-600))
	assert.Equal(t, m, m.Add(12).Add(-12))
	assert.True(t, Month{2016, 12}.Before(m))
	assert.True(t, Month{2017, 6}.Before(m))
	assert.False(t, m.Before(m))
	assert.False(t, Month{2018, 1}.Before(m))
}

func TestValidIDCard(t *testing.T) {
	assert.True(t, ValidIDCard("11010519491231002X"))
	assert.True(t, ValidIDCard("440524188001010014"))
	assert.False(t, ValidIDCard("440524188001010015"))
	assert.False(t, ValidIDCard("44052418800101001"))
	assert.False(t, ValidIDCard("44052418800101001A"))
}

func TestCity(t *testing.T) {
	for _, c := range cities {
		for _, name := range []string{c.name, strings.TrimSuffix(c.name, "市")} {
			t.Run(name, func(t *testing.T) {
				require.True(t, KnownCity(name))
				for seed := int64(1); seed <= 5; seed++ {
					r := Generate(Profile{Seed: seed, City: name})
					checkReport(t, r)
					assert.True(t, strings.HasPrefix(r.Holder.IDCard, c.region), "ID card %s", r.Holder.IDCard)
					assert.True(t, strings.HasPrefix(r.Base.HomeAddress, c.province+c.name+c.district), r.Base.HomeAddress)
					assert.True(t, strings.HasPrefix(r.Base.CompanyName, c.name), r.Base.CompanyName)
					assert.Equal(t, c.name+"住房公积金管理中心", r.Base.DepositManageDept)
					for _, b := range r.Bills {
						if b.CompanyName != "" {
							assert.True(t, strings.HasPrefix(b.CompanyName, c.name), b.CompanyName)
						}
					}
				}
			})
		}
	}
	assert.False(t, KnownCity("浙江省直"))
	assert.Equal(t, Generate(Profile{Seed: 7}).Holder, Generate(Profile{Seed: 7, City: "浙江省直"}).Holder,
		"an unknown city is drawn from the seed")
}

func TestDefaults(t *testing.T) {
	r := Generate(Profile{})
	checkReport(t, r)
	assert.Equal(t, DefaultEnd, r.Truth.Latest)
	assert.Equal(t, "2017-07", r.Base.PayUntilDate)
	months := r.Truth.ContributedMonths
	assert.Equal(t, Month{2014, 8}, months[0], "36 months ending 2017-07")
	require.Len(t, r.Loans, 1)
	assert.Len(t, r.Loans[0].Repayments, DefaultRepayments+1, "the disbursement and 24 repayments")
}

func TestGenerateDeterministic(t *testing.T) {
	for _, p := range []Profile{{Seed: 7}, {Seed: -3, Months: 600, Loans: 2, Repayments: 360}} {
		a, b := Generate(p), Generate(p)
		assert.Equal(t, a, b)
		for _, o := range []JSONOptions{{}, {Variance: true}, {Variance: true, Shuffle: true}} {
			assert.Equal(t, string(a.AppendJSON(nil, o)), string(b.AppendJSON(nil, o)))
		}
	}
	seen := map[string]int64{}
	for seed := int64(0); seed < 20; seed++ {
		out := string(Generate(Profile{Seed: seed}).AppendJSON(nil, JSONOptions{}))
		prev, dup := seen[out]
		assert.False(t, dup, "seeds %d and %d give the same report", prev, seed)
		seen[out] = seed
	}
}

func TestHolderSupplied(t *testing.T) {
	h := Holder{Name: "张三", IDCard: "11010519491231002X", Mobile: "13800138000"}
	plain, given := Generate(Profile{Seed: 5}), Generate(Profile{Seed: 5, Holder: h})
	assert.Equal(t, h, given.Holder)
	assert.Equal(t, "张三", given.Base.EmployeeName)
	assert.Equal(t, "19491231", given.Base.Birthday)
	assert.Equal(t, "女", given.Base.Gender)
	assert.Equal(t, "13800138000", given.Base.BindMobile)
	assert.Equal(t, "张三", given.Loans[0].Detail.LoanName)
	assert.Equal(t, plain.Truth, given.Truth, "the holder does not change the account")
	assert.Len(t, given.Bills, len(plain.Bills))
	checkReport(t, given)

	partial := Generate(Profile{Seed: 5, Holder: Holder{Name: "李四"}})
	assert.Equal(t, "李四", partial.Holder.Name)
	assert.Equal(t, plain.Holder.IDCard, partial.Holder.IDCard)

	odd := Generate(Profile{Seed: 5, Holder: Holder{IDCard: "not a card"}})
	assert.Empty(t, odd.Base.Birthday)
	assert.Empty(t, odd.Base.Gender)
}

func TestClamp(t *testing.T) {
	tests := []struct {
		name       string
		p          Profile
		months     int
		loans      int
		repayments int
		end        Month
	}{
		{"negative", Profile{Months: -5, Loans: -1, Repayments: -9}, 1, 1, 1, DefaultEnd},
		{"huge", Profile{Months: 1 << 40, Loans: 1000, Repayments: 5000}, MaxMonths, MaxLoans, MaxRepayments, DefaultEnd},
		{"no loans", Profile{NoLoans: true, Loans: 3}, DefaultMonths, 0, 0, DefaultEnd},
		{"month 13", Profile{End: Month{2017, 13}}, DefaultMonths, 1, DefaultRepayments, Month{2018, 1}},
		{"month 0", Profile{End: Month{2017, 0}}, DefaultMonths, 1, DefaultRepayments, Month{2016, 12}},
		{"year 0", Profile{End: Month{0, 5}}, DefaultMonths, 1, DefaultRepayments, Month{minEndYear, 1}},
		{"far future", Profile{End: Month{1 << 30, 1 << 30}}, DefaultMonths, 1, DefaultRepayments, Month{maxEndYear, 12}},
		{"far past", Profile{End: Month{-1 << 30, -1 << 30}}, DefaultMonths, 1, DefaultRepayments, Month{minEndYear, 1}},
		{"min int", Profile{End: Month{math.MinInt, math.MinInt}, Months: math.MinInt}, 1, 1, DefaultRepayments, Month{minEndYear, 1}},
		{"max int", Profile{End: Month{math.MaxInt, math.MaxInt}, Repayments: math.MaxInt}, DefaultMonths, 1, MaxRepayments, Month{maxEndYear, 12}},
		{"month max int", Profile{End: Month{2000, math.MaxInt}}, DefaultMonths, 1, DefaultRepayments, Month{2099, 12}},
		{"month min int", Profile{End: Month{2000, math.MinInt}}, DefaultMonths, 1, DefaultRepayments, Month{1980, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Generate(tt.p)
			checkReport(t, r)
			first := r.Truth.ContributedMonths[0]
			assert.Equal(t, tt.end, r.Truth.Latest)
			assert.Equal(t, tt.end, first.Add(tt.months-1), "months of history")
			assert.Len(t, r.Loans, tt.loans)
			for _, l := range r.Loans {
				assert.Len(t, l.Repayments, tt.repayments+1)
			}
		})
	}
}

// TestStatementEvents checks that the statement holds what an underwriting summary
// looks for: a yearly rise of the base, a change of employer, a withdrawal, a
// back-payment, and, for some seeds, a month never paid.
func TestStatementEvents(t *testing.T) {
	gaps := 0
	for seed := int64(0); seed < 40; seed++ {
		r := Generate(Profile{Seed: seed})
		kinds := map[BillKind]int{}
		for _, b := range r.Bills {
			kinds[b.Kind]++
		}
		assert.Equal(t, 1, kinds[BackPayment], "seed %d", seed)
		assert.Equal(t, 1, kinds[Withdrawal], "seed %d", seed)
		assert.Equal(t, 3, kinds[Interest], "seed %d: 06-30 of 2015, 2016 and 2017", seed)
		assert.Len(t, r.Truth.Employers, 2, "seed %d", seed)
		if r.Truth.Consecutive < DefaultMonths {
			gaps++
			assert.Len(t, r.Truth.ContributedMonths, DefaultMonths-1, "seed %d", seed)
		}
		rises := 0
		var prev Bill // the previous contribution
		for _, b := range r.Bills {
			if b.Kind != Contribution {
				continue
			}
			if prev.CompanyName == b.CompanyName && b.PayBase != prev.PayBase {
				rises++
				assert.Greater(t, b.PayBase, prev.PayBase, "seed %d: %s", seed, b.PayMonth)
				july := b.PayMonth[:4] + "-07"
				assert.True(t, prev.PayMonth < july && july <= b.PayMonth, "seed %d: the base rises in July, not between %s and %s", seed, prev.PayMonth, b.PayMonth)
			}
			prev = b
		}
		assert.NotZero(t, rises, "seed %d: the base has a trend", seed)
	}
	assert.NotZero(t, gaps, "some statements have a gap never filled")
	assert.Less(t, gaps, 40, "some statements have none")
}

func TestLoanMethodsAlternate(t *testing.T) {
	r := Generate(Profile{Seed: 3, Loans: 4})
	require.Len(t, r.Loans, 4)
	for i := 1; i < 4; i++ {
		assert.NotEqual(t, r.Loans[i-1].Detail.PaymentType, r.Loans[i].Detail.PaymentType)
	}
	assert.Equal(t, 1, r.Truth.OverduePeriods, "one overdue episode, on the first loan")
	assert.Len(t, r.Loans[0].Overdues, 1)
	assert.Len(t, r.Loans[0].Repayers, 2, "the first loan is a joint loan")
	assert.Equal(t, "配偶", r.Loans[0].Repayers[1].Relation)
}

func TestInstallment(t *testing.T) {
	tests := []struct {
		principal int64
		rateBP    int
		term      int
		want      int64
	}{
		{100000000, 490, 360, 530727}, // 1,000,000 yuan, 4.9%, 30 years: 5307.27 a month
		{22000000, 325, 240, 124783},  // 220,000 yuan, 3.25%, 20 years: 1247.83
		{1200, 0, 12, 100},
		{1200, 325, 0, 1200},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatInt(tt.principal, 10)+" fen at "+strconv.Itoa(tt.rateBP)+" bp over "+strconv.Itoa(tt.term), func(t *testing.T) {
			assert.Equal(t, tt.want, installment(tt.principal, tt.rateBP, tt.term), "%+v", tt)
		})
	}
}

func TestScheduleFullyRepaid(t *testing.T) {
	for _, method := range []string{EqualInstallments, EqualPrincipal} {
		for _, tt := range []struct {
			principal int64
			rateBP    int
			term      int
		}{
			{22000000, 325, 240}, {100000000, 490, 360}, {1000000, 275, 120}, {99999999, 450, 12}, {12345, 325, 1},
		} {
			t.Run(method+" "+strconv.FormatInt(tt.principal, 10)+" fen at "+strconv.Itoa(tt.rateBP)+" bp over "+strconv.Itoa(tt.term), func(t *testing.T) {
				rows := schedule(tt.principal, tt.rateBP, tt.term, method, tt.term+5)
				require.Len(t, rows, tt.term, "never more rows than the term")
				checkSchedule(t, tt.principal, tt.rateBP, method, rows)
				var sum int64
				for _, r := range rows {
					sum += r.Principal
				}
				assert.Equal(t, tt.principal, sum, "%s %+v: principal repaid in full", method, tt)
				assert.Zero(t, rows[len(rows)-1].Balance)
				if method == EqualInstallments {
					last := rows[len(rows)-1].Sum
					// At most half a fen of rounding a period, grown by the interest.
					assert.InDelta(t, rows[0].Sum, last, float64(2*tt.term), "%+v: the last row takes only the rounding remainder", tt)
				}
			})
		}
	}
}

// checkSchedule checks repayment rows that start from the loan's full principal.
func checkSchedule(t *testing.T, principal int64, rateBP int, method string, rows []Repayment) {
	t.Helper()
	balance := principal
	for i, r := range rows {
		require.Equal(t, (balance*int64(rateBP)*2+monthsBP)/(2*monthsBP), r.Interest, "row %d: interest on the balance", i)
		require.Equal(t, balance-r.Principal, r.Balance, "row %d", i)
		require.Equal(t, r.Principal+r.Interest, r.Sum, "row %d", i)
		require.GreaterOrEqual(t, r.Balance, int64(0), "row %d", i)
		require.Positive(t, r.Principal, "row %d", i)
		balance = r.Balance
		if i == 0 || (i == len(rows)-1 && r.Balance == 0) {
			continue
		}
		if method == EqualInstallments {
			require.Equal(t, rows[0].Sum, r.Sum, "row %d: equal installments", i)
		} else {
			require.Equal(t, rows[0].Principal, r.Principal, "row %d: equal principal", i)
		}
	}
}

func TestPropertyConsistent(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 200; i++ {
		p := Profile{
			Seed:       rng.Int63() - rng.Int63(),
			Months:     rng.Intn(130) - 5,
			Loans:      rng.Intn(4),
			NoLoans:    rng.Intn(8) == 0,
			Repayments: rng.Intn(380) - 10,
			End:        Month{1975 + rng.Intn(140), rng.Intn(14)},
		}
		if i%20 == 0 {
			p.Months = rng.Intn(700)
		}
		r := Generate(p)
		if !checkReport(t, r) {
			t.Fatalf("profile %+v", p)
		}
		for _, o := range []JSONOptions{{}, {Variance: true, Shuffle: i%2 == 0}} {
			out := r.AppendJSON(nil, o)
			if !assertValidMembers(t, out) {
				t.Fatalf("profile %+v, options %+v", p, o)
			}
		}
	}
}

// checkReport checks that a report adds up, deriving what Truth says from the rows by
// its own means. It reports whether all checks passed.
func checkReport(t *testing.T, r *Report) bool {
	t.Helper()
	ok := true
	check := func(cond bool, format string, args ...any) {
		t.Helper()
		if !cond {
			ok = false
			t.Errorf(format, args...)
		}
	}
	checkHolder(t, r, check)
	checkBills(t, r, check)
	checkTruth(t, r, check)
	checkLoans(t, r, check)
	return ok
}

type checkFunc func(cond bool, format string, args ...any)

func checkHolder(t *testing.T, r *Report, check checkFunc) {
	t.Helper()
	h, b := r.Holder, r.Base
	check(ValidIDCard(h.IDCard), "ID card %q", h.IDCard)
	check(len(h.Mobile) == 11 && allDigits(h.Mobile) && h.Mobile[0] == '1', "mobile %q", h.Mobile)
	check(h.Name != "" && b.EmployeeName == h.Name && b.IDCard == h.IDCard && b.BindMobile == h.Mobile, "holder %+v in base %+v", h, b)
	check(b.Birthday == h.IDCard[6:14], "birthday %q of %q", b.Birthday, h.IDCard)
	male := (h.IDCard[16]-'0')%2 == 1
	check(male == (b.Gender == "男") && (b.Gender == "男" || b.Gender == "女"), "gender %q of %q", b.Gender, h.IDCard)
	ratio, err := strconv.ParseFloat(b.DepositRatioPersonal, 64)
	check(err == nil && ratio >= 5 && ratio <= 12 && len(b.DepositRatioPersonal) >= 4, "ratio %q", b.DepositRatioPersonal)
	check(b.DepositRatioCompany == b.DepositRatioPersonal, "ratios %q %q", b.DepositRatioPersonal, b.DepositRatioCompany)
	bp := int64(ratio*100 + 0.5)
	check(b.PersonalMonthPayAmount == (b.MonthPayBaseAmount*bp+5000)/10000, "personal %d = base %d × %d‱", b.PersonalMonthPayAmount, b.MonthPayBaseAmount, bp)
	check(b.CompanyMonthPayAmount == b.PersonalMonthPayAmount, "company %d, personal %d", b.CompanyMonthPayAmount, b.PersonalMonthPayAmount)
	check(b.MonthPayAmount == 2*b.PersonalMonthPayAmount, "month pay %d", b.MonthPayAmount)
	check(b.PayUntilDate == r.Truth.Latest.String(), "payUntilDate %q", b.PayUntilDate)
}

func checkBills(t *testing.T, r *Report, check checkFunc) {
	t.Helper()
	var balance int64
	prevDate := ""
	end := r.Truth.Latest
	var inYear, addYear, interestYear, interestLast, transferYear, receiveYear, lastYearBalance int64
	for i, b := range r.Bills {
		check(b.InAmount >= 0 && b.OutAmount >= 0 && (b.InAmount == 0) != (b.OutAmount == 0), "row %d: in %d out %d", i, b.InAmount, b.OutAmount)
		check(b.Balance == balance+b.InAmount-b.OutAmount, "row %d: balance %d after %d + %d - %d", i, b.Balance, balance, b.InAmount, b.OutAmount)
		check(b.Balance >= 0, "row %d: negative balance", i)
		check(b.PayArriveDate >= prevDate, "row %d: %s after %s", i, b.PayArriveDate, prevDate)
		year, _ := strconv.Atoi(b.PayArriveDate[:4])
		if year < end.Year {
			lastYearBalance = b.Balance
		}
		thisYear := year == end.Year
		switch b.Kind {
		case Contribution:
			check(b.Note == "汇缴"+strings.ReplaceAll(b.PayMonth, "-", "")+"公积金(个人单位)" || b.Note == "汇缴"+strings.ReplaceAll(b.PayMonth, "-", "")+"公积金", "row %d: note %q for %s", i, b.Note, b.PayMonth)
			check(strings.HasPrefix(b.PayArriveDate, b.PayMonth+"-"), "row %d: paid %s for %s", i, b.PayArriveDate, b.PayMonth)
			if thisYear {
				inYear += b.InAmount
			}
		case BackPayment:
			check(b.Note == "补缴"+strings.ReplaceAll(b.PayMonth, "-", "")+"公积金", "row %d: note %q", i, b.Note)
			check(b.PayMonth < b.PayArriveDate[:7], "row %d: back-payment for %s arrives %s", i, b.PayMonth, b.PayArriveDate)
			if thisYear {
				addYear += b.InAmount
			}
		case Interest:
			check(b.Note == "年度结息" && strings.HasSuffix(b.PayArriveDate, "-06-30"), "row %d: interest %q on %s", i, b.Note, b.PayArriveDate)
			check(b.InAmount == (balance*150+5000)/10000, "row %d: interest %d on %d", i, b.InAmount, balance)
			if thisYear {
				interestYear += b.InAmount
			} else if year == end.Year-1 {
				interestLast += b.InAmount
			}
		case TransferIn:
			check(strings.Contains(b.Note, "转入"), "row %d: note %q", i, b.Note)
			if thisYear {
				transferYear += b.InAmount
			}
		case Withdrawal:
			check(strings.Contains(b.Note, "提取") && b.OutAmount <= balance, "row %d: withdrawal %q of %d from %d", i, b.Note, b.OutAmount, balance)
			if thisYear {
				receiveYear += b.OutAmount
			}
		}
		contribution := b.Kind == Contribution || b.Kind == BackPayment
		check(contribution == (b.PayMonth != "") && contribution == (b.PayBase > 0), "row %d: %+v", i, b)
		check(!contribution || b.InAmount%2 == 0, "row %d: personal and company pay alike, %d", i, b.InAmount)
		balance = b.Balance
		prevDate = b.PayArriveDate
	}
	base := r.Base
	check(base.HouseFundBalance == balance && r.Truth.FinalBalance == balance, "final balance %d, base %d, truth %d", balance, base.HouseFundBalance, r.Truth.FinalBalance)
	check(base.InYearPayAmount == inYear, "inYearPayAmount %d, rows %d", base.InYearPayAmount, inYear)
	check(base.InYearAddPayAmount == addYear, "inYearAddPayAmount %d, rows %d", base.InYearAddPayAmount, addYear)
	check(base.InYearInterest == interestYear, "inYearInterest %d, rows %d", base.InYearInterest, interestYear)
	check(base.LastYearInterest == interestLast, "lastYearInterest %d, rows %d", base.LastYearInterest, interestLast)
	check(base.InYearTransferIn == transferYear, "inYearTranerin %d, rows %d", base.InYearTransferIn, transferYear)
	check(base.InYearReceiveAmount == receiveYear, "inYearReceiveAmount %d, rows %d", base.InYearReceiveAmount, receiveYear)
	check(base.LastYearBalance == lastYearBalance, "lastYearBalance %d, rows %d", base.LastYearBalance, lastYearBalance)
	if len(r.Bills) > 0 {
		check(base.OpenAccountDate <= r.Bills[0].PayArriveDate, "opened %s after %s", base.OpenAccountDate, r.Bills[0].PayArriveDate)
	}
}

// checkTruth derives Truth from the rows by its own loop.
func checkTruth(t *testing.T, r *Report, check checkFunc) {
	t.Helper()
	paid := map[string]bool{}
	var months []string
	var total, withdrawn, interest int64
	withdrawals := 0
	type span struct{ name, first, last string }
	var employers []span
	latestBase, latestTotal := int64(0), int64(0)
	for _, b := range r.Bills {
		switch b.Kind {
		case Contribution, BackPayment:
			total += b.InAmount
			if !paid[b.PayMonth] {
				paid[b.PayMonth] = true
				months = append(months, b.PayMonth)
			}
			found := false
			for i := range employers {
				if employers[i].name == b.CompanyName {
					found = true
					employers[i].first = min(employers[i].first, b.PayMonth)
					employers[i].last = max(employers[i].last, b.PayMonth)
				}
			}
			if !found {
				employers = append(employers, span{b.CompanyName, b.PayMonth, b.PayMonth})
			}
			if b.Kind == Contribution {
				latestBase, latestTotal = b.PayBase, b.InAmount
			}
		case Withdrawal:
			withdrawals++
			withdrawn += b.OutAmount
		case Interest:
			interest += b.InAmount
		}
	}
	sort.Strings(months)
	sort.Slice(employers, func(i, j int) bool { return employers[i].first < employers[j].first })
	truth := r.Truth
	var got []string
	for _, m := range truth.ContributedMonths {
		got = append(got, m.String())
	}
	check(strings.Join(got, ",") == strings.Join(months, ","), "contributed months %v, rows %v", got, months)
	if len(months) > 0 {
		check(truth.Latest.String() == months[len(months)-1], "latest %v, rows %s", truth.Latest, months[len(months)-1])
	}
	consecutive := 0
	for m := truth.Latest; paid[m.String()]; m = m.Add(-1) {
		consecutive++
	}
	check(truth.Consecutive == consecutive, "consecutive %d, rows %d", truth.Consecutive, consecutive)
	check(truth.TotalContributions == total, "total contributions %d, rows %d", truth.TotalContributions, total)
	check(truth.Withdrawals == withdrawals && truth.WithdrawalTotal == withdrawn, "withdrawals %d %d, rows %d %d", truth.Withdrawals, truth.WithdrawalTotal, withdrawals, withdrawn)
	check(truth.InterestTotal == interest, "interest %d, rows %d", truth.InterestTotal, interest)
	check(truth.Base == latestBase && truth.Base == r.Base.MonthPayBaseAmount, "base %d, rows %d, baseInfo %d", truth.Base, latestBase, r.Base.MonthPayBaseAmount)
	check(truth.MonthlyTotal == latestTotal && truth.MonthlyTotal == r.Base.MonthPayAmount, "monthly %d, rows %d, baseInfo %d", truth.MonthlyTotal, latestTotal, r.Base.MonthPayAmount)
	check(len(truth.Employers) == len(employers), "employers %+v, rows %+v", truth.Employers, employers)
	for i := 0; i < len(truth.Employers) && i < len(employers); i++ {
		e := truth.Employers[i]
		check(e.Name == employers[i].name && e.First.String() == employers[i].first && e.Last.String() == employers[i].last, "employer %d: %+v, rows %+v", i, e, employers[i])
	}
	if len(truth.Employers) > 0 {
		check(r.Base.CompanyName == truth.Employers[len(truth.Employers)-1].Name, "company %q", r.Base.CompanyName)
	}
}

func checkLoans(t *testing.T, r *Report, check checkFunc) {
	t.Helper()
	var outstanding int64
	overdues := 0
	for k, l := range r.Loans {
		d := l.Detail
		check(len(l.Repayments) >= 2 && l.Repayments[0].Describe == "贷款发放" && l.Repayments[0].Balance == d.LoanAmount, "loan %d: disbursement %+v", k, l.Repayments[0])
		check(d.LoanDate == l.Repayments[0].Date, "loan %d: loan date %s", k, d.LoanDate)
		rows := l.Repayments[1:]
		checkSchedule(t, d.LoanAmount, l.RateBP, d.PaymentType, rows)
		var principal, interest, penalties int64
		late := -1
		for i, p := range rows {
			principal += p.Principal
			interest += p.Interest
			penalties += p.RepayPunishInterest
			check(p.BankDeduction == p.Sum+p.RepayPunishInterest, "loan %d row %d: deduction %d", k, i, p.BankDeduction)
			check(strings.ReplaceAll(p.Date[:7], "-", "") == p.RepayMonth, "loan %d row %d: %s for %s", k, i, p.Date, p.RepayMonth)
			if i > 0 {
				check(p.Date > rows[i-1].Date, "loan %d row %d: %s after %s", k, i, p.Date, rows[i-1].Date)
			}
			if p.Describe == "逾期还款" {
				late = i
			}
		}
		last := rows[len(rows)-1]
		check(last.RepayMonth == r.Truth.Latest.compact(), "loan %d: last repayment %s", k, last.RepayMonth)
		check(d.LoanBalance == last.Balance && d.LoanBalance == d.LoanAmount-principal, "loan %d: balance %d", k, d.LoanBalance)
		check(d.DuePrincipal == principal && d.RepayInterest == interest, "loan %d: repaid %d %d, rows %d %d", k, d.DuePrincipal, d.RepayInterest, principal, interest)
		check(d.ReceivePunishInterest == penalties, "loan %d: penalties %d, rows %d", k, d.ReceivePunishInterest, penalties)
		check(d.PaymentAmount == last.Sum, "loan %d: payment amount %d", k, d.PaymentAmount)
		check(d.LoanRate == ratioText(l.RateBP)+"%" && d.LoanLength == strconv.Itoa(l.Term/12)+"年", "loan %d: %s %s", k, d.LoanRate, d.LoanLength)
		check(len(rows) <= l.Term && (d.LoanBalance == 0) == (len(rows) == l.Term) && (d.LoanStatus == "结清") == (d.LoanBalance == 0), "loan %d: %d of %d, balance %d, %s", k, len(rows), l.Term, d.LoanBalance, d.LoanStatus)
		check(d.HisOverdueCount == len(l.Overdues) && (late >= 0) == (len(l.Overdues) == 1), "loan %d: %d overdue, rows %d", k, d.HisOverdueCount, len(l.Overdues))
		if late >= 0 && len(l.Overdues) == 1 {
			o, p := l.Overdues[0], rows[late]
			check(o.Date == p.RepayMonth && o.Principal == p.Principal && o.Interest == p.Interest && o.Penalty == p.RepayPunishInterest && o.Penalty > 0, "loan %d: overdue %+v for %+v", k, o, p)
			check(o.Summary == o.Principal+o.Interest+o.Penalty && o.OverdueBalance == 0, "loan %d: overdue %+v", k, o)
			check(d.HisOverdueAmount == p.Sum, "loan %d: overdue amount %d", k, d.HisOverdueAmount)
		}
		check(len(l.Repayers) >= 1 && l.Repayers[0].RepayName == r.Holder.Name && l.Repayers[0].IDCard == r.Holder.IDCard, "loan %d: repayers %+v", k, l.Repayers)
		for _, p := range l.Repayers[1:] {
			check(ValidIDCard(p.IDCard) && p.IDCard != r.Holder.IDCard, "loan %d: co-borrower %+v", k, p)
		}
		outstanding += d.LoanBalance
		overdues += d.HisOverdueCount
	}
	check(r.Truth.LoansOutstanding == outstanding, "outstanding %d, loans %d", r.Truth.LoansOutstanding, outstanding)
	check(r.Truth.OverduePeriods == overdues, "overdue periods %d, loans %d", r.Truth.OverduePeriods, overdues)
	check(len(r.Loans) == 0 || r.Truth.OverduePeriods == 1, "overdue periods %d", r.Truth.OverduePeriods)
}

func BenchmarkGenerate(b *testing.B) {
	p := Profile{Seed: 1, Months: MaxMonths, Loans: 2, Repayments: MaxRepayments}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Generate(p)
	}
}

// The largest profile is tens of thousands of rows: enough to load a decoder.
func TestLargestProfile(t *testing.T) {
	r := Generate(Profile{Seed: 5, Months: MaxMonths, Loans: MaxLoans, Repayments: MaxRepayments})
	rows := len(r.Bills)
	for _, l := range r.Loans {
		rows += len(l.Repayments) + len(l.Overdues) + len(l.Repayers)
	}
	assert.Greater(t, rows, 20000)
	out := r.AppendJSON(nil, JSONOptions{Variance: true})
	assert.True(t, json.Valid(append(append([]byte{'{'}, out...), '}')))
	t.Logf("%d rows, %d bytes of JSON", rows, len(out))
}
