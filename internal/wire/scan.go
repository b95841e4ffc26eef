package wire

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"unicode/utf8"
	"unsafe"
)

// errSyntax stops a walk at bytes that are not JSON. It is never returned as it is: the
// entry points replace it with an *Error that says what is wrong, the way encoding/json
// says it.
var errSyntax = errors.New("syntax error")

// maxDepth is how deeply arrays and objects may nest, as in encoding/json.
const maxDepth = 10000

// decoder walks a document once, checking its syntax as it goes.
type decoder struct {
	data  []byte
	pos   int
	depth int    // arrays and objects open at pos
	arena []byte // the unused end of the block that strings are copied into

	// The field tagged wire:"deferred", when the document has one.
	deferErr             error  // the error reading its value, if any
	deferStart, deferEnd int    // where its value sits, once read
	watchKey             string // the key whose presence in its value is asked about
	watchDepth           int    // the depth of its value's object while it is read; 0 otherwise
	watchSeen, watchSet  bool   // the first such key was met, and was set to a value
	watchDone            bool   // the value's object was walked to its end
}

// syntaxError is the error for a document that is not JSON, worded by encoding/json.
func syntaxError(data []byte) error {
	var probe struct{}
	err := json.Unmarshal(data, &probe)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		err = errors.New("invalid JSON")
	}
	return &Error{Msg: err.Error()}
}

// validate reports whether data is one JSON value with nothing but white space around it.
func validate(data []byte) bool {
	d := decoder{data: data}
	d.skipSpace()
	if d.pos >= len(d.data) || d.skip() != nil {
		return false
	}
	d.skipSpace()
	return d.pos == len(d.data)
}

// skipSpace moves past JSON white space.
func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// next moves past white space to the next byte and returns it; 0 at the end.
func (d *decoder) next() byte {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return 0
	}
	return d.data[d.pos]
}

// open enters an array or object at d.pos.
func (d *decoder) open() error {
	d.depth++
	if d.depth > maxDepth {
		return errSyntax
	}
	d.pos++
	return nil
}

// more moves past the white space and comma between two members of an array or object,
// or past the closing bracket, reporting whether another member follows.
func (d *decoder) more(closing byte) (bool, error) {
	switch d.next() {
	case ',':
		d.pos++
		d.skipSpace()
		return true, nil
	case closing:
		d.pos++
		d.depth--
		return false, nil
	}
	return false, errSyntax
}

// key reads an object's key and the colon after it, leaving d.pos at the value.
func (d *decoder) key() ([]byte, error) {
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return nil, errSyntax
	}
	raw, escaped, err := d.stringBytes()
	if err != nil {
		return nil, err
	}
	if escaped {
		raw = []byte(unquote(raw))
	}
	if d.next() != ':' {
		return nil, errSyntax
	}
	d.pos++
	if d.next() == 0 {
		return nil, errSyntax
	}
	return raw, nil
}

// skip moves past the value at d.pos, checking its syntax.
func (d *decoder) skip() error {
	if d.pos >= len(d.data) {
		return errSyntax
	}
	switch c := d.data[d.pos]; c {
	case '"':
		_, _, err := d.stringBytes()
		return err
	case '{':
		if err := d.open(); err != nil {
			return err
		}
		if d.next() == '}' {
			d.pos++
			d.depth--
			return nil
		}
		for {
			if _, err := d.key(); err != nil {
				return err
			}
			if err := d.skip(); err != nil {
				return err
			}
			if more, err := d.more('}'); !more {
				return err
			}
		}
	case '[':
		if err := d.open(); err != nil {
			return err
		}
		if d.next() == ']' {
			d.pos++
			d.depth--
			return nil
		}
		for {
			if err := d.skip(); err != nil {
				return err
			}
			if more, err := d.more(']'); !more {
				return err
			}
		}
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		_, err := d.number()
		return err
	}
}

// skipRaw moves past the value at d.pos and returns its bytes.
func (d *decoder) skipRaw() ([]byte, error) {
	start := d.pos
	err := d.skip()
	return d.data[start:d.pos], err
}

func (d *decoder) literal(word string) error {
	if !bytes.HasPrefix(d.data[d.pos:], []byte(word)) {
		return errSyntax
	}
	d.pos += len(word)
	return nil
}

// number moves past the number at d.pos and returns its text, checked against JSON's
// grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number() ([]byte, error) {
	data, start := d.data, d.pos
	i := start
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		i = digits(data, i+1)
	default:
		return nil, errSyntax
	}
	if i < len(data) && data[i] == '.' {
		j := digits(data, i+1)
		if j == i+1 {
			return nil, errSyntax
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := digits(data, i)
		if j == i {
			return nil, errSyntax
		}
		i = j
	}
	d.pos = i
	return data[start:i], nil
}

