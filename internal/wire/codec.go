package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// A codec decodes values of one Go type. It is worked out once per type (codecOf) and
// then reads each value through an unsafe.Pointer to it, with no reflection per value
// but where a pointer is allocated, a slice made or a type decodes itself.
type codec struct {
	typ reflect.Type
	dec func(d *decoder, p unsafe.Pointer) error
}

var (
	codecs    sync.Map // reflect.Type → *codec
	compileMu sync.Mutex

	fenTypes sync.Map // reflect.Type → true: int64 kinds read as fen (RegisterFen)
)

var (
	rawType         = reflect.TypeOf(Raw(nil))
	unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
)

// RegisterFen makes Decode read values of t, an int64 type, as amounts of money in fen
// (ParseFen over the decimal text of a number or a numeric string; "" and null are 0)
// without calling its UnmarshalJSON, which must mean the same. Call it from an init
// function, before the first Decode.
func RegisterFen(t reflect.Type) {
	if t.Kind() != reflect.Int64 {
		panic("wire: RegisterFen of a non-int64 type " + t.String())
	}
	fenTypes.Store(t, true)
}

// codecOf returns the codec of t, working it out on first use.
func codecOf(t reflect.Type) *codec {
	if c, ok := codecs.Load(t); ok {
		return c.(*codec)
	}
	compileMu.Lock()
	defer compileMu.Unlock()
	building := map[reflect.Type]*codec{}
	c := compile(t, building)
	for t, c := range building {
		codecs.LoadOrStore(t, c)
	}
	actual, _ := codecs.Load(t)
	if actual == nil {
		return c
	}
	return actual.(*codec)
}

// compile works out the codec of t; building holds the codecs being worked out, so that
// a type that contains itself refers to its own codec.
func compile(t reflect.Type, building map[reflect.Type]*codec) *codec {
	if c, ok := codecs.Load(t); ok {
		return c.(*codec)
	}
	if c, ok := building[t]; ok {
		return c
	}
	c := &codec{typ: t}
	building[t] = c
	_, fen := fenTypes.Load(t)
	switch {
	case t == rawType:
		c.dec = decodeRaw
	case fen:
		c.dec = decodeFen
	case customType(t):
		c.dec = c.decodeCustom
	default:
		c.dec = compileKind(c, t, building)
	}
	return c
}

// customType reports whether t decodes itself: a non-struct type whose pointer is a
// json.Unmarshaler. Structs are walked field by field even when they have a method, so
// that a type whose UnmarshalJSON calls Decode does not recurse.
func customType(t reflect.Type) bool {
	return t.Kind() != reflect.Struct && reflect.PointerTo(t).Implements(unmarshalerType)
}

func compileKind(c *codec, t reflect.Type, building map[reflect.Type]*codec) func(*decoder, unsafe.Pointer) error {
	switch t.Kind() {
	case reflect.Pointer:
		return compilePointer(c, compile(t.Elem(), building))
	case reflect.Struct:
		return compileStruct(c, building)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return c.decodeBytes
		}
		return compileSlice(c, compile(t.Elem(), building))
	case reflect.String:
		return c.decodeString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return c.decodeInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return c.decodeUint
	case reflect.Float32, reflect.Float64:
		return c.decodeFloat
	case reflect.Bool:
		return c.decodeBool
	}
	return c.decodeOther
}

// cannot reports the value starting at start as unreadable into the codec's type, and
// leaves d.pos past it.
func (c *codec) cannot(d *decoder, start int) error {
	d.pos = start
	raw, err := d.skipRaw()
	if err != nil {
		return err
	}
	return cannotRead(raw, " as "+c.typ.String())
}

// value returns the codec's type at p, for the rare paths that need reflection.
func (c *codec) value(p unsafe.Pointer) reflect.Value { return reflect.NewAt(c.typ, p).Elem() }

func decodeRaw(d *decoder, p unsafe.Pointer) error {
	raw, err := d.skipRaw()
	if string(raw) == "null" {
		raw = nil
	}
	*(*[]byte)(p) = raw
	return err
}

