package wire

import (
	"regexp"
	"testing"
)

// decimalText is the grammar ParseFen reads: a signed decimal with an optional
// exponent. Exponents are kept short here so that the reference stays quick.
var decimalText = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,4})?$`)

// FuzzParseFen checks the amount parser against the math/big reference: on the decimal
// grammar both agree exactly; anything else is an error, never a panic.
func FuzzParseFen(f *testing.F) {
	for _, s := range []string{"309.46000000000004", "4391.67", "-0.05", "0.005", "-0.005", "1e3", "1.5E-2",
		"", "abc", "1.2.3", "92233720368547758.07", "92233720368547758.08", ".5", "5.", "+0e-9999", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFen(s)
		if !decimalText.MatchString(s) {
			if err == nil && len(s) > 0 && !decimalLike(s) {
				t.Fatalf("ParseFen(%q) = %d, want an error", s, got)
			}
			return
		}
		want, wantErr := referenceFen(s)
		if (err != nil) != (wantErr != nil) || got != want {
			t.Fatalf("ParseFen(%q) = %d, %v; reference %d, %v", s, got, err, want, wantErr)
		}
	})
}

// decimalLike reports text the grammar above leaves out only for the length of its
// exponent, which ParseFen reads too.
func decimalLike(s string) bool {
	return regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+$`).MatchString(s)
}
