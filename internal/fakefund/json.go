package fakefund

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// The sections of a report, as named in JSONOptions.Omit and in a response's fail list.
const (
	SectionBase  = "baseInfo"
	SectionBills = "billInfos"
	SectionLoans = "loanInfos"
)

// JSONOptions says how to write a report.
type JSONOptions struct {
	// Variance writes with the type variance of real servers: some amounts as strings
	// or with float noise, some zero amounts as "" or null, some strings padded with
	// a space, some counts as strings, some digit strings as numbers, an unknown field
	// now and then. The choices are drawn from the report's seed. Without Variance the
	// JSON is plain and well typed: every amount a number, no padding, no null.
	Variance bool
	// Omit lists sections to leave out: "baseInfo", "billInfos", "loanInfos" (a
	// partial report, code 40002).
	Omit []string
	// Shuffle writes billInfos newest first, as some servers do; by default they are
	// written as generated, oldest first.
	Shuffle bool
}

// omits reports whether o leaves section out.
func (o JSONOptions) omits(section string) bool {
	for _, s := range o.Omit {
		if s == section {
			return true
		}
	}
	return false
}

// AppendJSON appends the report as the members of a getFundB data object, without the
// surrounding braces:
//
//	"baseInfo":{...},"billInfos":[...],"loanInfos":[...]
//
// so that the caller can add "code", "msg", "tid", "fail" and "createTime" around it.
// Omitted sections are not written; with all three omitted nothing is appended. The
// same report and options always give the same bytes.
func (r *Report) AppendJSON(dst []byte, o JSONOptions) []byte {
	w := writer{b: dst, variance: o.Variance, rng: mix(uint64(r.seed) ^ 0x2545F4914F6CDD1D)}
	if !o.omits(SectionBase) {
		w.key(SectionBase)
		w.base(&r.Base)
	}
	if !o.omits(SectionBills) {
		w.key(SectionBills)
		w.open('[')
		n := len(r.Bills)
		for i := range r.Bills {
			if o.Shuffle {
				i = n - 1 - i
			}
			w.bill(&r.Bills[i], i)
		}
		w.close(']')
	}
	if !o.omits(SectionLoans) {
		w.key(SectionLoans)
		w.open('[')
		for i := range r.Loans {
			w.loan(&r.Loans[i])
		}
		w.close(']')
	}
	return w.b
}

// writer appends JSON by hand. In variance mode it draws its choices from a small
// deterministic generator, so that writing needs no allocation of its own.
type writer struct {
	b        []byte
	variance bool
	rng      uint64 // splitmix64 state
	comma    bool   // a value was written at this level: the next one needs a comma
	pad      bool   // pad every string of the current object
}

// chance reports true with the given percent probability in variance mode, and false
// otherwise.
func (w *writer) chance(percent uint64) bool {
	if !w.variance {
		return false
	}
	w.rng += 0x9E3779B97F4A7C15
	return mix(w.rng)%100 < percent
}

// mix is the output function of splitmix64.
func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// sep writes the comma before a member or an element when one is due.
func (w *writer) sep() {
	if w.comma {
		w.b = append(w.b, ',')
	}
	w.comma = true
}

// open starts an object or an array as an element or a member value.
func (w *writer) open(c byte) {
	w.b = append(w.b, c)
	w.comma = false
}

// close ends an object or an array.
func (w *writer) close(c byte) {
	w.b = append(w.b, c)
	w.comma = true
}

// element starts an object as an element of an array.
func (w *writer) element() {
	w.sep()
	w.open('{')
}

// key writes a member's name and colon.
func (w *writer) key(k string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
}

// str writes a string member, padded with a space now and then in variance mode.
func (w *writer) str(k, v string) {
	w.key(k)
	if v == "" || !(w.pad || w.chance(3)) {
		w.b = appendString(w.b, v)
		return
	}
	if w.chance(80) {
		w.b = append(w.b, '"', ' ')
		w.b = appendEscaped(w.b, v)
		w.b = append(w.b, '"')
		return
	}
	w.b = append(w.b, '"')
	w.b = appendEscaped(w.b, v)
	w.b = append(w.b, ' ', '"')
}

// digits writes a string of decimal digits, which variance mode sometimes writes as
// a JSON number when that loses nothing (no leading zero, no more than 15 digits).
func (w *writer) digits(k, v string) {
	if len(v) > 0 && len(v) <= 15 && v[0] != '0' && allDigits(v) && w.chance(25) {
		w.key(k)
		w.b = append(w.b, v...)
		return
	}
	w.str(k, v)
}

// count writes an integer member, as a string now and then in variance mode.
func (w *writer) count(k string, n int) {
	w.key(k)
	if w.chance(30) {
		w.b = append(w.b, '"')
		w.b = strconv.AppendInt(w.b, int64(n), 10)
		w.b = append(w.b, '"')
		return
	}
	w.b = strconv.AppendInt(w.b, int64(n), 10)
}

