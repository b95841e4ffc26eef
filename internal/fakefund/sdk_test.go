package fakefund_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/internal/fakefund"
)

// TestSDKReadsReports decodes generated reports, plain and with variance, with the
// SDK's own types, and checks that every value arrives to the fen. (An external test:
// the package itself must not import the SDK.)
func TestSDKReadsReports(t *testing.T) {
	for seed := int64(0); seed < 25; seed++ {
		r := fakefund.Generate(fakefund.Profile{Seed: seed, Loans: 2, Months: 60})
		for _, o := range []fakefund.JSONOptions{{}, {Variance: true}} {
			data := []byte(`{"code":"40001","msg":"爬取结束","tid":"t1",`)
			data = append(r.AppendJSON(data, o), '}')
			var got tcredit.FundResult
			require.NoError(t, json.Unmarshal(data, &got), "seed %d %+v", seed, o)
			require.NotNil(t, got.BaseInfo)
			b := r.Base
			gb := got.BaseInfo
			assert.Equal(t, b.EmployeeName, gb.EmployeeName)
			assert.Equal(t, b.IDCard, gb.IDCard)
			assert.Equal(t, b.BindMobile, gb.BindMobile)
			assert.Equal(t, b.CompanyAccountNum, gb.CompanyAccountNum)
			assert.Equal(t, b.PayUntilDate, gb.PayUntilDate)
			assert.Equal(t, b.DepositRatioPersonal, gb.DepositRatioPersonal)
			assert.Equal(t, b.HouseFundBalance, int64(gb.HouseFundBalance), "seed %d", seed)
			assert.Equal(t, b.MonthPayBaseAmount, int64(gb.MonthPayBaseAmount))
			assert.Equal(t, b.MonthPayAmount, int64(gb.MonthPayAmount))
			assert.Equal(t, b.PersonalMonthPayAmount, int64(gb.PersonalMonthPayAmount))
			assert.Equal(t, b.CompanyMonthPayAmount, int64(gb.CompanyMonthPayAmount))
			assert.Equal(t, b.InYearPayAmount, int64(gb.InYearPayAmount))
			assert.Equal(t, b.InYearReceiveAmount, int64(gb.InYearReceiveAmount))
			assert.Equal(t, b.LastYearBalance, int64(gb.LastYearBalance))

			require.Len(t, got.BillInfos, len(r.Bills))
			for i, b := range r.Bills {
				g := got.BillInfos[i]
				assert.Equal(t, []any{b.Note, b.PayMonth, b.PayArriveDate, b.CompanyName, b.PayBase, b.InAmount, b.OutAmount, b.Balance},
					[]any{g.Note, g.PayMonth, g.PayArriveDate, g.CompanyName, int64(g.PayBase), int64(g.InAmount), int64(g.OutAmount), int64(g.Balance)},
					"seed %d bill %d", seed, i)
			}

			require.Len(t, got.LoanInfos, len(r.Loans))
			for k, l := range r.Loans {
				g, d := got.LoanInfos[k], l.Detail
				gd := g.DetailInfo
				assert.Equal(t, []any{d.LoanName, d.LoanDate, d.LoanRate, d.PaymentType, d.PaymentDay, d.LoanAmount, d.LoanBalance, d.DuePrincipal, d.RepayInterest, d.HisOverdueCount, d.HisOverdueAmount},
					[]any{gd.LoanName, gd.LoanDate, gd.LoanRate, gd.PaymentType, gd.PaymentDay, int64(gd.LoanAmount), int64(gd.LoanBalance), int64(gd.DuePrincipal), int64(gd.RepayInterest), gd.HisOverdueCount, int64(gd.HisOverdueAmount)},
					"seed %d loan %d", seed, k)
				require.Len(t, g.LoanRepayerInfos, len(l.Repayers))
				for i, p := range l.Repayers {
					assert.Equal(t, []string{p.RepayNo, p.RepayName, p.IDCard, p.Phone, p.Relation},
						[]string{g.LoanRepayerInfos[i].RepayNo, g.LoanRepayerInfos[i].RepayName, g.LoanRepayerInfos[i].IDCard, g.LoanRepayerInfos[i].Phone, g.LoanRepayerInfos[i].Relation})
				}
				require.Len(t, g.LoanRepayInfos, len(l.Repayments))
				for i, p := range l.Repayments {
					gp := g.LoanRepayInfos[i]
					assert.Equal(t, []any{p.Date, p.RepayMonth, p.Describe, p.Principal, p.Interest, p.Sum, p.BankDeduction, p.Balance, p.RepayPunishInterest},
						[]any{gp.Date, gp.RepayMonth, gp.Describe, int64(gp.Principal), int64(gp.Interest), int64(gp.Sum), int64(gp.BankDeduction), int64(gp.Balance), int64(gp.RepayPunishInterest)},
						"seed %d loan %d row %d", seed, k, i)
				}
				require.Len(t, g.LoanOverdueInfos, len(l.Overdues))
				for i, o := range l.Overdues {
					gov := g.LoanOverdueInfos[i]
					assert.Equal(t, []any{o.Date, o.Principal, o.Interest, o.Penalty, o.Summary},
						[]any{gov.Date, int64(gov.Principal), int64(gov.Interest), int64(gov.Penalty), int64(gov.Summary)})
				}
			}
		}
	}
}
