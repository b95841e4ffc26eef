package tcredit

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/internal/wire"
)

// ParseAmount is wire.ParseFen (tested in its package) on trimmed text.
func TestParseAmount(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Amount{
		"309.46000000000004": 30946,
		" 4391.67\t":         439167,
		"\n-0.05 ":           -5,
		"1.5E-2":             2,
	} {
		got, err := ParseAmount(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

func TestParseAmountErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want error
	}{
		{"", wire.ErrNotDecimal},
		{"  ", wire.ErrNotDecimal},
		{"abc", wire.ErrNotDecimal},
		{"1.2.3", wire.ErrNotDecimal},
		{"1,054.00", wire.ErrNotDecimal},
		{"¥12", wire.ErrNotDecimal},
		{"NaN", wire.ErrNotDecimal},
		{"1e", wire.ErrNotDecimal},
		{"92233720368547758.08", wire.ErrRange},
		{"1e300", wire.ErrRange},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAmount(tt.in)
			assert.Zero(t, got, tt.in)
			assert.True(t, errors.Is(err, tt.want), "%q: %v", tt.in, err)
			var ae *AmountError
			require.True(t, errors.As(err, &ae), "%q: %T", tt.in, err)
			assert.Equal(t, tt.in, ae.Text)
		})
	}
	_, err := ParseAmount("abc")
	assert.Equal(t, `tcredit: cannot read "abc" as an amount: not a decimal number`, err.Error())
}

func TestAmountText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fen  Amount
		text string
		yuan float64
	}{
		{439167, "4391.67", 4391.67},
		{-5, "-0.05", -0.05},
		{0, "0.00", 0},
		{7, "0.07", 0.07},
		{100, "1.00", 1},
		{-123456, "-1234.56", -1234.56},
		{math.MaxInt64, "92233720368547758.07", 92233720368547758.07},
		{math.MinInt64, "-92233720368547758.08", -92233720368547758.08},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			assert.Equal(t, tt.text, tt.fen.String())
			assert.Equal(t, tt.yuan, tt.fen.Yuan())
			b, err := tt.fen.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, tt.text, string(b), "a JSON number in yuan")
			if tt.fen == math.MinInt64 {
				return // its magnitude is one past the parser's range
			}
			var back Amount
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, tt.fen, back, "round trip of %s", b)
		})
	}
}

func TestAmountJSON(t *testing.T) {
	t.Parallel()
	type row struct {
		A Amount  `json:"a"`
		P *Amount `json:"p"`
	}
	tests := []struct {
		in   string
		want Amount
	}{
		{`{"a":4391.67}`, 439167},
		{`{"a":"4391.67"}`, 439167},
		{`{"a":" 4391.67 "}`, 439167},
		{`{"a":309.46000000000004}`, 30946},
		{`{"a":""}`, 0},
		{`{"a":null}`, 0},
		{`{"a":"  "}`, 0},
		{`{"a":1.2E5}`, 12000000},
		{`{"a":-0.05}`, -5},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r := row{A: 99}
			require.NoError(t, json.Unmarshal([]byte(tt.in), &r), tt.in)
			assert.Equal(t, tt.want, r.A, tt.in)
		})
	}
	for _, bad := range []string{`{"a":"abc"}`, `{"a":true}`, `{"a":"1.2.3"}`, `{"p":"x"}`} {
		var r row
		assert.Error(t, json.Unmarshal([]byte(bad), &r), bad)
	}

	p := Amount(-5)
	out, err := json.Marshal(row{A: 439167, P: &p})
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":4391.67,"p":-0.05}`, string(out))
	var back row
	require.NoError(t, json.Unmarshal(out, &back))
	assert.Equal(t, Amount(439167), back.A)
	assert.Equal(t, Amount(-5), *back.P)
}

// A FundResult read with encoding/json, as a user's own code may do with a stored
// report, has the same tolerance as GetFund's.
func TestFundResultWithEncodingJSON(t *testing.T) {
	t.Parallel()
	var env struct {
		Data FundResult `json:"data"`
	}
	require.NoError(t, json.Unmarshal(fixture(t, "getFundB-variance.json"), &env))
	res := env.Data
	assert.Equal(t, CodeDone, res.Code)
	assert.Equal(t, "2b5d0c1e9f3a4b7c8d6e5f4a3b2c1d0e", res.TID)
	require.NotNil(t, res.BaseInfo, "baseinfo in lower case")
	assert.Equal(t, Amount(439167), res.BaseInfo.MonthPayBaseAmount)
	require.Len(t, res.LoanInfos, 1)
	assert.Equal(t, Amount(22000000), res.LoanInfos[0].DetailInfo.LoanAmount, "detailInfo as an array")
	assert.Equal(t, Amount(30946), res.LoanInfos[0].LoanOverdueInfos[0].Principal)
	assert.Equal(t, "image/png", res.ImageType())

	// Marshalled and read again, a result is unchanged.
	out, err := json.Marshal(res)
	require.NoError(t, err)
	var again FundResult
	require.NoError(t, json.Unmarshal(out, &again))
	assert.Equal(t, res, again)

	err = json.Unmarshal([]byte(`{"billInfos":[{},{"inAmount":"x"}]}`), &again)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "billInfos[1].inAmount")
}

func TestImageType(t *testing.T) {
	t.Parallel()
	png, err := base64.StdEncoding.DecodeString(variancePNG)
	require.NoError(t, err)
	jpeg := []byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0}
	gif := []byte("GIF89a\x01\x00\x01\x00")
	for img, want := range map[string]string{string(png): "image/png", string(jpeg): "image/jpeg", string(gif): "image/gif", "": ""} {
		r := FundResult{Image: []byte(img)}
		assert.Equal(t, want, r.ImageType())
		assert.Equal(t, want, Challenge{Image: []byte(img)}.ImageType())
	}
}

func TestCityStatus(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "正常可用", CityAvailable.String())
	assert.Equal(t, "系统维护", CityMaintenance.String())
	assert.Equal(t, "开发中", CityInDevelopment.String())
	assert.Equal(t, "未知状态(3)", CityStatus(3).String())
	assert.True(t, City{AreaStatus: CityAvailable}.Available())
	assert.False(t, City{AreaStatus: CityInDevelopment}.Available())
	assert.False(t, City{AreaStatus: 3}.Available())
}

func TestAmountGrouped(t *testing.T) {
	for fen, want := range map[Amount]string{
		0: "0.00", 5: "0.05", -5: "-0.05", 99999: "999.99", 100000: "1,000.00", 3088659: "30,886.59",
		-120000: "-1,200.00", 12345678901: "123,456,789.01", 1<<63 - 1: "92,233,720,368,547,758.07",
		-1 << 63: "-92,233,720,368,547,758.08",
	} {
		assert.Equal(t, want, fen.Grouped(), "%d fen", int64(fen))
	}
}
