package mask

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"IDCard", IDCard, "430102199001011234", "4301**********1234"},
		{"IDCard with X", IDCard, "43010219900101123X", "4301**********123X"},
		{"IDCard of 15 digits", IDCard, "430102900101123", "4301*******1123"},
		{"IDCard too short to keep ends", IDCard, "12345678", "********"},
		{"IDCard empty", IDCard, "", ""},
		{"Mobile", Mobile, "13812348000", "138****8000"},
		{"Mobile with country code", Mobile, "+8613812348000", "+86*******8000"},
		{"Mobile too short", Mobile, "1381234", "*******"},
		{"Mobile empty", Mobile, "", ""},
		{"Account", Account, "zhangsan", "zh****an"},
		{"Account of four", Account, "abcd", "****"},
		{"Account in Chinese", Account, "张三公积金账户", "张三***账户"},
		{"Name of two", Name, "张三", "张*"},
		{"Name of three", Name, "张三丰", "张**"},
		{"Name of four", Name, "欧阳娜娜", "欧***"},
		{"Name of one", Name, "张", "*"},
		{"Name in Latin", Name, "Ma Rong", "M******"},
		{"Name empty", Name, "", ""},
		{"Secret", Secret, "p@ss word", "[redacted]"},
		{"Secret of one", Secret, "x", "[redacted]"},
		{"Secret empty", Secret, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.fn(tt.in), "%s(%q)", tt.name, tt.in)
		})
	}
}

func TestDigits(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"call 13812348000 now", "call 138******00 now"},
		{"id 430102199001011234.", "id 430*************34."},
		{"id 43010219900101123X end", "id 430*************3X end"},
		{"card 6222021234567890123", "card 622**************23"},
		{`"seqNum":"0951506707594446"`, `"seqNum":"095***********46"`},
		{"area 310000, code 50004, year 2017", "area 310000, code 50004, year 2017"},
		{"1234567", "123**67"},
		{"123456", "123456"},
		{"X1234567", "X123**67"},
		{"12345678X", "123****8X"},
		{"张三 13812348000 马蓉", "张三 138******00 马蓉"},
		{"", ""},
		{"no digits at all", "no digits at all"},
		{"1 2 3 4 5 6 7 8", "1 2 3 4 5 6 7 8"},
		{"a13812348000b13812348000", "a138******00b138******00"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, Digits(tt.in), "%q", tt.in)
		})
	}
}

// No masking shows a run of seven or more digits of its input.
func TestDigitsLeavesNoLongRun(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"430102199001011234", "13812348000", "tel:13812348000;id=430102199001011234;acct=6222021234567890123",
		"{\"idCard\":\"430102199001011234\",\"bindMobile\":13812348000}",
	} {
		t.Run(in, func(t *testing.T) {
			out := Digits(in)
			run := 0
			for i := 0; i < len(out); i++ {
				if out[i] >= '0' && out[i] <= '9' {
					run++
				} else {
					run = 0
				}
				assert.Less(t, run, 7, "%q → %q", in, out)
			}
			assert.Equal(t, len(in), len(out), "masking keeps the length: %q", out)
		})
	}
}
