// Package wire is the SDK's codec for the API's JSON: Decode reads a document into Go
// values with the tolerance real servers need (the list is Decode's), in one walk that
// checks the syntax as it goes; DecodeDeferred reads a response whose data may come
// before its status; ParseFen and FormatFen read and write money in fen, exactly.
package wire

import (
	"bytes"
	"encoding/base64"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tcredit-go/tcredit/internal/mask"
)

// Error reports a JSON value that could not be read into its Go field, with the path of
// that value from the document's root ("data.billInfos[2].balance").
type Error struct {
	Path string // where the value sits; empty for the root
	Msg  string // what was wrong with it

	value []byte // the start of the value Msg quotes, copied; nil when it quotes none
	after string // what Msg says after the quotation
}

// quoteLen is how much of an unreadable value an error quotes, in bytes.
const quoteLen = 40

// cannotRead returns the error of a value that could not be read, quoting its start;
// after says what it could not be read as.
func cannotRead(value []byte, after string) *Error {
	// Keep enough past the quotation for Requote to see a secret across its cut.
	kept := bytes.Clone(value[:min(len(value), quoteLen+32+512)])
	return &Error{Msg: "cannot read " + Snippet(kept, quoteLen) + after, value: kept, after: after}
}

// Requote rewrites the quotation in e's message from the value as scrub returns it,
// before the value is cut and its digit runs masked: scrubbing the quotation afterwards
// would miss a secret that the cut or the mask changed.
func (e *Error) Requote(scrub func(string) string) {
	if e.value != nil {
		e.Msg = "cannot read " + Snippet([]byte(scrub(string(e.value))), quoteLen) + e.after
	}
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "json: " + e.Msg
	}
	return "json: " + e.Path + ": " + e.Msg
}

// Decode reads the JSON document data into v, a non-nil pointer, with the tolerance that
// real servers of this API need:
//
//   - a string field takes a string (trimmed of surrounding white space), a number (its
//     text) or a boolean; null is "";
//   - an integer or float field takes a number or a numeric string; "" and null are 0;
//   - a bool field takes true/false, "true"/"false", 1/0, "1"/"0", "yes"/"no", "Y"/"N"
//     and "是"/"否"; "" and null are false;
//   - a []byte field takes base64 text, standard or URL-safe, padded or not, with line
//     breaks;
//   - a slice takes an array, a single object (one element), "" or null (nil), and a
//     []string takes comma-separated text;
//   - a struct takes an object, or the first element of an array; "" and null leave it
//     zero; keys match the json tag exactly, else without regard to case, and an exact
//     key wins over a case-insensitive one whatever their order; unknown keys are
//     skipped;
//   - a pointer is left nil by null and by a string of white space alone;
//   - a type registered with RegisterFen (an amount) takes a number or a numeric
//     string, trimmed, read exactly as fen by ParseFen; "" and null are 0;
//   - any other non-struct type that implements json.Unmarshaler (a raw message)
//     receives the raw value; maps, interfaces and arrays go to encoding/json;
//   - a field tagged `wire:"lenient"` is left zero when its value cannot be read,
//     instead of failing the document;
//   - a field tagged `wire:"unique"` fails the document when two keys set it (two exact
//     spellings, or two case-insensitive ones), rather than the last one winning;
//   - a field tagged `wire:"nonblank"` fails the document when its value is null or a
//     string of white space alone, rather than being left zero;
//   - a field tagged `wire:"deferred"` is read as DecodeDeferred says.
//
// The document is read in one walk that checks its syntax as it goes, as strictly as
// encoding/json (json.Valid). Each type's field table and decoders are worked out once
// and cached; values are then written through pointers, with no reflection per value but
// to allocate a pointer or a slice. An array is read into scratch space kept per type and
// copied once into a slice of its exact length; strings are copied out of data into
// blocks shared by the strings of one document, so that nothing decoded aliases data
// (but a Raw field, and the bytes passed to an UnmarshalJSON method).
//
// A value that cannot be read is an *Error naming its path, which never quotes more of
// the value than 40 bytes with its digit runs masked (see Snippet); a document that is
// not JSON is an *Error with an empty path, and wins over any other error. v may be
// partly written when Decode fails.
func Decode(data []byte, v any) error {
	_, err := decode(data, v, "")
	return err
}

