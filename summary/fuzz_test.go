package summary

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tcredit-go/tcredit"
)

// FuzzParseMonth checks that ParseMonth never panics and that a month it reads is
// valid and reads back from its String.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2017-07", "201707", "2017年7月", "2017/7/27", "2017-07-27 10:00:00", "", "2017-13"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err != nil {
			if !m.IsZero() {
				t.Fatalf("%q: error %v with month %v", s, err, m)
			}
			return
		}
		if m.Month < 1 || m.Month > 12 || m.Year < 1900 {
			t.Fatalf("%q: month out of range: %+v", s, m)
		}
		back, err := ParseMonth(m.String())
		if err != nil || back != m {
			t.Fatalf("%q: %v reads back as %v, %v", s, m, back, err)
		}
	})
}

// FuzzOf checks that Of never panics on any report a client can decode, and that its
// counts stay within the rows given.
func FuzzOf(f *testing.F) {
	doc, err := os.ReadFile(filepath.Join("testdata", "getFundB-document.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(doc)
	f.Add([]byte(`{"code":40002,"fail":["baseInfo"],"billInfos":[{"note":"补缴201601-201603","inAmount":"1"},{"note":"提取","outAmount":1,"payArriveDate":"2017-13-01"}]}`))
	f.Add([]byte(`{"loanInfos":[{"loanOverdueInfos":[{"date":"201512"},{"date":"201601"},{"date":"x"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var res tcredit.FundResult
		if json.Unmarshal(data, &res) != nil {
			return
		}
		s := Of(&res, asOf)
		q := s.Quality
		if q.Duplicates+q.Undated > q.Rows || q.UnknownMonth > q.Rows || s.Contributions.Months > q.Rows {
			t.Fatalf("counts beyond the %d rows: %+v", q.Rows, s)
		}
		if s.Contributions.Consecutive > s.Contributions.Months || s.Contributions.Last12 > 12 {
			t.Fatalf("impossible counts: %+v", s.Contributions)
		}
	})
}
