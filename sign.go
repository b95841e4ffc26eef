package tcredit

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"unicode"
)

// Sign returns the tokenKey for a call: the lower-case hex MD5 of one string, written
// with nothing between its parts:
//
//	endpointURL + tokenID + "k1=v1,k2=v2,..."
//
// The key=value pairs are the call's parameters sorted by key in byte order and joined
// with ",". Values are trimmed of white space and control characters at their ends, as
// the provider's own clients do, and then written as they are (UTF-8, not URL-encoded).
// A parameter whose value is empty after trimming is left out, and so are appId and
// tokenKey themselves; with no parameters left, the string ends with the tokenId.
//
// endpointURL must be the exact URL the request is sent to, for example
// "http://api.tcredit.com/identity/getFundB". With tokenId TOKEN-123, the call of
// getFundCityParamB for area_code 310000 hashes
//
//	http://api.tcredit.com/identity/getFundCityParamBTOKEN-123area_code=310000
//
// to a12fb33411dd4034bef8954f7d5815dc. The parameter names of each endpoint are in
// docs/fields.md; docs/signing.md shows the same in curl and Python.
//
// The Client signs every call itself; Sign is exported for servers and tests that
// check a signature, and for clients in other languages to compare with.
func Sign(endpointURL, tokenID string, params map[string]string) string {
	var pairsBuf [16]param
	return signPairs(endpointURL, tokenID, signedParams(pairsBuf[:0], params))
}

// signPairs is Sign over parameters already chosen and sorted by signedParams.
func signPairs(endpointURL, tokenID string, pairs []param) string {
	var buf [512]byte
	b := append(buf[:0], endpointURL...)
	b = append(b, tokenID...)
	for i, p := range pairs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, p.key...)
		b = append(b, '=')
		b = append(b, p.value...)
	}
	sum := md5.Sum(b)
	var out [md5.Size * 2]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// param is one request parameter.
type param struct{ key, value string }

// signedParams appends to dst, sorted by key in byte order, the parameters that are
// signed and sent, their values trimmed: not blank, not appId or tokenKey.
func signedParams(dst []param, params map[string]string) []param {
	for k, v := range params {
		if k == "appId" || k == "tokenKey" {
			continue
		}
		if v = trimValue(v); v == "" {
			continue
		}
		// Insertion sort: a call has a handful of parameters.
		i := len(dst)
		dst = append(dst, param{})
		for i > 0 && dst[i-1].key > k {
			dst[i] = dst[i-1]
			i--
		}
		dst[i] = param{k, v}
	}
	return dst
}

// trimValue returns v without the white space, control and format characters (a
// zero-width space, a byte-order mark) at its ends, the
// value that is signed and sent. The provider's own sample clients trim every value
// before they sign it, and a server that trims what it receives then hashes the same
// bytes. A value of nothing but such characters trims to "", and is not sent at all.
func trimValue(v string) string {
	if v == "" || (isPlain(v[0]) && isPlain(v[len(v)-1])) {
		return v // the common case, without decoding runes
	}
	return strings.TrimFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	})
}

// isPlain reports whether b is a printable ASCII byte other than the space.
func isPlain(b byte) bool { return b > ' ' && b < 0x7f }
