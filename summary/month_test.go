package summary

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMonth(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Month
	}{
		{"2017-07", Month{2017, 7}},
		{"2017-7", Month{2017, 7}},
		{"201707", Month{2017, 7}},
		{"2017年07月", Month{2017, 7}},
		{"2017年7月", Month{2017, 7}},
		{"2017年7", Month{2017, 7}},
		{"2017/7", Month{2017, 7}},
		{"2017/07", Month{2017, 7}},
		{"2017.07", Month{2017, 7}},
		{"2017-07-27", Month{2017, 7}},
		{"2017-07-27 10:30:00", Month{2017, 7}},
		{"2017-07-27T10:30:00+08:00", Month{2017, 7}},
		{"20170727", Month{2017, 7}},
		{"2017/7/27", Month{2017, 7}},
		{"2017.07.27", Month{2017, 7}},
		{"2017年7月27日", Month{2017, 7}},
		{"2017年07月27日", Month{2017, 7}},
		{" 2016-12 ", Month{2016, 12}},
		{"199901", Month{1999, 1}},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMonth(tt.in)
			if assert.NoError(t, err, "%q", tt.in) {
				assert.Equal(t, tt.want, got, "%q", tt.in)
			}
		})
	}
}

func TestParseMonthRejects(t *testing.T) {
	for _, in := range []string{
		"", "   ", "2017", "17-07", "2017-13", "2017-00", "201713", "201700", "2017-07-32",
		"2017-123", "2017-07/27", "2017-07-27x", "2017/07-27", "2017年13月", "abcdef",
		"2017_07", "07/2017", "2017-07-27 x", "2017-07-27T", "1899-12", "2017071", "2017-07-", "20170732", "２０１７-07",
	} {
		t.Run(in, func(t *testing.T) {
			m, err := ParseMonth(in)
			assert.Error(t, err, "%q gave %v", in, m)
			assert.True(t, m.IsZero(), "%q", in)
			var me *MonthError
			if assert.True(t, errors.As(err, &me), "%q", in) {
				assert.Equal(t, in, me.Text)
			}
		})
	}
}

func TestMonthErrorQuotesShortText(t *testing.T) {
	_, err := ParseMonth("2017-07-27 and then a great deal of text that goes on")
	require.Error(t, err)
	assert.Equal(t, `summary: cannot read "2017-07-27 and then a great deal of text…" as a month`, err.Error())
}

func TestMonthString(t *testing.T) {
	assert.Equal(t, "2017-07", Month{2017, 7}.String())
	assert.Equal(t, "2016-12", Month{2016, 12}.String())
	assert.Equal(t, "0999-01", Month{999, 1}.String())
	assert.Equal(t, "", Month{}.String())
}

func TestMonthArithmetic(t *testing.T) {
	dec := Month{2016, 12}
	jan := Month{2017, 1}
	assert.Equal(t, jan, dec.Add(1), "year wrap forwards")
	assert.Equal(t, dec, jan.Add(-1), "year wrap backwards")
	assert.Equal(t, Month{2015, 12}, jan.Add(-13))
	assert.Equal(t, Month{2019, 3}, dec.Add(27))
	assert.Equal(t, jan, jan.Add(0))

	assert.Equal(t, 1, jan.Sub(dec))
	assert.Equal(t, -1, dec.Sub(jan))
	assert.Equal(t, 7, Month{2017, 7}.Sub(dec))
	assert.Equal(t, 24, Month{2017, 8}.Sub(Month{2015, 8}))
	assert.Equal(t, 0, jan.Sub(jan))

	assert.True(t, dec.Before(jan))
	assert.False(t, jan.Before(dec))
	assert.False(t, jan.Before(jan))
	assert.True(t, jan.After(dec))
	assert.False(t, dec.After(jan))
	assert.False(t, jan.After(jan))

	assert.True(t, Month{}.IsZero())
	assert.False(t, jan.IsZero())
}

func TestMonthOf(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	// 2017-07-31 20:00 UTC is already 2017-08-01 in China.
	at := time.Date(2017, 7, 31, 20, 0, 0, 0, time.UTC)
	assert.Equal(t, Month{2017, 7}, MonthOf(at))
	assert.Equal(t, Month{2017, 8}, MonthOf(at.In(cst)))
}

func TestMonthText(t *testing.T) {
	b, err := json.Marshal(struct {
		A, B Month
	}{A: Month{2017, 7}})
	require.NoError(t, err)
	assert.Equal(t, `{"A":"2017-07","B":""}`, string(b))

	var v struct{ A, B, C Month }
	require.NoError(t, json.Unmarshal([]byte(`{"A":"2017年7月","B":"","C":"201612"}`), &v))
	assert.Equal(t, Month{2017, 7}, v.A)
	assert.True(t, v.B.IsZero())
	assert.Equal(t, Month{2016, 12}, v.C)

	assert.Error(t, json.Unmarshal([]byte(`{"A":"July"}`), &v))
}
