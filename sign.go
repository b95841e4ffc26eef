package tcredit

import (
	"crypto/md5"
	"encoding/hex"
	"slices"
	"strings"
)

// Sign returns the tokenKey for a call: the lower-case hex MD5 of endpointURL, tokenID
// and the parameters written as key=value pairs joined with ",", sorted by key. Values
// are taken as they are (UTF-8, not URL-encoded). A parameter whose value is empty or
// only white space is left out, and so are appId and tokenKey themselves.
//
// endpointURL must be the exact URL the request is sent to, for example
// "http://api.tcredit.com/identity/getFundB". The Client signs every call itself;
// Sign is exported for servers and tests that check a signature.
func Sign(endpointURL, tokenID string, params map[string]string) string {
	var keysBuf [16]string
	keys := signedKeys(keysBuf[:0], params)
	var buf [512]byte
	b := append(buf[:0], endpointURL...)
	b = append(b, tokenID...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, k...)
		b = append(b, '=')
		b = append(b, params[k]...)
	}
	sum := md5.Sum(b)
	var out [md5.Size * 2]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// signedKeys appends to dst, in byte order, the keys of params that are signed and
// sent: not blank, not appId or tokenKey.
func signedKeys(dst []string, params map[string]string) []string {
	for k, v := range params {
		if k == "appId" || k == "tokenKey" || isBlank(v) {
			continue
		}
		dst = append(dst, k)
	}
	slices.Sort(dst)
	return dst
}

// isBlank reports whether a parameter value is empty or only white space; such a
// parameter is neither signed nor sent.
func isBlank(v string) bool { return strings.TrimSpace(v) == "" }
