package tcredit

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
)

// Sign returns the tokenKey for a call: the lower-case hex MD5 of one string, written
// with nothing between its parts:
//
//	endpointURL + tokenID + "k1=v1,k2=v2,..."
//
// The key=value pairs are the call's parameters sorted by key in byte order and joined
// with ",". Values are written as they are (UTF-8, not URL-encoded). A parameter whose
// value is empty or only white space is left out, and so are appId and tokenKey
// themselves; with no parameters left, the string ends with the tokenId.
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
// signed and sent: not blank, not appId or tokenKey.
func signedParams(dst []param, params map[string]string) []param {
	for k, v := range params {
		if k == "appId" || k == "tokenKey" || isBlank(v) {
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

// isBlank reports whether a parameter value is empty or only white space; such a
// parameter is neither signed nor sent.
func isBlank(v string) bool {
	if v != "" && v[0] > ' ' && v[0] < 0x80 {
		return false // the common case, without scanning
	}
	return strings.TrimSpace(v) == ""
}