// digits returns the index of the first byte at or after i that is not a digit.
func digits(data []byte, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i
}

// The kinds of byte inside a JSON string, for stringBytes.
const (
	strPlain = iota
	strQuote
	strEscape
	strControl
	strHigh
)

var strClass = func() (t [256]uint8) {
	for c := 0; c < 0x20; c++ {
		t[c] = strControl
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = strHigh
	}
	t['"'], t['\\'] = strQuote, strEscape
	return t
}()

// stringBytes moves past the string at d.pos and returns its raw contents (between its
// quotes), whether they hold escapes, and a syntax error for an unterminated string, a
// control character or a bad escape. Bytes past ASCII are checked by the callers that
// need valid UTF-8.
func (d *decoder) stringBytes() (raw []byte, escaped bool, err error) {
	data := d.data
	start := d.pos + 1
	for i := start; i < len(data); {
		// Eight bytes at a time while none of them is a quote, a backslash or a
		// control character.
		for i+8 <= len(data) && !specialIn(binary.LittleEndian.Uint64(data[i:])) {
			i += 8
		}
		if i >= len(data) {
			break
		}
		switch strClass[data[i]] {
		case strPlain, strHigh:
			i++
		case strQuote:
			d.pos = i + 1
			return data[start:i], escaped, nil
		case strEscape:
			escaped = true
			n := escapeLen(data[i+1:])
			if n == 0 {
				return nil, false, errSyntax
			}
			i += 1 + n
		default:
			return nil, false, errSyntax
		}
	}
	return nil, false, errSyntax
}

// specialIn reports whether any of the eight bytes in w is a quote, a backslash or a
// control character (below 0x20).
func specialIn(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := w ^ (ones * '"')
	backslash := w ^ (ones * '\\')
	return ((quote-ones)&^quote|(backslash-ones)&^backslash|(w-ones*0x20)&^w)&highs != 0
}

// escapeLen returns the length of the escape that b starts (after its backslash), or 0
// if it is not one JSON allows.
func escapeLen(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	switch b[0] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 1
	case 'u':
		if len(b) < 5 {
			return 0
		}
		for _, c := range b[1:5] {
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return 0
			}
		}
		return 5
	}
	return 0
}

// text returns the contents of the string at d.pos, unescaped, with invalid UTF-8
// replaced, trimmed of surrounding white space when trim is set. The result may alias
// the document: callers copy it (d.str) before keeping it.
func (d *decoder) text(trim bool) ([]byte, error) {
	raw, escaped, err := d.stringBytes()
	if err != nil {
		return nil, err
	}
	if escaped || !utf8.Valid(raw) {
		raw = []byte(unquote(raw))
	}
	if trim && len(raw) > 0 && (!plainEdge(raw[0]) || !plainEdge(raw[len(raw)-1])) {
		raw = bytes.TrimSpace(raw)
	}
	return raw, nil
}

// plainEdge reports whether a string that starts or ends with c has nothing there to
// trim: c is ASCII and not white space.
func plainEdge(c byte) bool { return c > ' ' && c < utf8.RuneSelf }

// unquote decodes the contents of a JSON string the way encoding/json does; raw has
// passed stringBytes.
func unquote(raw []byte) string {
	quoted := make([]byte, 0, len(raw)+2)
	quoted = append(append(append(quoted, '"'), raw...), '"')
	var s string
	_ = json.Unmarshal(quoted, &s)
	return s
}

// emptyish reports whether the value at d.pos is null or "", which leave composite
// fields at their zero.
func (d *decoder) emptyish() bool {
	rest := d.data[d.pos:]
	return bytes.HasPrefix(rest, []byte("null")) || bytes.HasPrefix(rest, []byte(`""`))
}

// blankString reports whether the value at d.pos is a string of white space alone
// ("\t", " ", "\u3000"), without moving past it. A string that is not JSON is not blank:
// the walk finds it.
func (d *decoder) blankString() bool {
	if d.data[d.pos] != '"' {
		return false
	}
	start := d.pos
	t, err := d.text(true)
	d.pos = start
	return err == nil && len(t) == 0
}

// Strings are copied out of the document into blocks of arena bytes shared by the
// strings of one document, rather than one allocation each.
const (
	minArena = 256
	maxArena = 8 << 10
)

// str returns b as a string of its own.
func (d *decoder) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > cap(d.arena)-len(d.arena) {
		// A block no larger than the document, whose strings are no longer: a small
		// answer kept while a wait is parked holds no more than it needs.
		size := min(max(len(d.data)/16, minArena), maxArena, len(d.data))
		d.arena = make([]byte, 0, max(size, len(b)))
	}
	start := len(d.arena)
	d.arena = append(d.arena, b...)
	return unsafe.String(&d.arena[start], len(b))
}
