package tcredit

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"net/url"
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

// scrubbed stands in a server's text for a value the client sent that must not be shown.
const scrubbed = "[redacted]"

// minScrubLen is the shortest value scrubbed, in runes: shorter ones reveal next to
// nothing and would blot out ordinary words of a message.
const minScrubLen = 3

// scrubber removes from a server's text every secret value a request sent, in each
// spelling a server might echo it in: as it was sent, form-encoded (+ or %20 for a
// space), HTML-escaped and JSON-escaped. Letters are matched without regard to ASCII
// case, so that %e5 and %E5, \u5F20 and \u5f20 are both found. A nil *scrubber scrubs
// nothing.
type scrubber struct {
	forms []string // the spellings to remove, lower-cased (ASCII), longest first
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
	s := newScrubber(tokenID, tokenKey)
	for _, p := range pairs {
		if !publicParam(p.key) {
			s.add(p.value)
		}
	}
	return s
}

// include adds the spellings of another scrubber.
func (s *scrubber) include(o *scrubber) {
	if o == nil {
		return
	}
	for _, f := range o.forms {
		s.insert(f)
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
	all := &scrubber{forms: append([]string(nil), q.s.forms...)}
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
	if utf8.RuneCountInString(v) < minScrubLen {
		return
	}
	quoted, _ := json.Marshal(v) // escapes <, > and & as \u003c...
	forms := []string{
		v,
		url.QueryEscape(v),
		strings.ReplaceAll(url.QueryEscape(v), "+", "%20"),
		html.EscapeString(v),
		strings.Trim(string(quoted), `"`),
		strings.Trim(strconv.QuoteToASCII(v), `"`), // \u5f20 for 张
	}
	for _, f := range forms {
		s.insert(asciiLower(f))
	}
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

// text returns t with every spelling of every secret replaced.
func (s *scrubber) text(t string) string {
	if s == nil || t == "" {
		return t
	}
	for _, f := range s.forms {
		t = replaceFold(t, f, scrubbed)
	}
	return t
}

// message is text with, as a second line of defence, every long run of digits masked.
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

// wireErr scrubs the value that a decoding error quotes.
func (s *scrubber) wireErr(err error) {
	var we *wire.Error
	if s != nil && errors.As(err, &we) {
		we.Msg = s.text(we.Msg)
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
		r.Msg = s.message(r.Msg)
	}
}
