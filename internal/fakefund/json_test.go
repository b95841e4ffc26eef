package fakefund

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// yuan is the float64 that encoding/json reads for an amount of fen.
func yuan(fen int64) float64 { return float64(fen) / 100 }

// object wraps members into a JSON object.
func object(members []byte) []byte {
	return append(append([]byte{'{'}, members...), '}')
}

// assertValidMembers asserts that out is the members of a valid JSON object.
func assertValidMembers(t *testing.T, out []byte) bool {
	t.Helper()
	return assert.True(t, json.Valid(object(out)), "invalid JSON: %s", out)
}

func TestPlainJSONMatchesReport(t *testing.T) {
	for _, p := range []Profile{{Seed: 11}, {Seed: 12, Loans: 3, Months: 120, Repayments: 100}} {
		r := Generate(p)
		out := r.AppendJSON(nil, JSONOptions{})
		dec := json.NewDecoder(bytes.NewReader(object(out)))
		dec.DisallowUnknownFields()
		var got PlainData
		require.NoError(t, dec.Decode(&got))
		assert.NotContains(t, string(out), "null")
		assert.NotContains(t, string(out), `" `, "no padded string")

		b := r.Base
		assert.Equal(t, PlainBase{
			b.Birthday, b.EmployeeName, b.HouseFundStatus, yuan(b.PersonalMonthPayAmount),
			yuan(b.InYearAddPayAmount), b.Gender, yuan(b.InYearInterest), yuan(b.InYearTransferIn),
			yuan(b.InYearReceiveAmount), b.OpenAccountDate, b.IDCard, b.PayUntilDate, b.CompanyName,
			b.CardType, yuan(b.LastYearBalance), yuan(b.LastYearInterest), yuan(b.InYearPayAmount),
			yuan(b.MonthPayAmount), b.BindMobile, yuan(b.CompanyMonthPayAmount), yuan(b.MonthPayBaseAmount),
			b.EmployeeAccountNum, yuan(b.HouseFundBalance), b.BankAccount, b.BankName, b.CompanyAccountNum,
			b.DepositManageDept, b.BelongOffice, b.DepositRatioPersonal, b.DepositRatioCompany, b.NameAuth,
			b.BindEmail, b.HouseFundAccount, b.HomeAddress,
		}, *got.BaseInfo)

		require.Len(t, got.BillInfos, len(r.Bills))
		for i, b := range r.Bills {
			assert.Equal(t, PlainBill{b.Note, yuan(b.PayBase), yuan(b.Balance), b.PayArriveDate,
				yuan(b.InAmount), b.CompanyName, b.PayMonth, yuan(b.OutAmount)}, got.BillInfos[i], "bill %d", i)
		}

		require.Len(t, got.LoanInfos, len(r.Loans))
		for k, l := range r.Loans {
			g, d := got.LoanInfos[k], l.Detail
			assert.Equal(t, PlainDetail{
				d.LoanName, d.LoanIDCard, d.LoanPhone, d.Address, d.HouseAddress, d.CompanyName, d.BankName,
				d.BankAccount, d.LoanNum, yuan(d.LoanAmount), d.LoanType, d.LoanLength, d.LoanRate,
				d.LoanStatus, d.LoanDate, d.LoanEndDate, d.HouseType, d.GuaranteeType, d.PaymentType,
				d.PaymentDay, yuan(d.PaymentAmount), yuan(d.DuePrincipal), yuan(d.OverdueAmount),
				yuan(d.LoanBalance), d.HisOverdueCount, yuan(d.RepayInterest), yuan(d.MonthLowestRepay),
				yuan(d.CurrentOverdueInterest), d.CurrentOverdueCount, yuan(d.HisOverdueAmount),
				d.IsMonthHedge, d.GjjLoanNum, d.CommercialLoanNum, yuan(d.ReceivePunishInterest),
				d.LoanApplyStatus,
			}, g.DetailInfo, "loan %d", k)
			assert.Equal(t, l.Repayers, g.LoanRepayerInfos, "loan %d", k)
			require.Len(t, g.LoanRepayInfos, len(l.Repayments))
			for i, p := range l.Repayments {
				assert.Equal(t, PlainRepay{p.Date, p.RepayMonth, yuan(p.Principal), yuan(p.Interest),
					yuan(p.Sum), yuan(p.BankDeduction), yuan(p.SelfHedge), yuan(p.MateHedge),
					yuan(p.Balance), p.Describe, yuan(p.RepayPunishInterest)}, g.LoanRepayInfos[i], "loan %d row %d", k, i)
			}
			require.Len(t, g.LoanOverdueInfos, len(l.Overdues))
			for i, o := range l.Overdues {
				assert.Equal(t, PlainOverdue{o.Date, yuan(o.Principal), yuan(o.Interest), yuan(o.Penalty),
					yuan(o.OverdueBalance), yuan(o.Summary)}, g.LoanOverdueInfos[i], "loan %d overdue %d", k, i)
			}
		}
	}
}

