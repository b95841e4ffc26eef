package tcredittest

import (
	"hash/fnv"
	"strconv"
	"unicode/utf8"
)

// The sandbox writes its JSON by hand, byte by byte, so that it can show the type
// variance of real servers and so that no encoding choice is shared with the client.

// envelope writes {"status":…,"message":…,"seqNum":…,"data":…}; data is left out when
// nil. With variance, some envelopes put data first, as the API document's examples do.
func (h *Handler) envelope(c *call, status int, data []byte) []byte {
	h.mu.Lock()
	h.seq++
	seq := h.seq
	h.mu.Unlock()
	seqNum := h.seqNum(seq)
	b := make([]byte, 0, 96+len(data))
	b = append(b, '{')
	dataFirst := h.variance && h.draw("envelope", seq)%4 == 0
	if dataFirst && data != nil {
		b = append(b, `"data":`...)
		b = append(b, data...)
		b = append(b, ',')
	}
	b = append(b, `"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"message":`...)
	b = appendQuoted(b, statusText[status])
	b = append(b, `,"seqNum":`...)
	b = appendQuoted(b, seqNum)
	if !dataFirst && data != nil {
		b = append(b, `,"data":`...)
		b = append(b, data...)
	}
	return append(b, '}')
}

// seqNum returns the serial number of the seq-th response: three digits of the node
// and thirteen of a counter that starts at the sandbox's seed, like 0951507659437746.
func (h *Handler) seqNum(seq uint64) string {
	node := uint64(h.seed) % 1000
	n := (uint64(h.seed)*7919 + seq) % 1e13
	b := make([]byte, 0, 16)
	b = appendPadded(b, node, 3)
	return string(appendPadded(b, n, 13))
}

// appendPadded appends n in decimal, zero-padded to width digits.
func appendPadded(b []byte, n uint64, width int) []byte {
	s := strconv.FormatUint(n, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// draw returns a number drawn from the sandbox's seed, a purpose and an index: the
// same seed gives the same draws.
func (h *Handler) draw(purpose string, n uint64) uint64 {
	f := fnv.New64a()
	var b [16]byte
	_, _ = f.Write(strconv.AppendInt(b[:0], h.seed, 10))
	_, _ = f.Write([]byte(purpose))
	_, _ = f.Write(strconv.AppendUint(b[:0], n, 10))
	x := f.Sum64()
	// Finish with a mix so that nearby inputs give unrelated outputs.
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

// appendInt appends n as a JSON number, or as a string when asString.
func appendInt(b []byte, n int, asString bool) []byte {
	if asString {
		b = append(b, '"')
	}
	b = strconv.AppendInt(b, int64(n), 10)
	if asString {
		b = append(b, '"')
	}
	return b
}

// appendBool appends v as a JSON boolean, or as the string "true"/"false" when asString.
func appendBool(b []byte, v, asString bool) []byte {
	if asString {
		b = append(b, '"')
	}
	b = strconv.AppendBool(b, v)
	if asString {
		b = append(b, '"')
	}
	return b
}

// appendQuoted appends s as a JSON string. Non-ASCII text is written as UTF-8, as the
// provider does; invalid UTF-8 becomes U+FFFD.
func appendQuoted(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\ufffd"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// itoa formats n in decimal.
func itoa(n int) string { return strconv.Itoa(n) }