// decodeFen reads an amount as the amount type's UnmarshalJSON does: a number or a
// numeric string, trimmed; "" and null are 0.
func decodeFen(d *decoder, p unsafe.Pointer) error {
	raw, err := d.skipRaw()
	if err != nil {
		return err
	}
	b := raw
	switch {
	case string(b) == "null":
		*(*int64)(p) = 0
		return nil
	case len(b) >= 2 && b[0] == '"':
		if b = bytes.TrimSpace(b[1 : len(b)-1]); len(b) == 0 {
			*(*int64)(p) = 0
			return nil
		}
	}
	fen, ok := plainFen(b)
	if !ok {
		if fen, err = ParseFen(b); err != nil {
			return cannotRead(b, " as an amount: "+err.Error())
		}
	}
	*(*int64)(p) = fen
	return nil
}

// plainFen reads the common spelling of an amount, at most 15 digits of yuan and 2 of
// fen ("-4391.67", "12", "0.5"), as ParseFen would; anything else is left to ParseFen.
func plainFen(b []byte) (int64, bool) {
	i, neg := 0, len(b) > 0 && b[0] == '-'
	if neg {
		i++
	}
	var n int64
	whole := i
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		n = n*10 + int64(b[i]-'0')
	}
	if i == whole || i-whole > 15 {
		return 0, false
	}
	places := 0
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9' && places < 2; i++ {
			n = n*10 + int64(b[i]-'0')
			places++
		}
		if places == 0 {
			return 0, false
		}
	}
	if i != len(b) {
		return 0, false
	}
	for ; places < 2; places++ {
		n *= 10
	}
	if neg {
		n = -n
	}
	return n, true
}

func (c *codec) decodeCustom(d *decoder, p unsafe.Pointer) error {
	raw, err := d.skipRaw()
	if err != nil {
		return err
	}
	if err := c.value(p).Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
		return &Error{Msg: err.Error()}
	}
	return nil
}

func (c *codec) decodeOther(d *decoder, p unsafe.Pointer) error {
	raw, err := d.skipRaw()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, c.value(p).Addr().Interface()); err != nil {
		return &Error{Msg: err.Error()}
	}
	return nil
}

// compilePointer leaves a pointer nil for null and for a string of white space alone, so
// that a field that must be present (a *Status) cannot be given by a blank.
func compilePointer(c, elem *codec) func(*decoder, unsafe.Pointer) error {
	return func(d *decoder, p unsafe.Pointer) error {
		if d.emptyish() || d.blankString() {
			*(*unsafe.Pointer)(p) = nil
			return d.skip()
		}
		if *(*unsafe.Pointer)(p) == nil {
			*(*unsafe.Pointer)(p) = reflect.New(elem.typ).UnsafePointer()
		}
		return elem.dec(d, *(*unsafe.Pointer)(p))
	}
}

func (c *codec) decodeString(d *decoder, p unsafe.Pointer) error {
	switch b := d.data[d.pos]; {
	case b == '"':
		t, err := d.text(true)
		if err != nil {
			return err
		}
		*(*string)(p) = d.str(t)
	case b == 'n':
		*(*string)(p) = ""
		return d.literal("null")
	case b == '{' || b == '[':
		return c.cannot(d, d.pos)
	default: // number, true, false
		raw, err := d.skipRaw()
		if err != nil {
			return err
		}
		*(*string)(p) = d.str(raw)
	}
	return nil
}

// scalarText returns the text of a number or string scalar, trimmed, and whether the
// value was null or a blank string. Objects, arrays and booleans are a mismatch. The
// text may alias the document.
func (c *codec) scalarText(d *decoder) (text []byte, blank bool, err error) {
	switch b := d.data[d.pos]; {
	case b == '"':
		text, err = d.text(true)
		return text, len(text) == 0, err
	case b == 'n':
		return nil, true, d.literal("null")
	case b == '-' || (b >= '0' && b <= '9'):
		text, err = d.number()
		return text, false, err
	default:
		return nil, false, c.cannot(d, d.pos)
	}
}