// normalize turns decoded JSON into what a tolerant reader sees: strings trimmed,
// numbers and numeric strings as exact decimals rounded to the fen, and "", null and
// zero all blank.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = normalize(x)
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = normalize(x)
		}
		return v
	case nil:
		return ""
	case json.Number:
		return decimal(v.String())
	case string:
		s := strings.TrimSpace(v)
		if s != "" && allDigits(strings.Replace(s, ".", "", 1)) {
			return decimal(s)
		}
		return s
	}
	return v
}

// decimal rounds decimal text to two places, exactly; zero is blank.
func decimal(s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return s
	}
	if r.Sign() == 0 {
		return ""
	}
	return r.FloatString(2)
}

// decodeNormalized decodes the members of a data object and normalizes them.
func decodeNormalized(t *testing.T, out []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(object(out)))
	dec.UseNumber()
	var v map[string]any
	require.NoError(t, dec.Decode(&v))
	return normalize(v).(map[string]any)
}

// dropUnknown removes from got the object members that want does not have.
func dropUnknown(got, want any) {
	switch g := got.(type) {
	case map[string]any:
		w, _ := want.(map[string]any)
		for k := range g {
			if _, ok := w[k]; !ok {
				delete(g, k)
				continue
			}
			dropUnknown(g[k], w[k])
		}
	case []any:
		w, _ := want.([]any)
		for i := range g {
			if i < len(w) {
				dropUnknown(g[i], w[i])
			}
		}
	}
}

func TestVarianceMeansTheSame(t *testing.T) {
	for seed := int64(0); seed < 30; seed++ {
		r := Generate(Profile{Seed: seed, Loans: 2})
		plain := r.AppendJSON(nil, JSONOptions{})
		varied := r.AppendJSON(nil, JSONOptions{Variance: true})
		require.True(t, json.Valid(object(varied)), "seed %d: %s", seed, varied)
		want, got := decodeNormalized(t, plain), decodeNormalized(t, varied)
		dropUnknown(got, want)
		require.Equal(t, want, got, "seed %d", seed)
	}
}

func TestVarianceVaries(t *testing.T) {
	var all []byte
	for seed := int64(0); seed < 40; seed++ {
		all = Generate(Profile{Seed: seed}).AppendJSON(all, JSONOptions{Variance: true})
	}
	s := string(all)
	for _, want := range []string{
		`":null`,                   // an empty amount as null
		`":""`,                     // an empty amount as ""
		`Amount":"`,                // an amount as a string
		`0000000000`,               // float noise
		`99999999999`,              // float noise downwards
		`":" `,                     // a padded string
		`OverdueCount":"`,          // a count as a string
		`"repayNo":2`,              // a digit string as a number
		`"accountType":"个人账户"`,     // an unknown field
		`"loanName":" `,            // a padded loan, as in the document
		`"describe":"贷款发放"`,        // the disbursement row
		`"hisOverdueCount":1`,      // the overdue episode
		`"payMonth":"`,             // contributions name their month
		`"note":"补缴`,               // the back-payment
		`"paymentType":"` + "等额本金", // both methods
	} {
		assert.Contains(t, s, want)
	}
}

