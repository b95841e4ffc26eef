package tcredit

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tcredit-go/tcredit/internal/mask"
	"github.com/tcredit-go/tcredit/internal/wire"
)

// publicParam reports whether the value of a request parameter is not secret, so that
// a server may repeat it: a login field marked public in loginFields, the login type, a
// task's tid. Every other value a request carries (password, code, id_card, account,
// mobile, real_name, corp_account, any extra field), the tokenKey and the tokenId are
// scrubbed from whatever the server sends back.
func publicParam(name string) bool {
	if name == "login_type" || name == "tid" {
		return true
	}
	for _, f := range loginFields {
		if f.param == name {
			return f.public
		}
	}
	return false
}

// scrubbed replaces, in a server's text, each value the client sent that must not be
// shown.
const scrubbed = "[redacted]"

// minScrubLen is the shortest value scrubbed, in runes: shorter ones reveal next to
// nothing and would blot out ordinary words of a message. A value with a rune outside
// ASCII (a two-character name, 张三) counts from minScrubLenWide.
const (
	minScrubLen     = 3
	minScrubLenWide = 2
)

// withheld replaces the whole of a server's text when it repeats a secret in a spelling
// that could not be cut out of it.
const withheld = "[redacted: the server's text repeated a secret of the request]"

// scrubber removes from a server's text every secret value a request sent. It works in
// three passes:
//
//   - each value is replaced in every spelling a server is known to echo it in: as it
//     was sent, form- and path-encoded (+ or %20 for a space), HTML-escaped and
//     JSON-escaped (\u003c, \u5f20), letters matched without regard to ASCII case, so
//     that %e5 and %E5 are both found;
//   - whatever follows the name of a secret parameter (password=…, "id_card":"…") is
//     replaced up to the next delimiter, so that an echo the server cut short, or wrote
//     in a spelling of its own, loses what it kept of the value;
//   - the text is decoded every way a server might have encoded it (HTML entities, JSON
//     escapes, percent-encoding, twice), and if a secret still shows in any decoding,
//     the whole text is withheld.
//
// A nil *scrubber scrubs nothing.
type scrubber struct {
	forms  []string // the spellings to remove, lower-cased (ASCII), longest first
	values []string // the values as sent, lower-cased (ASCII)
	keys   []string // the names of the secret parameters, lower-cased (ASCII)
}

// newScrubber returns a scrubber of the given secret values.
func newScrubber(secrets ...string) *scrubber {
	s := &scrubber{}
	for _, v := range secrets {
		s.add(v)
	}
	return s
}

// requestScrubber returns the scrubber of one request: its secret parameter values, the
// tokenId that signed it and the tokenKey it carried.
func requestScrubber(tokenID, tokenKey string, pairs []param) *scrubber {
	s := newScrubber(tokenID)
	s.addParam("tokenKey", tokenKey)
	for _, p := range pairs {
		s.addParam(p.key, p.value)
	}
	return s
}

// addParam records a parameter's name and value, unless the parameter is public.
func (s *scrubber) addParam(key, value string) {
	if publicParam(key) {
		return
	}
	s.add(value)
	if key = asciiLower(key); key != "" && !slices.Contains(s.keys, key) {
		s.keys = append(s.keys, key)
	}
}

// include adds the spellings of another scrubber.
func (s *scrubber) include(o *scrubber) {
	if o == nil {
		return
	}
	for _, f := range o.forms {
		s.insert(f)
	}
	for _, v := range o.values {
		if !slices.Contains(s.values, v) {
			s.values = append(s.values, v)
		}
	}
	for _, k := range o.keys {
		if !slices.Contains(s.keys, k) {
			s.keys = append(s.keys, k)
		}
	}
}

// queryScrubber gathers the secrets of every call of one query (the login, each call's
// tokenKey), so that none comes back in a later answer: a task may repeat its login in
// every answer about it.
type queryScrubber struct {
	mu sync.Mutex
	s  scrubber
}

// join adds the secrets of one call's request to the query's, and returns a scrubber
// of them all for that call.
func (q *queryScrubber) join(call *scrubber) *scrubber {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.s.include(call)
	all := &scrubber{}
	all.include(&q.s)
	return all
}

// queryScrubberKey is the context key of a query's scrubber.
type queryScrubberKey struct{}

// withQueryScrubber returns ctx carrying a query's scrubber that starts with s, for
// every call made with it.
func withQueryScrubber(ctx context.Context, s *scrubber) context.Context {
	q := &queryScrubber{}
	q.s.include(s)
	return context.WithValue(ctx, queryScrubberKey{}, q)
}

