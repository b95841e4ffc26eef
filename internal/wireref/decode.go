// Package wireref is the tolerant decoder of package wire as it was before wire read a
// document in one pass: three walks over the bytes (a validation pass, the frame with
// its data captured raw, then the data), reflection per value. It is kept only as the
// reference that the differential fuzz targets hold package wire to; nothing but tests
// imports it.
package wireref

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tcredit-go/tcredit/internal/wire"
)

// Error is the error of package wire, so that paths compare directly.
type Error = wire.Error

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
//   - a non-struct type that implements json.Unmarshaler (an amount, a raw message)
//     receives the raw value;
//   - a field tagged `wire:"lenient"` is left zero when its value cannot be read,
//     instead of failing the document;
//   - a field tagged `wire:"unique"` fails the document when two keys set it (two exact
//     spellings, or two case-insensitive ones), rather than the last one winning;
//   - a field tagged `wire:"nonblank"` fails the document when its value is null or a
//     string of white space alone, rather than being left zero.
//
// A value that cannot be read is an *Error naming its path; a document that is not
// JSON is an *Error with an empty path.
func Decode(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &Error{Msg: "decode target must be a non-nil pointer"}
	}
	if !json.Valid(data) {
		var probe any
		err := json.Unmarshal(data, &probe)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return &Error{Msg: err.Error()}
	}
	d := decoder{data: data}
	return d.value(rv.Elem(), customType(rv.Elem().Type()))
}

// DecodeValidated is Decode for data already known to be valid JSON, such as a Raw
// that Decode took from a document: it skips the validation pass.
func DecodeValidated(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &Error{Msg: "decode target must be a non-nil pointer"}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &Error{Msg: "no value"}
	}
	d := decoder{data: data}
	return d.value(rv.Elem(), customType(rv.Elem().Type()))
}

// Raw is a field that keeps its JSON value as it is, without copying: it aliases the
// document given to Decode. A null value leaves it nil.
type Raw []byte

var rawType = reflect.TypeOf(Raw(nil))

// HasKey reports whether data, valid JSON, is an object with key set to something
// other than null or a string of white space alone.
func HasKey(data []byte, key string) bool {
	d := decoder{data: data}
	d.skipSpace()
	if d.pos >= len(d.data) || d.data[d.pos] != '{' {
		return false
	}
	d.pos++
	for {
		d.skipSpace()
		switch d.data[d.pos] {
		case '}':
			return false
		case ',':
			d.pos++
			d.skipSpace()
		}
		k, escaped := d.stringBytes()
		if escaped {
			k = []byte(unquote(k))
		}
		d.skipSpace()
		d.pos++ // ':'
		d.skipSpace()
		if string(k) == key {
			present := !d.emptyish() && !d.blankString()
			d.skipValue()
			return present
		}
		d.skipValue()
	}
}

// decoder walks a document already known to be valid JSON.
type decoder struct {
	data []byte
	pos  int
}

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

// customType reports whether t decodes itself: a non-struct type whose pointer is a
// json.Unmarshaler. Structs are walked field by field even when they have a method, so
// that a type whose UnmarshalJSON calls Decode does not recurse.
func customType(t reflect.Type) bool {
	return t.Kind() != reflect.Struct && reflect.PointerTo(t).Implements(unmarshalerType)
}

// value decodes the value at d.pos into v and leaves d.pos just past it; custom is
// customType(v.Type()), worked out once per field or slice.
func (d *decoder) value(v reflect.Value, custom bool) error {
	d.skipSpace()
	t := v.Type()
	if t == rawType {
		raw := d.skipValue()
		if string(raw) == "null" {
			raw = nil
		}
		v.SetBytes(raw)
		return nil
	}
	if custom {
		raw := d.skipValue()
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
			return &Error{Msg: err.Error()}
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return d.pointer(v)
	case reflect.Struct:
		return d.structure(v)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return d.bytes(v)
		}
		return d.slice(v)
	case reflect.String:
		return d.str(v)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return d.integer(v)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return d.unsigned(v)
	case reflect.Float32, reflect.Float64:
		return d.float(v)
	case reflect.Bool:
		return d.boolean(v)
	default:
		raw := d.skipValue()
		if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
			return &Error{Msg: err.Error()}
		}
		return nil
	}
}

// pointer leaves a pointer nil for null and for a string of white space alone, so that a
// field that must be present (a *Status) cannot be given by a blank.
func (d *decoder) pointer(v reflect.Value) error {
	if d.emptyish() || d.blankString() {
		d.skipValue()
		v.SetZero()
		return nil
	}
	if v.IsNil() {
		v.Set(reflect.New(v.Type().Elem()))
	}
	return d.value(v.Elem(), customType(v.Type().Elem()))
}