// maxNoisy bounds the amounts in fen written with float noise: below it one step of
// float64 is far less than half a fen.
const maxNoisy = 1 << 40

// amount writes a sum of fen as decimal yuan. Variance mode writes some amounts as
// strings, some with the noise of a float sum (309.46000000000004), and some zeros as
// "" or null.
func (w *writer) amount(k string, fen int64) {
	w.key(k)
	if !w.variance {
		w.b = appendYuan(w.b, fen)
		return
	}
	switch {
	case fen == 0 && w.chance(10):
		w.b = append(w.b, `""`...)
	case fen == 0 && w.chance(10):
		w.b = append(w.b, "null"...)
	case w.chance(20):
		w.b = append(w.b, '"')
		w.b = appendYuan2(w.b, fen)
		w.b = append(w.b, '"')
	case fen != 0 && fen > -maxNoisy && fen < maxNoisy && w.chance(20):
		f := float64(fen) / 100
		dir := math.Inf(1)
		if w.chance(50) {
			dir = math.Inf(-1)
		}
		w.b = strconv.AppendFloat(w.b, math.Nextafter(f, dir), 'f', -1, 64)
	default:
		w.b = appendYuan(w.b, fen)
	}
}

// extra writes an unknown member now and then in variance mode, as newer servers do.
func (w *writer) extra(k, v string) {
	if w.chance(10) {
		w.key(k)
		w.b = appendString(w.b, v)
	}
}

func (w *writer) base(b *Base) {
	w.open('{')
	w.str("birthday", b.Birthday)
	w.str("employeeName", b.EmployeeName)
	w.str("houseFundStatus", b.HouseFundStatus)
	w.amount("personalMonthPayAmount", b.PersonalMonthPayAmount)
	w.amount("inYearAddPayAmount", b.InYearAddPayAmount)
	w.str("gender", b.Gender)
	w.amount("inYearInterest", b.InYearInterest)
	w.amount("inYearTranerin", b.InYearTransferIn)
	w.amount("inYearReceiveAmount", b.InYearReceiveAmount)
	w.str("openAccountDate", b.OpenAccountDate)
	w.str("idCard", b.IDCard)
	w.str("payUntilDate", b.PayUntilDate)
	w.str("companyName", b.CompanyName)
	w.str("cardType", b.CardType)
	w.amount("lastYearBalance", b.LastYearBalance)
	w.amount("lastYearInterest", b.LastYearInterest)
	w.amount("inYearPayAmount", b.InYearPayAmount)
	w.amount("monthPayAmount", b.MonthPayAmount)
	w.digits("bindMobile", b.BindMobile)
	w.amount("companyMonthPayAmount", b.CompanyMonthPayAmount)
	w.amount("monthPayBaseAmount", b.MonthPayBaseAmount)
	w.str("employeeAccountNum", b.EmployeeAccountNum)
	w.amount("houseFundBalance", b.HouseFundBalance)
	w.str("bankAccount", b.BankAccount)
	w.str("bankName", b.BankName)
	w.digits("companyAccountNum", b.CompanyAccountNum)
	w.str("depositManageDept", b.DepositManageDept)
	w.str("belongOffice", b.BelongOffice)
	w.str("depositRatioPersonal", b.DepositRatioPersonal)
	w.str("depositRatioCompany", b.DepositRatioCompany)
	w.str("nameAuth", b.NameAuth)
	w.str("bindEmail", b.BindEmail)
	w.digits("houseFundAccount", b.HouseFundAccount)
	w.str("homeAddress", b.HomeAddress)
	w.extra("accountType", "个人账户")
	w.close('}')
}

func (w *writer) bill(b *Bill, i int) {
	w.element()
	w.str("note", b.Note)
	w.amount("payBase", b.PayBase)
	w.amount("balance", b.Balance)
	w.str("payArriveDate", b.PayArriveDate)
	w.amount("inAmount", b.InAmount)
	w.str("companyName", b.CompanyName)
	if b.PayMonth != "" {
		w.str("payMonth", b.PayMonth)
	}
	w.amount("outAmount", b.OutAmount)
	if w.chance(5) {
		w.key("seqNo")
		w.b = strconv.AppendInt(w.b, int64(i+1), 10)
	}
	w.close('}')
}

func (w *writer) loan(l *Loan) {
	w.element()
	w.key("detailInfo")
	w.detail(&l.Detail)
	w.key("loanRepayerInfos")
	w.open('[')
	for i := range l.Repayers {
		w.repayer(&l.Repayers[i])
	}
	w.close(']')
	w.key("loanRepayInfos")
	w.open('[')
	for i := range l.Repayments {
		w.repayment(&l.Repayments[i])
	}
	w.close(']')
	w.key("loanOverdueInfos")
	w.open('[')
	for i := range l.Overdues {
		w.overdue(&l.Overdues[i])
	}
	w.close(']')
	w.close('}')
}