// scrubberFor returns the scrubber of a call made with ctx: the request's own, joined to
// its query's when it is part of one.
func scrubberFor(ctx context.Context, call *scrubber) *scrubber {
	if q, ok := ctx.Value(queryScrubberKey{}).(*queryScrubber); ok {
		return q.join(call)
	}
	return call
}

// add records v and its spellings.
func (s *scrubber) add(v string) {
	v = trimValue(v)
	if n := utf8.RuneCountInString(v); n < minScrubLenWide || (n < minScrubLen && isASCII(v)) {
		return
	}
	quoted, _ := json.Marshal(v) // escapes <, > and & as \u003c...
	forms := []string{
		v,
		url.QueryEscape(v),
		strings.ReplaceAll(url.QueryEscape(v), "+", "%20"),
		url.PathEscape(v),
		html.EscapeString(v),
		strings.Trim(string(quoted), `"`),
		strings.Trim(strconv.QuoteToASCII(v), `"`), // \u5f20 for 张
	}
	for _, f := range forms {
		s.insert(asciiLower(f))
	}
	if lv := asciiLower(v); !slices.Contains(s.values, lv) {
		s.values = append(s.values, lv)
	}
}

// isASCII reports whether s has no byte outside ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// insert adds a form unless it is known, keeping the longest first so that a value is
// removed whole before a shorter one inside it.
func (s *scrubber) insert(f string) {
	i := 0
	for ; i < len(s.forms); i++ {
		if s.forms[i] == f {
			return
		}
		if len(s.forms[i]) < len(f) {
			break
		}
	}
	s.forms = append(s.forms, "")
	copy(s.forms[i+1:], s.forms[i:])
	s.forms[i] = f
}

// longest is the length of the longest spelling, in bytes.
func (s *scrubber) longest() int {
	if s == nil || len(s.forms) == 0 {
		return 0
	}
	return len(s.forms[0])
}

// text returns t scrubbed of every secret, in the three passes the type describes.
func (s *scrubber) text(t string) string {
	if s == nil || t == "" {
		return t
	}
	for _, f := range s.forms {
		t = replaceFold(t, f, scrubbed)
	}
	for _, k := range s.keys {
		t = redactAfterKey(t, k)
	}
	if s.showsThrough(t) {
		return withheld
	}
	return t
}

// showsThrough reports whether a secret value shows in t once t is decoded, in one or
// two steps, from HTML entities, JSON escapes or percent-encoding.
func (s *scrubber) showsThrough(t string) bool {
	if len(s.values) == 0 {
		return false
	}
	decoders := []func(string) string{html.UnescapeString, unescapeJSON, unescapePercent}
	seen := []string{t}
	for round := 0; round < 2; round++ {
		for _, c := range seen {
			for _, decode := range decoders {
				if d := decode(c); d != c && !slices.Contains(seen, d) {
					seen = append(seen, d)
				}
			}
		}
	}
	for _, c := range seen[1:] {
		lower := asciiLower(c)
		for _, v := range s.values {
			if strings.Contains(lower, v) {
				return true
			}
		}
	}
	return false
}

// redactAfterKey replaces the value that follows each mention of the parameter key in
// t (key=value, "key":"value", key: value), up to the next delimiter.
func redactAfterKey(t, key string) string {
	lower := asciiLower(t)
	var b strings.Builder
	last := 0
	for from := 0; ; {
		i := strings.Index(lower[from:], key)
		if i < 0 {
			break
		}
		i += from
		from = i + len(key)
		if i > 0 && isWordByte(lower[i-1]) {
			continue
		}
		start := valueStart(lower, i+len(key))
		if start < 0 {
			continue
		}
		end := start
		for end < len(t) && !strings.ContainsRune("&\"'<>,;)}] \t\r\n", rune(t[end])) {
			end++
		}
		if end == start || t[start:end] == scrubbed {
			continue
		}
		b.WriteString(t[last:start])
		b.WriteString(scrubbed)
		last, from = end, end
	}
	if last == 0 {
		return t
	}
	b.WriteString(t[last:])
	return b.String()
}