// emptyish reports whether the value at d.pos is null or "", which leave composite
// fields at their zero.
func (d *decoder) emptyish() bool {
	rest := d.data[d.pos:]
	return bytes.HasPrefix(rest, []byte("null")) || bytes.HasPrefix(rest, []byte(`""`))
}

// blankString reports whether the value at d.pos is a string of white space alone
// ("\t", " ", "\u3000"), without moving past it.
func (d *decoder) blankString() bool {
	if d.data[d.pos] != '"' {
		return false
	}
	start := d.pos
	blank := strings.TrimSpace(d.stringValue()) == ""
	d.pos = start
	return blank
}

func (d *decoder) structure(v reflect.Value) error {
	switch d.data[d.pos] {
	case '{':
	case '[':
		return d.firstElement(v)
	default:
		if d.emptyish() {
			d.skipValue()
			return nil
		}
		return d.mismatch(v.Type())
	}
	info := structInfoOf(v.Type())
	var seen keysSeen
	d.pos++ // '{'
	for {
		d.skipSpace()
		if d.data[d.pos] == '}' {
			d.pos++
			return nil
		}
		if d.data[d.pos] == ',' {
			d.pos++
			d.skipSpace()
		}
		key, escaped := d.stringBytes()
		if escaped {
			key = []byte(unquote(key))
		}
		d.skipSpace()
		d.pos++ // ':'
		d.skipSpace()
		f, exact, ok := info.field(key)
		if !ok {
			d.skipValue()
			continue
		}
		switch seen.take(f, exact) {
		case keySkip:
			d.skipValue()
			continue
		case keyDuplicate:
			return within(&Error{Msg: "key appears more than once"}, f.key)
		case keyReplace:
			v.Field(f.index).SetZero()
		}
		if f.nonblank && (d.emptyish() || d.blankString()) {
			return within(&Error{Msg: "blank value"}, f.key)
		}
		start := d.pos
		if err := d.value(v.Field(f.index), f.custom); err != nil {
			if !f.lenient {
				return within(err, f.key)
			}
			v.Field(f.index).SetZero()
			d.pos = start
			d.skipValue()
		}
	}
}

// firstElement decodes the first element of an array into a struct and skips the rest.
func (d *decoder) firstElement(v reflect.Value) error {
	d.pos++ // '['
	d.skipSpace()
	if d.data[d.pos] == ']' {
		d.pos++
		return nil
	}
	if err := d.value(v, false); err != nil {
		return within(err, "[0]")
	}
	return d.finishArray()
}

// finishArray skips whatever is left of an array after its first element.
func (d *decoder) finishArray() error {
	for {
		d.skipSpace()
		switch d.data[d.pos] {
		case ']':
			d.pos++
			return nil
		case ',':
			d.pos++
			d.skipSpace()
			d.skipValue()
		}
	}
}

func (d *decoder) slice(v reflect.Value) error {
	switch d.data[d.pos] {
	case '[':
	case '{':
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		if err := d.value(v.Index(0), customType(v.Type().Elem())); err != nil {
			return within(err, "[0]")
		}
		return nil
	case '"':
		if v.Type().Elem().Kind() == reflect.String {
			return d.commaList(v)
		}
		fallthrough
	default:
		if d.emptyish() {
			d.skipValue()
			v.SetZero()
			return nil
		}
		return d.mismatch(v.Type())
	}
	d.pos++ // '['
	n := 0
	custom := customType(v.Type().Elem())
	if v.IsNil() {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	}
	for {
		d.skipSpace()
		if d.data[d.pos] == ']' {
			d.pos++
			v.SetLen(n)
			return nil
		}
		if d.data[d.pos] == ',' {
			d.pos++
			d.skipSpace()
		}
		if n == v.Cap() {
			grown := reflect.MakeSlice(v.Type(), n, 2*n+4)
			reflect.Copy(grown, v)
			v.Set(grown)
		}
		v.SetLen(n + 1)
		if err := d.value(v.Index(n), custom); err != nil {
			return within(err, "["+strconv.Itoa(n)+"]")
		}
		n++
	}
}

// commaList reads "a, b,c" into a string slice.
func (d *decoder) commaList(v reflect.Value) error {
	s := d.stringValue()
	var parts []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	s2 := reflect.MakeSlice(v.Type(), len(parts), len(parts))
	for i, p := range parts {
		s2.Index(i).SetString(p)
	}
	v.Set(s2)
	return nil
}

