package summary

import (
	"strconv"
	"strings"
	"time"
)

// Month is a calendar month. Its zero value means no month.
type Month struct {
	Year  int
	Month int // 1 to 12
}

// MonthOf returns the month of t, in t's location.
func MonthOf(t time.Time) Month {
	y, m, _ := t.Date()
	return Month{y, int(m)}
}

// ParseMonth reads a month in the spellings fund websites use: "2017-07", "2017-7",
// "201707", "2017年07月", "2017年7月", "2017/7", "2017.07". A date such as
// "2017-07-27", "20170727", "2017/7/27" or "2017年7月27日", with or without a time
// after it ("2017-07-27 10:30:00"), is read as its month. Surrounding white space is
// ignored. The year must have four digits and be 1900 or later.
func ParseMonth(s string) (Month, error) {
	d, ok := parseDate(s)
	if !ok {
		return Month{}, &MonthError{Text: s}
	}
	return d.month, nil
}

// MonthError reports text that cannot be read as a month.
type MonthError struct {
	Text string // the text as given
}

// Error returns the message of the MonthError.
func (e *MonthError) Error() string {
	return "summary: cannot read " + quote(e.Text, 40) + " as a month"
}

// quote returns s in double quotes, cut to at most limit bytes of s.
func quote(s string, limit int) string {
	if len(s) > limit {
		i := limit
		for i > 0 && s[i]&0xC0 == 0x80 { // do not cut a UTF-8 sequence
			i--
		}
		s = s[:i] + "…"
	}
	return `"` + s + `"`
}

// String returns the month as "2017-07", or "" for the zero Month.
func (m Month) String() string {
	if m.IsZero() {
		return ""
	}
	return string(m.appendText(make([]byte, 0, 8)))
}

// appendText appends "2017-07".
func (m Month) appendText(b []byte) []byte {
	y := m.Year
	if y < 0 {
		b = append(b, '-')
		y = -y
	}
	b = appendDigits(b, y, 4)
	b = append(b, '-')
	return appendDigits(b, m.Month, 2)
}

// appendDigits appends n ≥ 0 in decimal with at least width digits.
func appendDigits(b []byte, n, width int) []byte {
	d := strconv.Itoa(n)
	for i := len(d); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

// MarshalText writes the month as "2017-07", and the zero Month as empty text.
func (m Month) MarshalText() ([]byte, error) {
	if m.IsZero() {
		return []byte{}, nil
	}
	return m.appendText(nil), nil
}

// UnmarshalText reads any spelling that ParseMonth reads; empty text is the zero Month.
func (m *Month) UnmarshalText(b []byte) error {
	if strings.TrimSpace(string(b)) == "" {
		*m = Month{}
		return nil
	}
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// IsZero reports whether m is the zero Month.
func (m Month) IsZero() bool { return m == Month{} }

// index counts months from year 0: consecutive months have consecutive indexes.
func (m Month) index() int { return m.Year*12 + m.Month - 1 }

// monthAt returns the month of index k.
func monthAt(k int) Month {
	y, mm := k/12, k%12
	if mm < 0 {
		y, mm = y-1, mm+12
	}
	return Month{y, mm + 1}
}

// Add returns the month n months after m (before m for negative n): 2016-12 plus 1
// is 2017-01.
func (m Month) Add(n int) Month { return monthAt(m.index() + n) }

// Sub returns the number of months from o to m: 2017-07 minus 2016-12 is 7. It is
// negative when m is before o.
func (m Month) Sub(o Month) int { return m.index() - o.index() }

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool { return m.index() < o.index() }

// After reports whether m is later than o.
func (m Month) After(o Month) bool { return m.index() > o.index() }

// date is a calendar day, or a month whose day is not known (day 0).
type date struct {
	month Month
	day   int
}

// key orders dates: a month without a day comes before the days of that month.
func (d date) key() int { return d.month.index()*32 + d.day }

// parseDate reads the spellings of ParseMonth, keeping the day when there is one.
func parseDate(s string) (date, bool) {
	s = strings.TrimSpace(s)
	digits := leadingDigits(s)
	if digits == len(s) { // 201707, 20170727
		switch len(s) {
		case 6:
			return checked(atoi(s[:4]), atoi(s[4:]), 0)
		case 8:
			return checked(atoi(s[:4]), atoi(s[4:6]), atoi(s[6:]))
		}
		return date{}, false
	}
	if digits != 4 {
		return date{}, false
	}
	year := atoi(s[:4])
	rest, sep, ok := separator(s[4:])
	if !ok {
		return date{}, false
	}
	month, rest, ok := smallNumber(rest)
	if !ok {
		return date{}, false
	}
	if sep == "年" {
		rest = strings.TrimPrefix(rest, "月")
	}
	if rest == "" {
		return checked(year, month, 0)
	}
	if sep == "年" {
		// 2017年7月27日
		day, tail, ok := smallNumber(rest)
		if !ok {
			return date{}, false
		}
		tail = strings.TrimPrefix(tail, "日")
		return checkedWithTime(year, month, day, tail)
	}
	if !strings.HasPrefix(rest, sep) {
		return date{}, false
	}
	day, tail, ok := smallNumber(rest[len(sep):])
	if !ok {
		return date{}, false
	}
	return checkedWithTime(year, month, day, tail)
}

// checkedWithTime is checked for a date that may be followed by a time of day: a
// space or a "T", then a digit.
func checkedWithTime(year, month, day int, tail string) (date, bool) {
	if tail != "" && (len(tail) < 2 || tail[0] != ' ' && tail[0] != 'T' || leadingDigits(tail[1:]) == 0) {
		return date{}, false
	}
	return checked(year, month, day)
}

// checked returns the date when its parts are in range: a four-digit year from 1900,
// a month from 1 to 12, a day from 1 to 31 or 0 for none.
func checked(year, month, day int) (date, bool) {
	if year < 1900 || year > 9999 || month < 1 || month > 12 || day < 0 || day > 31 {
		return date{}, false
	}
	return date{Month{year, month}, day}, true
}

// separator cuts the separator after the year: "-", "/", "." or "年".
func separator(s string) (rest, sep string, ok bool) {
	for _, sep := range [...]string{"-", "/", ".", "年"} {
		if strings.HasPrefix(s, sep) {
			return s[len(sep):], sep, true
		}
	}
	return s, "", false
}

// smallNumber cuts a number of one or two digits from the front of s.
func smallNumber(s string) (n int, rest string, ok bool) {
	d := leadingDigits(s)
	if d < 1 || d > 2 {
		return 0, s, false
	}
	return atoi(s[:d]), s[d:], true
}

// leadingDigits returns how many ASCII digits s starts with.
func leadingDigits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// atoi reads a short string of ASCII digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
