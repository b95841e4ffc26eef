package wire

import (
	"errors"
	"math"
	"strconv"
)

// ErrNotDecimal reports text that is not a decimal number, where an amount is read.
// It is not errSyntax, which stops a walk at bytes that are not JSON.
var ErrNotDecimal = errors.New("not a decimal number")

// ErrRange reports a number too large to count in fen.
var ErrRange = errors.New("amount out of range")

// maxExp bounds the magnitude of an exponent as it is read; past it the exponent
// saturates, which still puts the point out of range either way.
const maxExp = 1 << 30

// ParseFen reads decimal text (as in a JSON number or a numeric string) as a count of
// hundredths, exactly, with no floating-point step. Digits past the second decimal
// place are rounded half away from zero: "309.46000000000004" is 30946, "0.005" is 1,
// "-0.005" is -1. An optional sign and an exponent ("1.5e3") are accepted; surrounding
// spaces are not (callers trim).
func ParseFen[S ~string | ~[]byte](s S) (int64, error) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	// Collect the significant digits and where the decimal point sits.
	var digits [40]byte // leading significant digits: the fen and its rounding need at most 21
	nd := 0             // digits kept in digits
	dp := 0             // position of the decimal point relative to digits
	sawDigit, sawDot := false, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			sawDigit = true
			if nd == 0 && c == '0' {
				if sawDot {
					dp--
				}
				continue
			}
			if nd < len(digits) {
				digits[nd] = c - '0'
				nd++
			}
			if !sawDot {
				dp++
			}
		case c == '.' && !sawDot:
			sawDot = true
		default:
			goto exponent
		}
	}
exponent:
	if !sawDigit {
		return 0, ErrNotDecimal
	}
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return 0, ErrNotDecimal
		}
		i++
		exp, ok := parseExp(s[i:])
		if !ok {
			return 0, ErrNotDecimal
		}
		dp += exp // both bounded: dp by the text's length, exp by maxExp
	}
	if nd == 0 {
		return 0, nil
	}
	// Fen: the digits up to two places after the point.
	point := dp + 2
	switch {
	case point > 19:
		return 0, ErrRange
	case point < 0:
		return 0, nil // below half a fen
	}
	var fen uint64
	for k := 0; k < point; k++ {
		d := uint64(0)
		if k < nd {
			d = uint64(digits[k])
		}
		if fen > (math.MaxInt64-d)/10 {
			return 0, ErrRange
		}
		fen = fen*10 + d
	}
	// Round half away from zero on the first dropped digit (an implicit zero when the
	// number starts more than one place past the fen).
	if point >= 0 && point < nd && digits[point] >= 5 {
		fen++
	}
	if fen > math.MaxInt64 {
		return 0, ErrRange
	}
	if neg {
		return -int64(fen), nil
	}
	return int64(fen), nil
}

// FormatFen writes a count of hundredths as decimal text with two places: 439167 is
// "4391.67", -5 is "-0.05".
func FormatFen(fen int64) string {
	var buf [24]byte
	return string(AppendFen(buf[:0], fen))
}

// AppendFen appends FormatFen's text to dst.
func AppendFen(dst []byte, fen int64) []byte {
	u := uint64(fen)
	if fen < 0 {
		dst = append(dst, '-')
		u = -u
	}
	dst = strconv.AppendUint(dst, u/100, 10)
	c := u % 100
	return append(dst, '.', byte('0'+c/10), byte('0'+c%10))
}

// parseExp reads an optionally signed decimal exponent, saturating far past maxExp.
func parseExp[S ~string | ~[]byte](s S) (int, bool) {
	i, neg := 0, false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if i == len(s) {
		return 0, false
	}
	n := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n < maxExp {
			n = n*10 + int(c-'0')
		}
	}
	if neg {
		n = -n
	}
	return n, true
}