func (d *decoder) bytes(v reflect.Value) error {
	if d.data[d.pos] != '"' {
		if d.emptyish() {
			d.skipValue()
			v.SetZero()
			return nil
		}
		return d.mismatch(v.Type())
	}
	b, err := wire.DecodeBase64(d.stringValue())
	if err != nil {
		return &Error{Msg: "cannot read base64: " + err.Error()}
	}
	if len(b) == 0 {
		b = nil
	}
	v.SetBytes(b)
	return nil
}

func (d *decoder) str(v reflect.Value) error {
	switch c := d.data[d.pos]; {
	case c == '"':
		v.SetString(strings.TrimSpace(d.stringValue()))
	case c == 'n':
		d.pos += len("null")
		v.SetString("")
	case c == '{' || c == '[':
		return d.mismatch(v.Type())
	default: // number, true, false
		v.SetString(string(d.skipValue()))
	}
	return nil
}

// scalarText returns the text of a number or string scalar, trimmed, and whether the
// value was null or a blank string. Objects, arrays and booleans are a mismatch.
func (d *decoder) scalarText(t reflect.Type) (text string, blank bool, err error) {
	switch c := d.data[d.pos]; {
	case c == '"':
		text = strings.TrimSpace(d.stringValue())
		return text, text == "", nil
	case c == 'n':
		d.pos += len("null")
		return "", true, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return string(d.skipValue()), false, nil
	default:
		return "", false, d.mismatch(t)
	}
}

func (d *decoder) integer(v reflect.Value) error {
	start := d.pos
	text, blank, err := d.scalarText(v.Type())
	if err != nil || blank {
		v.SetInt(0)
		return err
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(text, 64)
		if ferr != nil || f != float64(int64(f)) {
			return d.cannot(start, v.Type())
		}
		n = int64(f)
	}
	if v.OverflowInt(n) {
		return d.cannot(start, v.Type())
	}
	v.SetInt(n)
	return nil
}

func (d *decoder) unsigned(v reflect.Value) error {
	start := d.pos
	text, blank, err := d.scalarText(v.Type())
	if err != nil || blank {
		v.SetUint(0)
		return err
	}
	n, err := strconv.ParseUint(text, 10, 64)
	if err != nil || v.OverflowUint(n) {
		return d.cannot(start, v.Type())
	}
	v.SetUint(n)
	return nil
}

func (d *decoder) float(v reflect.Value) error {
	start := d.pos
	text, blank, err := d.scalarText(v.Type())
	if err != nil || blank {
		v.SetFloat(0)
		return err
	}
	f, err := strconv.ParseFloat(text, v.Type().Bits())
	if err != nil {
		return d.cannot(start, v.Type())
	}
	v.SetFloat(f)
	return nil
}

func (d *decoder) boolean(v reflect.Value) error {
	start := d.pos
	raw := d.skipValue()
	text := string(raw)
	if raw[0] == '"' {
		text = strings.TrimSpace(unquote(raw[1 : len(raw)-1]))
	}
	switch strings.ToLower(text) {
	case "true", "1", "yes", "y", "是":
		v.SetBool(true)
	case "false", "0", "no", "n", "否", "", "null":
		v.SetBool(false)
	default:
		return d.cannot(start, v.Type())
	}
	return nil
}

// mismatch reports a value of the wrong JSON kind for t, and skips it.
func (d *decoder) mismatch(t reflect.Type) error {
	return d.cannot(d.pos, t)
}

// cannot reports the value starting at start as unreadable into t, and leaves d.pos
// past it.
func (d *decoder) cannot(start int, t reflect.Type) error {
	d.pos = start
	raw := d.skipValue()
	return &Error{Msg: "cannot read " + wire.Snippet(raw, 40) + " as " + t.String()}
}

// within prefixes err's path with one step: a field name or an "[i]" index.
func within(err error, step string) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case e.Path == "":
		e.Path = step
	case e.Path[0] == '[':
		e.Path = step + e.Path
	default:
		e.Path = step + "." + e.Path
	}
	return e
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

// stringBytes returns the raw contents of the string at d.pos (between its quotes) and
// whether it holds escapes, leaving d.pos past the closing quote.
func (d *decoder) stringBytes() (raw []byte, escaped bool) {
	start := d.pos + 1
	i := start
	for {
		switch d.data[i] {
		case '"':
			d.pos = i + 1
			return d.data[start:i], escaped
		case '\\':
			escaped = true
			i += 2
		default:
			i++
		}
	}
}