// valueStart returns where the value after a key that ends at i begins: past a closing
// quote, an = or :, spaces and an opening quote. It returns -1 when no = or : follows.
func valueStart(t string, i int) int {
	if i < len(t) && t[i] == '"' {
		i++
	}
	for i < len(t) && t[i] == ' ' {
		i++
	}
	if i >= len(t) || (t[i] != '=' && t[i] != ':') {
		return -1
	}
	i++
	for i < len(t) && t[i] == ' ' {
		i++
	}
	if i < len(t) && t[i] == '"' {
		i++
	}
	return i
}

// isWordByte reports whether c may be part of a parameter's name.
func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// unescapeJSON decodes the escapes of JSON string text (\u0070, \", \n, ...) found in t,
// leaving everything else as it is.
func unescapeJSON(t string) string {
	if !strings.Contains(t, `\`) {
		return t
	}
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		if t[i] != '\\' || i+1 >= len(t) {
			b.WriteByte(t[i])
			continue
		}
		switch c := t[i+1]; c {
		case 'u':
			if i+6 <= len(t) {
				if r, err := strconv.ParseUint(t[i+2:i+6], 16, 16); err == nil {
					b.WriteRune(rune(r))
					i += 5
					continue
				}
			}
			b.WriteByte(t[i])
		case 'n', 't', 'r', 'b', 'f':
			b.WriteByte(' ')
			i++
		default: // \" \\ \/ and anything else: the character itself
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// unescapePercent decodes every valid %XX in t and each + as a space, leaving anything
// else as it is.
func unescapePercent(t string) string {
	if !strings.ContainsAny(t, "%+") {
		return t
	}
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		switch {
		case t[i] == '+':
			b.WriteByte(' ')
		case t[i] == '%' && i+2 < len(t):
			if v, err := strconv.ParseUint(t[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
			b.WriteByte(t[i])
		default:
			b.WriteByte(t[i])
		}
	}
	return b.String()
}

// message returns the server's message t scrubbed, and with every long run of digits
// masked as well, as a second line of defence.
func (s *scrubber) message(t string) string { return mask.Digits(s.text(t)) }

// snippet quotes the start of a body for an error, as the package-level snippet does,
// after scrubbing enough of the body that no secret is cut in half at the quotation's end.
func (s *scrubber) snippet(body []byte) string {
	const head = snippetLen + 32
	if limit := head + s.longest(); len(body) > limit {
		body = body[:limit]
	}
	return snippet([]byte(s.text(string(body))))
}

// error returns err, or, when its text holds what must not be shown (net/http quotes
// a malformed header line or Location whole), an error of the scrubbed text that still
// matches what err matches with errors.Is and tells a timeout.
func (s *scrubber) error(err error) error {
	text := err.Error()
	if scrubbedText := s.message(text); scrubbedText != text {
		return &scrubbedError{text: scrubbedText, cause: err}
	}
	return err
}

// scrubbedError is an error whose text was scrubbed. It does not unwrap, so that the
// text of its cause cannot be reached through it.
type scrubbedError struct {
	text  string
	cause error
}

func (e *scrubbedError) Error() string        { return e.text }
func (e *scrubbedError) Is(target error) bool { return errors.Is(e.cause, target) }
func (e *scrubbedError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.cause, &t) && t.Timeout()
}

// wireErr scrubs the value that a decoding error quotes.
func (s *scrubber) wireErr(err error) {
	var we *wire.Error
	if s != nil && errors.As(err, &we) {
		we.Requote(s.text)
	}
}

// scrubbable is a response's data with text a server wrote.
type scrubbable interface {
	scrub(s *scrubber)
}

// replaceFold replaces every occurrence of old, lower-cased ASCII, in t, matched without
// regard to ASCII case.
func replaceFold(t, old, repl string) string {
	if old == "" || len(t) < len(old) {
		return t
	}
	lower := asciiLower(t)
	i := strings.Index(lower, old)
	if i < 0 {
		return t
	}
	var b strings.Builder
	last := 0
	for i >= 0 {
		b.WriteString(t[last : last+i])
		b.WriteString(repl)
		last += i + len(old)
		i = strings.Index(lower[last:], old)
	}
	b.WriteString(t[last:])
	return b.String()
}

// asciiLower lower-cases the ASCII letters of s only, so that byte offsets stay put.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func (d *createData) scrub(s *scrubber) {
	d.TID, d.Message = s.text(d.TID), s.message(d.Message)
}

func (d *userCodeData) scrub(s *scrubber) { d.Message = s.message(d.Message) }

func (r *FundResult) scrub(s *scrubber) {
	if r != nil {
		r.Message = s.message(r.Message)
	}
}