// unsafeString views b as a string for a parse that does not keep it.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// plainInt reads text of at most 18 digits with an optional minus sign, the common case,
// without strconv.
func plainInt(text []byte) (int64, bool) {
	neg := len(text) > 0 && text[0] == '-'
	if neg {
		text = text[1:]
	}
	if len(text) == 0 || len(text) > 18 {
		return 0, false
	}
	var n int64
	for _, b := range text {
		if b < '0' || b > '9' {
			return 0, false
		}
		n = n*10 + int64(b-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func (c *codec) decodeInt(d *decoder, p unsafe.Pointer) error {
	start := d.pos
	text, blank, err := c.scalarText(d)
	if err != nil || blank {
		c.setInt(p, 0)
		return err
	}
	n, ok := plainInt(text)
	if !ok {
		s := unsafeString(text)
		n, err = strconv.ParseInt(s, 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(s, 64)
			if ferr != nil || f != float64(int64(f)) {
				return c.cannot(d, start)
			}
			n = int64(f)
		}
	}
	if bits := c.typ.Bits(); bits < 64 && (n < -1<<(bits-1) || n > 1<<(bits-1)-1) {
		return c.cannot(d, start)
	}
	c.setInt(p, n)
	return nil
}

func (c *codec) setInt(p unsafe.Pointer, n int64) {
	switch c.typ.Size() {
	case 1:
		*(*int8)(p) = int8(n)
	case 2:
		*(*int16)(p) = int16(n)
	case 4:
		*(*int32)(p) = int32(n)
	default:
		*(*int64)(p) = n
	}
}

func (c *codec) decodeUint(d *decoder, p unsafe.Pointer) error {
	start := d.pos
	text, blank, err := c.scalarText(d)
	if err != nil || blank {
		c.setUint(p, 0)
		return err
	}
	n, err := strconv.ParseUint(unsafeString(text), 10, 64)
	if bits := c.typ.Bits(); err != nil || (bits < 64 && n > 1<<bits-1) {
		return c.cannot(d, start)
	}
	c.setUint(p, n)
	return nil
}

func (c *codec) setUint(p unsafe.Pointer, n uint64) {
	switch c.typ.Size() {
	case 1:
		*(*uint8)(p) = uint8(n)
	case 2:
		*(*uint16)(p) = uint16(n)
	case 4:
		*(*uint32)(p) = uint32(n)
	default:
		*(*uint64)(p) = n
	}
}

func (c *codec) decodeFloat(d *decoder, p unsafe.Pointer) error {
	start := d.pos
	text, blank, err := c.scalarText(d)
	var f float64
	if err == nil && !blank {
		f, err = strconv.ParseFloat(unsafeString(text), c.typ.Bits())
		if err != nil {
			return c.cannot(d, start)
		}
	}
	if c.typ.Kind() == reflect.Float32 {
		*(*float32)(p) = float32(f)
	} else {
		*(*float64)(p) = f
	}
	return err
}

func (c *codec) decodeBool(d *decoder, p unsafe.Pointer) error {
	start := d.pos
	raw, err := d.skipRaw()
	if err != nil {
		return err
	}
	text := raw
	if raw[0] == '"' {
		d.pos = start
		if text, err = d.text(true); err != nil {
			return err
		}
	}
	switch strings.ToLower(unsafeString(text)) {
	case "true", "1", "yes", "y", "是":
		*(*bool)(p) = true
	case "false", "0", "no", "n", "否", "", "null":
		*(*bool)(p) = false
	default:
		return c.cannot(d, start)
	}
	return nil
}

func (c *codec) decodeBytes(d *decoder, p unsafe.Pointer) error {
	if d.data[d.pos] != '"' {
		if d.emptyish() {
			*(*[]byte)(p) = nil
			return d.skip()
		}
		return c.cannot(d, d.pos)
	}
	t, err := d.text(false)
	if err != nil {
		return err
	}
	b, err := DecodeBase64(unsafeString(t))
	if err != nil {
		return &Error{Msg: "cannot read base64: " + err.Error()}
	}
	if len(b) == 0 {
		b = nil
	}
	*(*[]byte)(p) = b
	return nil
}

// compileSlice reads an array, a single object (one element), "" or null (nil), and for
// a []string comma-separated text. Elements are read into scratch space kept per type
// and copied once into a slice of the exact length.
func compileSlice(c, elem *codec) func(*decoder, unsafe.Pointer) error {
	s := &sliceCodec{codec: c, elem: elem, size: elem.typ.Size()}
	return s.decode
}

type sliceCodec struct {
	*codec
	elem    *codec
	size    uintptr
	scratch sync.Pool // *scratch
}

// scratch is space for the elements of one array while it is read.
type scratch struct {
	v    reflect.Value // a slice of the element type, as long as its capacity
	base unsafe.Pointer
	n    int
}

func (s *sliceCodec) decode(d *decoder, p unsafe.Pointer) error {
	switch d.data[d.pos] {
	case '[':
	case '{':
		one := reflect.MakeSlice(s.typ, 1, 1)
		if err := s.elem.dec(d, one.UnsafePointer()); err != nil {
			return within(err, "[0]")
		}
		s.value(p).Set(one)
		return nil
	case '"':
		if s.elem.typ.Kind() == reflect.String {
			return s.commaList(d, p)
		}
		fallthrough
	default:
		if d.emptyish() {
			s.value(p).SetZero()
			return d.skip()
		}
		return s.cannot(d, d.pos)
	}
	if err := d.open(); err != nil {
		return err
	}
	sc, _ := s.scratch.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	n := 0
	if d.next() == ']' {
		d.pos++
		d.depth--
	} else {
		for {
			if d.pos >= len(d.data) {
				return errSyntax
			}
			if n == sc.n {
				s.grow(sc, n)
			}
			if err := s.elem.dec(d, unsafe.Add(sc.base, uintptr(n)*s.size)); err != nil {
				return within(err, "["+strconv.Itoa(n)+"]")
			}
			n++
			more, err := d.more(']')
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	out := reflect.MakeSlice(s.typ, n, n)
	if n > 0 {
		used := sc.v.Slice(0, n)
		reflect.Copy(out, used)
		used.Clear()
	}
	s.scratch.Put(sc)
	s.value(p).Set(out)
	return nil
}

// grow doubles sc's space, keeping its first n elements.
func (s *sliceCodec) grow(sc *scratch, n int) {
	bigger := reflect.MakeSlice(s.typ, max(2*n, 8), max(2*n, 8))
	if n > 0 {
		reflect.Copy(bigger, sc.v.Slice(0, n))
	}
	sc.v, sc.base, sc.n = bigger, bigger.UnsafePointer(), bigger.Len()
}

// commaList reads "a, b,c" into a string slice.
func (s *sliceCodec) commaList(d *decoder, p unsafe.Pointer) error {
	t, err := d.text(false)
	if err != nil {
		return err
	}
	var parts []string
	for _, part := range bytes.Split(t, []byte(",")) {
		if part = bytes.TrimSpace(part); len(part) > 0 {
			parts = append(parts, d.str(part))
		}
	}
	out := reflect.MakeSlice(s.typ, len(parts), len(parts))
	for i, part := range parts {
		out.Index(i).SetString(part)
	}
	s.value(p).Set(out)
	return nil
}

// structCodec reads an object into a struct field by field, or the first element of an
// array; "" and null leave the struct as it is.
type structCodec struct {
	*codec
	fields []field
	byKey  map[string]int // exact key → position in fields
}

type field struct {
	key       string // the JSON key, which also names the field in a path
	index     int    // field index in the struct
	offset    uintptr
	codec     *codec
	canonical bool // the field an exact key sets: the last of those tagged with it
	plainKey  bool // canonical, and its key needs no escape in JSON
	lenient   bool // tagged wire:"lenient": a value that cannot be read leaves the field zero
	unique    bool // tagged wire:"unique": a second key for the field is an error
	nonblank  bool // tagged wire:"nonblank": null or a blank string is an error, not zero
	deferred  bool // tagged wire:"deferred": see DecodeDeferred
}

func compileStruct(c *codec, building map[reflect.Type]*codec) func(*decoder, unsafe.Pointer) error {
	s := &structCodec{codec: c, byKey: map[string]int{}}
	t := c.typ
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
		s.fields = append(s.fields, field{
			key: key, index: i, offset: sf.Offset, codec: compile(sf.Type, building),
			lenient:  strings.Contains(opts, ",lenient,"),
			unique:   strings.Contains(opts, ",unique,"),
			nonblank: strings.Contains(opts, ",nonblank,"),
			deferred: strings.Contains(opts, ",deferred,"),
		})
	}
	for _, i := range s.byKey {
		f := &s.fields[i]
		f.canonical = true
		f.plainKey = !strings.ContainsFunc(f.key, func(r rune) bool { return r < 0x20 || r == '"' || r == '\\' })
	}
	return s.decode
}

// key reads an object's key and the colon after it. The key of the field after the last
// one found is checked for first, byte for byte, without scanning it as a string:
// servers write keys in the order of their own declaration. When it is that key, key
// returns its field too.
func (s *structCodec) key(d *decoder, next int) ([]byte, *field, error) {
	if next < len(s.fields) && s.fields[next].plainKey {
		f := &s.fields[next]
		start, end := d.pos+1, d.pos+1+len(f.key)
		if end < len(d.data) && d.data[d.pos] == '"' && d.data[end] == '"' && string(d.data[start:end]) == f.key {
			d.pos = end + 1
			if d.next() != ':' {
				return nil, nil, errSyntax
			}
			d.pos++
			if d.next() == 0 {
				return nil, nil, errSyntax
			}
			return d.data[start:end], f, nil
		}
	}
	key, err := d.key()
	return key, nil, err
}

// lookup finds the field that key names, and reports whether key is its exact spelling
// rather than a match without regard to case. The field after the last one found is
// tried first: servers write keys in the order of their own declaration.
func (s *structCodec) lookup(key []byte, next *int) (f *field, exact bool) {
	if i := *next; i < len(s.fields) && s.fields[i].canonical && s.fields[i].key == string(key) {
		*next = i + 1
		return &s.fields[i], true
	}
	if i, ok := s.byKey[string(key)]; ok {
		*next = i + 1
		return &s.fields[i], true
	}
	for i := range s.fields {
		if bytes.EqualFold([]byte(s.fields[i].key), key) {
			return &s.fields[i], false
		}
	}
	return nil, false
}

func (s *structCodec) decode(d *decoder, p unsafe.Pointer) error {
	switch d.data[d.pos] {
	case '{':
	case '[':
		return s.firstElement(d, p)
	default:
		if d.emptyish() {
			return d.skip()
		}
		return s.cannot(d, d.pos)
	}
	if err := d.open(); err != nil {
		return err
	}
	watched := d.watchDepth == d.depth
	if d.next() == '}' {
		d.pos++
		d.depth--
		d.watchDone = d.watchDone || watched
		return nil
	}
	var seen keysSeen
	next := 0
	for {
		key, f, err := s.key(d, next)
		if err != nil {
			return err
		}
		if watched && !d.watchSeen && string(key) == d.watchKey {
			d.watchSeen, d.watchSet = true, !d.emptyish() && !d.blankString()
		}
		exact := f != nil
		if exact {
			next++
		} else {
			f, exact = s.lookup(key, &next)
		}
		if f != nil {
			if err := s.field(d, p, f, seen.take(f, exact)); err != nil {
				return err
			}
		} else if err := d.skip(); err != nil {
			return err
		}
		more, err := d.more('}')
		if err != nil {
			return err
		}
		if !more {
			d.watchDone = d.watchDone || watched
			return nil
		}
	}
}

// field reads the value at d.pos into f, as action says.
func (s *structCodec) field(d *decoder, p unsafe.Pointer, f *field, action keyAction) error {
	fp := unsafe.Add(p, f.offset)
	switch action {
	case keySkip:
		return d.skip()
	case keyDuplicate:
		return within(&Error{Msg: "key appears more than once"}, f.key)
	case keyReplace:
		f.codec.value(fp).SetZero()
	}
	if f.nonblank && (d.emptyish() || d.blankString()) {
		return within(&Error{Msg: "blank value"}, f.key)
	}
	if f.deferred {
		return d.deferred(f, fp)
	}
	start, depth := d.pos, d.depth
	err := f.codec.dec(d, fp)
	if err == nil || err == errSyntax {
		return err
	}
	if !f.lenient {
		return within(err, f.key)
	}
	f.codec.value(fp).SetZero()
	d.pos, d.depth = start, depth
	return d.skip()
}

// deferred reads the value of a field tagged wire:"deferred": an error in it is kept
// aside and the value skipped, so that the rest of the document is still read.
func (d *decoder) deferred(f *field, fp unsafe.Pointer) error {
	depth := d.depth
	d.deferErr, d.deferStart = nil, d.pos
	d.watchDepth, d.watchSeen, d.watchSet, d.watchDone = depth+1, false, false, false
	err := f.codec.dec(d, fp)
	d.watchDepth = 0
	if err == errSyntax {
		return err
	}
	if err != nil {
		d.deferErr = within(err, f.key)
		d.depth = depth
		d.pos = d.deferStart
		if err := d.skip(); err != nil {
			return err
		}
	}
	d.deferEnd = d.pos
	return nil
}

// firstElement decodes the first element of an array into a struct and skips the rest.
func (s *structCodec) firstElement(d *decoder, p unsafe.Pointer) error {
	if err := d.open(); err != nil {
		return err
	}
	switch d.next() {
	case ']':
		d.pos++
		d.depth--
		return nil
	case 0:
		return errSyntax
	}
	if err := s.decode(d, p); err != nil {
		return within(err, "[0]")
	}
	for {
		more, err := d.more(']')
		if !more || err != nil {
			return err
		}
		if err := d.skip(); err != nil {
			return err
		}
	}
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
func (k *keysSeen) take(f *field, exact bool) keyAction {
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