// stringValue returns the string at d.pos, unescaped, with invalid UTF-8 replaced.
func (d *decoder) stringValue() string {
	raw, escaped := d.stringBytes()
	if escaped || !utf8.Valid(raw) {
		return unquote(raw)
	}
	return string(raw)
}

// unquote decodes the contents of a JSON string the way encoding/json does.
func unquote(raw []byte) string {
	quoted := make([]byte, 0, len(raw)+2)
	quoted = append(append(append(quoted, '"'), raw...), '"')
	var s string
	_ = json.Unmarshal(quoted, &s) // valid: the document passed json.Valid
	return s
}

// skipValue moves past the value at d.pos and returns its raw bytes.
func (d *decoder) skipValue() []byte {
	start := d.pos
	switch d.data[d.pos] {
	case '"':
		d.stringBytes()
	case '{', '[':
		for depth := 0; ; {
			switch d.data[d.pos] {
			case '"':
				d.stringBytes()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			d.pos++
			if depth == 0 {
				return d.data[start:d.pos]
			}
		}
	default: // number, true, false, null
		for d.pos < len(d.data) {
			switch d.data[d.pos] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return d.data[start:d.pos]
			}
			d.pos++
		}
	}
	return d.data[start:d.pos]
}

// structInfo maps the JSON keys of a struct type to its fields.
type structInfo struct {
	fields []fieldInfo
	byKey  map[string]int // exact key → position in fields
}

type fieldInfo struct {
	key      string // the JSON key, which also names the field in a path
	index    int    // field index in the struct
	custom   bool   // the field's type decodes itself (see customType)
	lenient  bool   // tagged wire:"lenient": a value that cannot be read leaves the field zero
	unique   bool   // tagged wire:"unique": a second key for the field is an error
	nonblank bool   // tagged wire:"nonblank": null or a blank string is an error, not zero
}

// field finds the field that key names, and reports whether key is its exact spelling
// rather than a match without regard to case.
func (s *structInfo) field(key []byte) (f fieldInfo, exact, ok bool) {
	if i, ok := s.byKey[string(key)]; ok {
		return s.fields[i], true, true
	}
	for _, f := range s.fields {
		if bytes.EqualFold([]byte(f.key), key) {
			return f, false, true
		}
	}
	return fieldInfo{}, false, false
}

// keysSeen remembers, within one object, which fields a key has already set and whether
// by its exact spelling, for the first 64 fields of a struct.
type keysSeen struct {
	any, exact uint64
}

// keyAction is what to do with a key whose field an earlier key may have set.
type keyAction int

const (
	keyDecode    keyAction = iota // the field's first key: decode the value
	keyReplace                    // an exact key after a case-insensitive one: it wins
	keySkip                       // a case-insensitive key after an exact one: it loses
	keyDuplicate                  // a second key for a field tagged wire:"unique"
)

// take records a key for f and says what to do with its value. An exact key wins over a
// case-insensitive one whatever their order; between two keys of the same kind the last
// wins, except for a field tagged wire:"unique", which no document may set twice.
func (k *keysSeen) take(f fieldInfo, exact bool) keyAction {
	if f.index >= 64 {
		return keyDecode
	}
	bit := uint64(1) << f.index
	seenAny, seenExact := k.any&bit != 0, k.exact&bit != 0
	k.any |= bit
	if exact {
		k.exact |= bit
	}
	switch {
	case !seenAny:
		return keyDecode
	case f.unique && exact == seenExact:
		return keyDuplicate
	case exact && !seenExact:
		return keyReplace
	case !exact && seenExact:
		return keySkip
	}
	return keyReplace
}

var structInfos sync.Map // reflect.Type → *structInfo

func structInfoOf(t reflect.Type) *structInfo {
	if s, ok := structInfos.Load(t); ok {
		return s.(*structInfo)
	}
	s := &structInfo{byKey: make(map[string]int)}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		key := sf.Name
		if tag, ok := sf.Tag.Lookup("json"); ok {
			name, _, _ := strings.Cut(tag, ",")
			if name == "-" {
				continue
			}
			if name != "" {
				key = name
			}
		}
		opts := "," + sf.Tag.Get("wire") + ","
		s.byKey[key] = len(s.fields)
		s.fields = append(s.fields, fieldInfo{
			key: key, index: i, custom: customType(sf.Type),
			lenient:  strings.Contains(opts, ",lenient,"),
			unique:   strings.Contains(opts, ",unique,"),
			nonblank: strings.Contains(opts, ",nonblank,"),
		})
	}
	actual, _ := structInfos.LoadOrStore(t, s)
	return actual.(*structInfo)
}
