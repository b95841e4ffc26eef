package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printable returns s, a text from the server, fit to print on a terminal: every
// character that could move the cursor, change the terminal's state or the direction
// of the text, or start a line of its own is shown escaped instead. C0 controls and DEL
// are written as \x1b (\n, \r and \t as such), C1 controls, format characters (the
// bidirectional overrides and isolates among them) and line and paragraph separators
// as \u202e, and a byte that is not UTF-8 as \xff. A server, or anyone on the path to
// it, can thus neither forge a prompt nor redraw what is already on the screen.
func printable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// printableJSON returns JSON text b with every character a terminal would act on
// escaped as \uXXXX: encoding/json already escapes C0 controls, but not DEL, C1
// controls or format characters such as the bidirectional overrides. Such characters
// stand only inside strings, where the escape means the same character; the C0
// characters left raw (the line breaks of indentation) stand outside them.
func printableJSON(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x7f && r != utf8.RuneError && (unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}
