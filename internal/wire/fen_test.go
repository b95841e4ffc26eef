package wire

import (
	"errors"
	"math"
	"math/big"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
	}{
		{"309.46000000000004", 30946},
		{"4391.67", 439167},
		{"-0.05", -5},
		{"0.005", 1},
		{"-0.005", -1},
		{"0.0049999999", 0},
		{"0.00499999999999999999999999999", 0},
		{"0.014999", 1},
		{"0.015", 2},
		{"1e3", 100000},
		{"1.5E-2", 2},
		{"1.5e+2", 15000},
		{"2.2E5", 22000000},
		{"1e-3", 0},
		{"5e-3", 1},
		{"0", 0},
		{"-0", 0},
		{"0.00", 0},
		{"0e99", 0},
		{"000123.4", 12340},
		{"+7", 700},
		{".5", 50},
		{"5.", 500},
		{"1054", 105400},
		{"66903.69", 6690369},
		{"188790.14", 18879014},
		{"92233720368547758.07", math.MaxInt64},
		{"-92233720368547758.07", -math.MaxInt64},
		{"92233720368547758.0749", math.MaxInt64},
		{"1e-99999999999999999999", 0},
	}
	for _, tt := range tests {
		got, err := ParseFen(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		got, err = ParseFen([]byte(tt.in))
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, "%s as bytes", tt.in)
	}
}

func TestParseFenErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrNotDecimal},
		{"abc", ErrNotDecimal},
		{"1.2.3", ErrNotDecimal},
		{"-", ErrNotDecimal},
		{"+", ErrNotDecimal},
		{".", ErrNotDecimal},
		{"+-1", ErrNotDecimal},
		{"--1", ErrNotDecimal},
		{" 1", ErrNotDecimal},
		{"1 ", ErrNotDecimal},
		{"1e", ErrNotDecimal},
		{"1e+", ErrNotDecimal},
		{"1e3.5", ErrNotDecimal},
		{"1ee3", ErrNotDecimal},
		{"e3", ErrNotDecimal},
		{"0x10", ErrNotDecimal},
		{"1,054.00", ErrNotDecimal},
		{"1_000", ErrNotDecimal},
		{"Infinity", ErrNotDecimal},
		{"NaN", ErrNotDecimal},
		{"１２", ErrNotDecimal},
		{"92233720368547758.08", ErrRange},
		{"92233720368547758.075", ErrRange},
		{"-92233720368547758.09", ErrRange},
		{"100000000000000000", ErrRange},
		{"1e300", ErrRange},
		{"1e99999999999999999999", ErrRange},
		{strings.Repeat("9", 60), ErrRange},
	}
	for _, tt := range tests {
		got, err := ParseFen(tt.in)
		assert.Zero(t, got, tt.in)
		assert.True(t, errors.Is(err, tt.want), "%q: got %v, want %v", tt.in, err, tt.want)
	}
}

// referenceFen is ParseFen computed another way: exactly, with math/big, rounding
// half away from zero. Magnitudes past math.MaxInt64 fen are ErrRange.
func referenceFen(s string) (int64, error) {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, ErrNotDecimal
	}
	r.Mul(r, big.NewRat(100, 1))
	num := new(big.Int).Abs(r.Num())
	q, m := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	if m.Lsh(m, 1).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return 0, ErrRange
	}
	if r.Sign() < 0 {
		return -q.Int64(), nil
	}
	return q.Int64(), nil
}

// randomDecimal writes a random decimal number of the kinds servers send and some they
// do not: long fractions, leading zeros, exponents, values near the half fen.
func randomDecimal(rng *rand.Rand) string {
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.Intn(10))
		}
		return string(b)
	}
	var b strings.Builder
	switch rng.Intn(4) {
	case 0:
		b.WriteByte('-')
	case 1:
		if rng.Intn(4) == 0 {
			b.WriteByte('+')
		}
	}
	b.WriteString(digits(1 + rng.Intn(19)))
	switch rng.Intn(4) {
	case 0: // an integer
	case 1: // just past the fen: a half or a hair away from it
		b.WriteString("." + digits(2) + []string{"5", "4999", "5000001", "49", "50"}[rng.Intn(5)])
	default:
		b.WriteString("." + digits(rng.Intn(25)))
	}
	if rng.Intn(3) == 0 {
		b.WriteString([]string{"e", "E"}[rng.Intn(2)] + []string{"", "+", "-"}[rng.Intn(3)] + strconv.Itoa(rng.Intn(25)))
	}
	return b.String()
}

func TestParseFenMatchesReference(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 20000; i++ {
		s := randomDecimal(rng)
		want, wantErr := referenceFen(s)
		got, err := ParseFen(s)
		if wantErr != nil {
			require.True(t, errors.Is(err, wantErr), "%s: got %d, %v; want %v", s, got, err, wantErr)
			continue
		}
		require.NoError(t, err, s)
		require.Equal(t, want, got, s)
	}
}

// The position of the point after the exponent decides the value, not the exponent
// alone.
func TestParseFenExponentShiftsThePoint(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"1" + strings.Repeat("0", 45) + "e-41",
		"0." + strings.Repeat("0", 44) + "1e46",
		"0." + strings.Repeat("0", 60) + "5e61",
	} {
		want, err := referenceFen(s)
		require.NoError(t, err)
		got, err := ParseFen(s)
		assert.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
}

func TestFormatFen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fen  int64
		want string
	}{
		{439167, "4391.67"},
		{-5, "-0.05"},
		{0, "0.00"},
		{1, "0.01"},
		{-100, "-1.00"},
		{30946, "309.46"},
		{math.MaxInt64, "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, FormatFen(tt.fen))
		assert.Equal(t, "x"+tt.want, string(AppendFen([]byte("x"), tt.fen)))
	}
}

func TestFormatFenRoundTrip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(4))
	values := []int64{0, 1, -1, 99, -99, 100, math.MaxInt64, -math.MaxInt64}
	for i := 0; i < 5000; i++ {
		v := rng.Int63() >> uint(rng.Intn(63))
		if rng.Intn(2) == 0 {
			v = -v
		}
		values = append(values, v)
	}
	for _, v := range values {
		s := FormatFen(v)
		got, err := ParseFen(s)
		require.NoError(t, err, s)
		require.Equal(t, v, got, s)
		want, err := referenceFen(s)
		require.NoError(t, err, s)
		require.Equal(t, want, got, s)
	}
}

func TestPlainFenAgreesWithParseFen(t *testing.T) {
	t.Parallel()
	cases := []string{"0", "-0", "12", "-4391.67", "0.5", "0.05", "5.", ".5", "+5", "1e3", "007.10", "309.46000000000004",
		"999999999999999", "9999999999999999", "-999999999999999.99", "1.005", "", "-", "abc", "1.2.3", "1,5"}
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 2000; i++ {
		s := strconv.FormatInt(rng.Int63n(1e12)-5e11, 10)
		switch rng.Intn(4) {
		case 1:
			s += "." + strconv.Itoa(rng.Intn(10))
		case 2:
			s += "." + strconv.Itoa(100 + rng.Intn(100))[1:] // two places, leading zero kept
		case 3:
			s += "." + strconv.Itoa(rng.Intn(100000))
		}
		cases = append(cases, s)
	}
	for _, s := range cases {
		got, ok := plainFen([]byte(s))
		if !ok {
			continue
		}
		want, err := ParseFen(s)
		if err != nil || got != want {
			t.Errorf("plainFen(%q) = %d; ParseFen %d, %v", s, got, want, err)
		}
	}
}
