// Package mask hides personal data in text meant for logs and errors, keeping just
// enough to tell two people apart: 4301**********1234, 138****8000, 张*.
package mask

import (
	"strings"
	"unicode/utf8"
)

// IDCard keeps the first four and last four characters of an ID card number and
// stars the rest; a value of eight characters or fewer is starred whole.
func IDCard(s string) string { return keepEnds(s, 4, 4) }

// Mobile keeps the first three and last four characters of a mobile number and stars
// the rest; a value of seven characters or fewer is starred whole.
func Mobile(s string) string { return keepEnds(s, 3, 4) }

// Account keeps the first two and last two characters of an account name or number.
func Account(s string) string { return keepEnds(s, 2, 2) }

// Name keeps the first character of a personal name and stars the rest: 张三 is 张*.
func Name(s string) string {
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return ""
	}
	_, size := utf8.DecodeRuneInString(s)
	if n == 1 {
		return "*"
	}
	return s[:size] + strings.Repeat("*", n-1)
}

// Secret stands for a value that must never be shown, not even in part.
func Secret(s string) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// keepEnds keeps head runes at the start and tail runes at the end of s and stars the
// middle; when s is too short to hide anything that way it is starred whole.
func keepEnds(s string, head, tail int) string {
	runes := []rune(s)
	if len(runes) == 0 {
		return ""
	}
	if len(runes) <= head+tail {
		return strings.Repeat("*", len(runes))
	}
	return string(runes[:head]) + strings.Repeat("*", len(runes)-head-tail) + string(runes[len(runes)-tail:])
}

// Digits stars the middle of every run of seven or more digits (and an ID card's final
// X) in free text, such as a quoted response body, so that no ID card, mobile or bank
// account number survives whole.
func Digits(s string) string {
	var b strings.Builder
	i := 0
	for i < len(s) {
		j := i
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || (j > i && (s[j] == 'X' || s[j] == 'x'))) {
			j++
		}
		if j-i >= 7 {
			b.WriteString(keepEnds(s[i:j], 3, 2))
			i = j
			continue
		}
		if j == i {
			j++
		}
		b.WriteString(s[i:j])
		i = j
	}
	return b.String()
}
