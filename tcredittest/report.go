package tcredittest

import (
	"bytes"
	"hash/fnv"
	"sync"
	"time"

	"github.com/tcredit-go/tcredit/internal/fakefund"
)

// reportOf returns the JSON members of a finished task's report, generated once per
// task; partial leaves out loanInfos.
func (h *Handler) reportOf(t *task, partial bool) []byte {
	t.reportOnce.Do(func() {
		r := t.account.Report
		if r == (Report{}) {
			r = h.report
		}
		p := fakefund.Profile{
			Seed:       r.Seed,
			Months:     r.Months,
			Loans:      r.Loans,
			NoLoans:    r.NoLoans,
			Repayments: r.Repayments,
			Holder:     h.holder(t),
			End:        lastMonth(t.Created),
			City:       reportCity(t.AreaCode),
		}
		if p.Seed == 0 {
			f := fnv.New64a()
			_, _ = f.Write([]byte(t.Login))
			p.Seed = h.seed ^ int64(f.Sum64()>>1)
		}
		o := fakefund.JSONOptions{Variance: h.variance}
		if partial {
			o.Omit = []string{"loanInfos"}
		}
		// Written into a pooled buffer and kept at its exact size, rather than grown by
		// doubling for every task.
		buf, _ := reportBuffers.Get().(*[]byte)
		if buf == nil {
			buf = new([]byte)
		}
		*buf = fakefund.Generate(p).AppendJSON((*buf)[:0], o)
		t.report = bytes.Clone(*buf)
		reportBuffers.Put(buf)
	})
	return t.report
}

// reportBuffers holds the buffers reports are written into.
var reportBuffers sync.Pool // *[]byte

// lastMonth returns the month before the month of created, in China time: the last
// month a report of a task created then covers.
func lastMonth(created time.Time) fakefund.Month {
	y, m, _ := created.In(chinaTime).Date()
	return fakefund.Month{Year: y, Month: int(m)}.Add(-1)
}

// reportCity returns the city whose employers, addresses and ID cards fill the reports
// of the city areaCode: the city list's own name, or the capital for a provincial fund
// centre.
func reportCity(areaCode string) string {
	if areaCode == "310000S" { // 浙江省直
		return "杭州"
	}
	if ct := findCity(areaCode); ct != nil {
		return ct.name
	}
	return ""
}

// holder returns the account holder as the login form gave it; what it did not give
// is generated, in the task's city.
func (h *Handler) holder(t *task) fakefund.Holder {
	var ho fakefund.Holder
	if !blank(t.holder["real_name"]) {
		ho.Name = t.holder["real_name"]
	}
	if id := t.holder["id_card"]; fakefund.ValidIDCard(id) {
		ho.IDCard = id
	}
	if m := t.holder["mobile"]; len(m) == 11 && m[0] == '1' {
		ho.Mobile = m
	}
	return ho
}