func (w *writer) detail(d *LoanDetail) {
	w.open('{')
	w.pad = w.chance(50) // some servers pad every string here, as in the document
	w.str("loanName", d.LoanName)
	w.str("loanIDCard", d.LoanIDCard)
	w.str("loanPhone", d.LoanPhone)
	w.str("address", d.Address)
	w.str("houseAddress", d.HouseAddress)
	w.str("companyName", d.CompanyName)
	w.str("bankName", d.BankName)
	w.str("bankAccount", d.BankAccount)
	w.str("loanNum", d.LoanNum)
	w.amount("loanAmount", d.LoanAmount)
	w.str("loanType", d.LoanType)
	w.str("loanLength", d.LoanLength)
	w.str("loanRate", d.LoanRate)
	w.str("loanStatus", d.LoanStatus)
	w.str("loanDate", d.LoanDate)
	w.str("loanEndDate", d.LoanEndDate)
	w.str("houseType", d.HouseType)
	w.str("guaranteeType", d.GuaranteeType)
	w.str("paymentType", d.PaymentType)
	w.digits("paymentDay", d.PaymentDay)
	w.amount("paymentAmount", d.PaymentAmount)
	w.amount("duePrincipal", d.DuePrincipal)
	w.amount("overdueAmount", d.OverdueAmount)
	w.amount("loanBalance", d.LoanBalance)
	w.count("hisOverdueCount", d.HisOverdueCount)
	w.amount("repayInterest", d.RepayInterest)
	w.amount("monthLowestRepay", d.MonthLowestRepay)
	w.amount("currentOverdueInterest", d.CurrentOverdueInterest)
	w.count("currentOverdueCount", d.CurrentOverdueCount)
	w.amount("hisOverdueAmount", d.HisOverdueAmount)
	w.str("isMonthHedge", d.IsMonthHedge)
	w.str("gjjLoanNum", d.GjjLoanNum)
	w.str("commercialLoanNum", d.CommercialLoanNum)
	w.amount("receivePunishInterest", d.ReceivePunishInterest)
	w.str("loanApplyStatus", d.LoanApplyStatus)
	w.extra("loanTerm", d.LoanLength)
	w.pad = false
	w.close('}')
}

func (w *writer) repayer(p *Repayer) {
	w.element()
	w.digits("repayNo", p.RepayNo)
	w.str("repayname", p.RepayName)
	w.str("idCard", p.IDCard)
	w.digits("phone", p.Phone)
	w.str("corporationName", p.CorporationName)
	w.str("bankAccount", p.BankAccount)
	w.str("relation", p.Relation)
	w.str("signDate", p.SignDate)
	w.close('}')
}

func (w *writer) repayment(p *Repayment) {
	w.element()
	w.str("date", p.Date)
	if p.RepayMonth != "" {
		w.digits("repayMonth", p.RepayMonth)
	}
	w.amount("principal", p.Principal)
	w.amount("interest", p.Interest)
	w.amount("sum", p.Sum)
	w.amount("bankDeduction", p.BankDeduction)
	w.amount("selfHedge", p.SelfHedge)
	w.amount("mateHedge", p.MateHedge)
	w.amount("balance", p.Balance)
	w.str("describe", p.Describe)
	w.amount("repayPunishInterest", p.RepayPunishInterest)
	w.close('}')
}

func (w *writer) overdue(p *Overdue) {
	w.element()
	w.digits("date", p.Date)
	w.amount("principal", p.Principal)
	w.amount("interest", p.Interest)
	w.amount("penalty", p.Penalty)
	w.amount("overdueBalance", p.OverdueBalance)
	w.amount("summary", p.Summary)
	w.close('}')
}

// appendYuan appends fen as the shortest exact decimal yuan: 105400 is "1054",
// 6490380 is "64903.8", 439167 is "4391.67".
func appendYuan(b []byte, fen int64) []byte { return appendFen(b, fen, true) }

// appendYuan2 appends fen as decimal yuan with two places: 105400 is "1054.00".
func appendYuan2(b []byte, fen int64) []byte { return appendFen(b, fen, false) }

// appendFen appends fen as decimal yuan, with two places or, when short is set, with
// the trailing zeros of the fraction dropped.
func appendFen(b []byte, fen int64, short bool) []byte {
	u := uint64(fen)
	if fen < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/100, 10)
	c := u % 100
	switch {
	case short && c == 0:
		return b
	case short && c%10 == 0:
		return append(b, '.', byte('0'+c/10))
	}
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped appends s escaped for the inside of a JSON string. Invalid UTF-8
// becomes U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	return append(b, s[start:]...)
}

// allDigits reports whether s is all decimal digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