func TestAppendJSONOptions(t *testing.T) {
	r := Generate(Profile{Seed: 21})
	sections := []string{SectionBase, SectionBills, SectionLoans}
	for mask := 0; mask < 8; mask++ {
		var omit []string
		for i, s := range sections {
			if mask&(1<<i) != 0 {
				omit = append(omit, s)
			}
		}
		for _, o := range []JSONOptions{{Omit: omit}, {Omit: omit, Variance: true}, {Omit: omit, Shuffle: true}, {Omit: omit, Variance: true, Shuffle: true}} {
			out := r.AppendJSON([]byte(`"code":"40002",`), o)
			require.True(t, bytes.HasPrefix(out, []byte(`"code":"40002",`)), "appends to dst")
			if mask == 7 {
				assert.Equal(t, `"code":"40002",`, string(out), "nothing to write")
				continue
			}
			var got map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(object(out), &got), "%+v: %s", o, out)
			for _, s := range sections {
				_, present := got[s]
				assert.Equal(t, !o.omits(s), present, "%+v: %s", o, s)
			}
		}
	}
}

func TestAppendJSONShuffle(t *testing.T) {
	r := Generate(Profile{Seed: 4})
	var plain, shuffled PlainData
	require.NoError(t, json.Unmarshal(object(r.AppendJSON(nil, JSONOptions{})), &plain))
	require.NoError(t, json.Unmarshal(object(r.AppendJSON(nil, JSONOptions{Shuffle: true})), &shuffled))
	n := len(plain.BillInfos)
	require.Len(t, shuffled.BillInfos, n)
	for i := range plain.BillInfos {
		assert.Equal(t, plain.BillInfos[i], shuffled.BillInfos[n-1-i])
	}
	assert.Greater(t, shuffled.BillInfos[0].PayArriveDate, shuffled.BillInfos[n-1].PayArriveDate, "newest first")
}

func TestAppendString(t *testing.T) {
	for s, want := range map[string]string{
		"":                        "",
		"张三":                      "张三",
		`a"b\c`:                   `a"b\c`,
		"tab\tnew\nline\r":        "tab\tnew\nline\r",
		"\x00\x1f\x7f":            "\x00\x1f\x7f",
		"bad \xff utf-8 \xe4\xb8": "bad \uFFFD utf-8 \uFFFD\uFFFD",
		"\u2028":                  "\u2028",
	} {
		t.Run(s, func(t *testing.T) {
			out := appendString(nil, s)
			var got string
			require.NoError(t, json.Unmarshal(out, &got), "%q as %s", s, out)
			assert.Equal(t, want, got)
		})
	}
	h := Holder{Name: "O\"Brien\n\xff", IDCard: "x", Mobile: `\`}
	out := Generate(Profile{Holder: h}).AppendJSON(nil, JSONOptions{Variance: true})
	assertValidMembers(t, out)
}

func TestAppendYuan(t *testing.T) {
	for fen, want := range map[int64]string{
		0: "0", 5: "0.05", 50: "0.5", 105400: "1054", 6490380: "64903.8", 439167: "4391.67", -5: "-0.05", -105400: "-1054",
	} {
		t.Run(want, func(t *testing.T) {
			assert.Equal(t, want, string(appendYuan(nil, fen)))
		})
	}
	assert.Equal(t, "1054.00", string(appendYuan2(nil, 105400)))
	assert.Equal(t, "-0.05", string(appendYuan2(nil, -5)))
}

func BenchmarkAppendJSON(b *testing.B) {
	r := Generate(Profile{Seed: 1, Months: MaxMonths, Loans: 2, Repayments: MaxRepayments})
	for _, o := range []struct {
		name string
		opts JSONOptions
	}{{"plain", JSONOptions{}}, {"variance", JSONOptions{Variance: true}}} {
		b.Run(o.name, func(b *testing.B) {
			buf := r.AppendJSON(nil, o.opts)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				buf = r.AppendJSON(buf[:0], o.opts)
			}
		})
	}
}

// TestConcurrentUse checks that reports can be generated and written from many
// goroutines at once, as a sandbox server does (run with -race).
func TestConcurrentUse(t *testing.T) {
	shared := Generate(Profile{Seed: 8})
	want := string(shared.AppendJSON(nil, JSONOptions{Variance: true}))
	results := make(chan string, 8)
	for i := 0; i < cap(results); i++ {
		go func(i int) {
			if i%2 == 0 {
				results <- string(shared.AppendJSON(nil, JSONOptions{Variance: true}))
				return
			}
			results <- string(Generate(Profile{Seed: 8}).AppendJSON(nil, JSONOptions{Variance: true}))
		}(i)
	}
	for i := 0; i < cap(results); i++ {
		assert.Equal(t, want, <-results)
	}
}