// Deferred is what DecodeDeferred reports of the field tagged wire:"deferred".
type Deferred struct {
	Err    error // what was wrong with its value, an *Error naming its path; nil if nothing
	HasKey bool  // its value is an object with the key asked for set, as HasKey reports it
}

// DecodeDeferred is Decode for a document with a field tagged wire:"deferred" (at most
// one), such as the data of a response whose status comes after it. An error reading
// that field's value does not end the document: the value is skipped, the rest read, and
// the error reported in Deferred.Err, so that the caller can tell which of the two
// matters. Deferred.HasKey reports whether the field's value is an object in which key
// is set, read in the same walk.
func DecodeDeferred(data []byte, v any, key string) (Deferred, error) {
	return decode(data, v, key)
}

// decode reads data into v in one walk that checks the syntax as it goes.
func decode(data []byte, v any, key string) (Deferred, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return Deferred{}, &Error{Msg: "decode target must be a non-nil pointer"}
	}
	c := codecOf(rv.Type().Elem())
	d := decoder{data: data, watchKey: key}
	err := errSyntax
	if d.next() != 0 {
		err = c.dec(&d, rv.UnsafePointer())
	}
	if d.skipSpace(); err == nil && d.pos != len(data) {
		err = errSyntax
	}
	if err == errSyntax || (err != nil && !validate(data)) {
		return Deferred{}, syntaxError(data)
	}
	if err != nil {
		return Deferred{}, err
	}
	def := Deferred{Err: d.deferErr}
	switch {
	case d.deferEnd == 0: // no such field
	case d.deferErr == nil && (d.watchSeen || d.watchDone):
		def.HasKey = d.watchSet
	default: // the value was not walked to its end as an object
		def.HasKey = HasKey(data[d.deferStart:d.deferEnd], key)
	}
	return def, nil
}

// Raw is a field that keeps its JSON value as it is, without copying: it aliases the
// document given to Decode. A null value leaves it nil.
type Raw []byte

// HasKey reports whether data, valid JSON, is an object with key set to something
// other than null or a string of white space alone.
func HasKey(data []byte, key string) bool {
	d := decoder{data: data}
	if d.next() != '{' || d.open() != nil {
		return false
	}
	if d.next() == '}' {
		return false
	}
	for {
		k, err := d.key()
		if err != nil {
			return false
		}
		if string(k) == key {
			return !d.emptyish() && !d.blankString()
		}
		if d.skip() != nil {
			return false
		}
		if more, _ := d.more('}'); !more {
			return false
		}
	}
}

// Snippet quotes at most limit bytes of b as a Go string literal, cut at a rune boundary.
//
// Every run of seven or more digits in it is masked (mask.Digits) before the cut, so that
// no ID card, mobile or account number in a bad value reaches an error message whole.
func Snippet(b []byte, limit int) string {
	if len(b) > limit+32 {
		b = b[:limit+32] // mask a little past the cut, to see a digit run across it whole
	}
	b = []byte(mask.Digits(string(b)))
	if len(b) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(b[cut]) {
			cut--
		}
		return strconv.Quote(string(b[:cut])) + "…"
	}
	return strconv.Quote(string(b))
}

// DecodeBase64 reads base64 text in any of the spellings servers use: standard or
// URL-safe alphabet, with or without padding, broken into lines (as the Java MIME
// encoder writes it) or not.
func DecodeBase64(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case '\r', '\n', ' ', '\t', '=':
			return -1
		case '-':
			return '+'
		case '_':
			return '/'
		}
		return r
	}, s)
	return base64.RawStdEncoding.DecodeString(clean)
}
