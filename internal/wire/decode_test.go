package wire

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type item struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// rawText decodes itself: it keeps the raw JSON of its value, and refuses "bad".
type rawText string

func (r *rawText) UnmarshalJSON(b []byte) error {
	if string(b) == `"bad"` {
		return errors.New("bad text")
	}
	*r = rawText(b)
	return nil
}

// sample has a field of every kind Decode handles.
type sample struct {
	S      string          `json:"s"`
	I      int             `json:"i"`
	I8     int8            `json:"i8"`
	U      uint16          `json:"u"`
	F      float64         `json:"f"`
	B      bool            `json:"b"`
	Bytes  []byte          `json:"bytes"`
	List   []string        `json:"list"`
	Items  []item          `json:"items"`
	One    item            `json:"one"`
	Ptr    *item           `json:"ptr"`
	PI     *int            `json:"pi"`
	Raw    json.RawMessage `json:"raw"`
	Text   rawText         `json:"text"`
	Lax    []byte          `json:"lax" wire:"lenient"`
	Grid   [][]int         `json:"grid"`
	Any    any             `json:"any"`
	Map    map[string]int  `json:"map"`
	NoTag  string
	Skip   string `json:"-"`
	hidden string
}

func decodeSample(t *testing.T, in string) sample {
	t.Helper()
	var s sample
	require.NoError(t, Decode([]byte(in), &s), in)
	return s
}

func intPtr(n int) *int { return &n }

func TestDecodeTolerance(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x01\x08\x02\x00\x00\x00\xfb\xfe")
	std := base64.StdEncoding.EncodeToString(png)
	tests := []struct {
		name string
		in   string
		want sample
	}{
		// Strings.
		{"string trimmed", `{"s":"  padded \t"}`, sample{S: "padded"}},
		{"string from an integer", `{"s":42}`, sample{S: "42"}},
		{"string from a decimal keeps its text", `{"s":-1.50}`, sample{S: "-1.50"}},
		{"string from a boolean", `{"s":true}`, sample{S: "true"}},
		{"string from null", `{"s":null}`, sample{}},
		{"string escapes", `{"s":"a\"b\\c\/\u00e9\t\n"}`, sample{S: "a\"b\\c/é"}},
		{"string surrogate pair", `{"s":"\ud83d\ude00"}`, sample{S: "😀"}},
		{"string lone surrogate", `{"s":"\ud83d"}`, sample{S: "\uFFFD"}},
		{"string invalid UTF-8", "{\"s\":\"a\xffb\"}", sample{S: "a\uFFFDb"}},
		{"escaped key", `{"\u0073":"x"}`, sample{S: "x"}},
		// Integers and floats.
		{"int", `{"i":-7}`, sample{I: -7}},
		{"int from text", `{"i":" 42 "}`, sample{I: 42}},
		{"int from exponent", `{"i":1e3}`, sample{I: 1000}},
		{"int from integral decimal text", `{"i":"2.0"}`, sample{I: 2}},
		{"int from empty text", `{"i":""}`, sample{}},
		{"int from null", `{"i":null}`, sample{}},
		{"int8 at its limit", `{"i8":"-128"}`, sample{I8: -128}},
		{"uint from text", `{"u":"65535"}`, sample{U: 65535}},
		{"float from text", `{"f":"1.5"}`, sample{F: 1.5}},
		{"float from an integer", `{"f":2}`, sample{F: 2}},
		{"float from blank text", `{"f":"  "}`, sample{}},
		// Bytes.
		{"base64 standard, padded", `{"bytes":"` + std + `"}`, sample{Bytes: png}},
		{"base64 unpadded", `{"bytes":"` + strings.TrimRight(std, "=") + `"}`, sample{Bytes: png}},
		{"base64 URL-safe", `{"bytes":"` + base64.URLEncoding.EncodeToString(png) + `"}`, sample{Bytes: png}},
		{"base64 with MIME line breaks", `{"bytes":"` + std[:20] + `\r\n` + std[20:] + `"}`, sample{Bytes: png}},
		{"base64 with bare line breaks", `{"bytes":"` + std[:8] + `\n` + std[8:16] + `\n` + std[16:] + `"}`, sample{Bytes: png}},
		{"bytes from empty text", `{"bytes":""}`, sample{}},
		{"bytes from null", `{"bytes":null}`, sample{}},
		{"lenient field left zero", `{"lax":"not base64!","s":"after"}`, sample{S: "after"}},
		{"lenient field of the wrong kind", `{"lax":{"a":[1]},"i":3}`, sample{I: 3}},
		{"lenient field read when it can be", `{"lax":"` + std + `"}`, sample{Lax: png}},
		// Slices.
		{"slice", `{"items":[{"name":"a"},{"name":"b","n":"2"}]}`, sample{Items: []item{{Name: "a"}, {Name: "b", N: 2}}}},
		{"slice from one object", `{"items":{"name":"one"}}`, sample{Items: []item{{Name: "one"}}}},
		{"slice from empty text", `{"items":""}`, sample{}},
		{"slice from null", `{"items":null}`, sample{}},
		{"empty slice", `{"items":[]}`, sample{Items: []item{}}},
		{"strings from comma text", `{"list":"a, b,,c "}`, sample{List: []string{"a", "b", "c"}}},
		{"strings from an array", `{"list":[" a ",1,true,null]}`, sample{List: []string{"a", "1", "true", ""}}},
		{"nested arrays", `{"grid":[[1,2],[3,"4"],[]]}`, sample{Grid: [][]int{{1, 2}, {3, 4}, {}}}},
		// Structs.
		{"struct", `{"one":{"name":"x","n":1}}`, sample{One: item{Name: "x", N: 1}}},
		{"struct from the first element", `{"one":[{"name":"first"},{"name":"second"}]}`, sample{One: item{Name: "first"}}},
		{"struct from an empty array", `{"one":[]}`, sample{}},
		{"struct from empty text", `{"one":""}`, sample{}},
		{"struct from null", `{"one":null}`, sample{}},
		{"keys without regard to case", `{"ONE":{"NAME":"x","N":"3"}}`, sample{One: item{Name: "x", N: 3}}},
		{"untagged field by its name", `{"notag":"x"}`, sample{NoTag: "x"}},
		{"field tagged - is never set", `{"Skip":"x","-":"y"}`, sample{}},
		{"unexported field is never set", `{"hidden":"x"}`, sample{}},
		{"unknown keys skipped, nested and tricky", `{"zzz":{"a":[1,{"b":"}]\"["}],"c":"\\"},"s":"after","z2":[[],{}],"z3":null}`,
			sample{S: "after"}},
		{"last duplicate wins", `{"s":"first","s":"second"}`, sample{S: "second"}},
		{"white space everywhere", "\n\t{ \"s\" : \"x\" ,\r\n\"i\" :1 , \"items\" : [ { \"n\" : 2 } , { } ] }\n",
			sample{S: "x", I: 1, Items: []item{{N: 2}, {}}}},
		// Pointers, raw values, custom types, the rest.
		{"pointer to struct", `{"ptr":{"name":"p"}}`, sample{Ptr: &item{Name: "p"}}},
		{"pointer from null", `{"ptr":null}`, sample{}},
		{"pointer from empty text", `{"ptr":""}`, sample{}},
		{"pointer to int from text", `{"pi":"5"}`, sample{PI: intPtr(5)}},
		{"raw message", `{"raw":{"a": [1, 2]}}`, sample{Raw: json.RawMessage(`{"a": [1, 2]}`)}},
		{"raw message of a string", `{"raw":" x "}`, sample{Raw: json.RawMessage(`" x "`)}},
		{"custom type gets the raw value", `{"text":[1, "a"]}`, sample{Text: `[1, "a"]`}},
		{"custom type gets null", `{"text":null}`, sample{Text: `null`}},
		{"interface", `{"any":{"a":[1,"b"]}}`, sample{Any: map[string]any{"a": []any{1.0, "b"}}}},
		{"map", `{"map":{"a":1,"b":2}}`, sample{Map: map[string]int{"a": 1, "b": 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, decodeSample(t, tt.in))
		})
	}
}

func TestDecodeBooleans(t *testing.T) {
	t.Parallel()
	truthy := []string{`true`, `"true"`, `1`, `"1"`, `"yes"`, `"Y"`, `"y"`, `"是"`, `" TRUE "`, `"Yes"`}
	falsy := []string{`false`, `"false"`, `0`, `"0"`, `"no"`, `"N"`, `"否"`, `""`, `null`, `"False"`}
	for _, v := range truthy {
		assert.True(t, decodeSample(t, `{"b":`+v+`}`).B, v)
	}
	for _, v := range falsy {
		s := sample{B: true}
		require.NoError(t, Decode([]byte(`{"b":`+v+`}`), &s))
		assert.False(t, s.B, v)
	}
}

func TestDecodeOverwrites(t *testing.T) {
	t.Parallel()
	s := sample{Ptr: &item{Name: "old"}, PI: intPtr(1), Items: []item{{Name: "old"}}, I: 9}
	require.NoError(t, Decode([]byte(`{"ptr":null,"pi":"","items":null,"i":null}`), &s))
	assert.Nil(t, s.Ptr)
	assert.Nil(t, s.PI)
	assert.Nil(t, s.Items)
	assert.Zero(t, s.I)
	assert.Empty(t, s.hidden)
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		path string
	}{
		{`{"i":"abc"}`, "i"},
		{`{"i":1.5}`, "i"},
		{`{"i":true}`, "i"},
		{`{"i":[1]}`, "i"},
		{`{"i8":300}`, "i8"},
		{`{"u":-1}`, "u"},
		{`{"u":"1e2"}`, "u"},
		{`{"f":"x"}`, "f"},
		{`{"f":"1e400"}`, "f"},
		{`{"b":"maybe"}`, "b"},
		{`{"b":2}`, "b"},
		{`{"b":{}}`, "b"},
		{`{"s":{}}`, "s"},
		{`{"s":["a"]}`, "s"},
		{`{"bytes":"!!"}`, "bytes"},
		{`{"bytes":5}`, "bytes"},
		{`{"items":5}`, "items"},
		{`{"items":"text"}`, "items"},
		{`{"items":[{"n":1},{"n":2},{"n":"x"}]}`, "items[2].n"},
		{`{"one":5}`, "one"},
		{`{"one":[5]}`, "one[0]"},
		{`{"one":{"n":"x"}}`, "one.n"},
		{`{"ptr":{"n":"x"}}`, "ptr.n"},
		{`{"pi":"x"}`, "pi"},
		{`{"text":"bad"}`, "text"},
		{`{"grid":[[1],[2,"x"]]}`, "grid[1][1]"},
		{`{"map":{"a":"x"}}`, "map"},
		{`{"s":"ok","one":{"name":"x"},"items":[{"name":{}}]}`, "items[0].name"},
	}
	for _, tt := range tests {
		var s sample
		err := Decode([]byte(tt.in), &s)
		var e *Error
		require.True(t, errors.As(err, &e), "%s: %T %v", tt.in, err, err)
		assert.Equal(t, tt.path, e.Path, tt.in)
		assert.True(t, strings.HasPrefix(err.Error(), "json: "+tt.path+": "), "%s: %v", tt.in, err)
	}

	// A single object read as an array is element 0 of it.
	var s sample
	err := Decode([]byte(`{"items":{"n":"x"}}`), &s)
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.True(t, strings.HasPrefix(e.Path, "items") && strings.HasSuffix(e.Path, "n"), e.Path)

	// Paths from a root array.
	var list []item
	err = Decode([]byte(`[{"n":1},{"n":"x"}]`), &list)
	require.True(t, errors.As(err, &e))
	assert.Equal(t, "[1].n", e.Path)

	// The message quotes the value, shortened.
	err = Decode([]byte(`{"i":"`+strings.Repeat("9a", 100)+`"}`), &s)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `cannot read "\"9a9a`)
	assert.Contains(t, err.Error(), "…")
	assert.Less(t, len(err.Error()), 120)
}

func TestDecodeNotJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", " ", "{", `{"s":}`, "nul", `{"a":1}x`, `{"a":1}{"a":1}`, "<html>", `{'a':1}`, `{"a":01}`, "\xff"} {
		var s sample
		err := Decode([]byte(in), &s)
		var e *Error
		require.True(t, errors.As(err, &e), "%q: %T %v", in, err, err)
		assert.Empty(t, e.Path, "%q", in)
		assert.True(t, strings.HasPrefix(err.Error(), "json: "), err.Error())
	}
}

func TestDecodeTarget(t *testing.T) {
	t.Parallel()
	var s sample
	var nilPtr *sample
	for _, target := range []any{s, nilPtr, nil, "x"} {
		err := Decode([]byte(`{}`), target)
		var e *Error
		assert.True(t, errors.As(err, &e), "%T: %v", target, err)
	}
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "json: a.b[2]: bad", (&Error{Path: "a.b[2]", Msg: "bad"}).Error())
	assert.Equal(t, "json: bad", (&Error{Msg: "bad"}).Error())
}

func TestDecodeBase64(t *testing.T) {
	t.Parallel()
	want := []byte("any carnal pleasure.?>")
	for _, in := range []string{
		base64.StdEncoding.EncodeToString(want),
		base64.RawStdEncoding.EncodeToString(want),
		base64.URLEncoding.EncodeToString(want),
		base64.RawURLEncoding.EncodeToString(want),
		" " + base64.StdEncoding.EncodeToString(want)[:12] + "\r\n" + base64.StdEncoding.EncodeToString(want)[12:] + "\n",
	} {
		got, err := DecodeBase64(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"a", "!!!!", "9a4acaddadqaq..."} {
		_, err := DecodeBase64(in)
		assert.Error(t, err, in)
	}
}

func TestSnippet(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `"abc"`, Snippet([]byte("abc"), 10))
	assert.Equal(t, `"abc"…`, Snippet([]byte("abcdef"), 3))
	assert.Equal(t, `"马"…`, Snippet([]byte("马蓉马蓉"), 4), "cut at a rune boundary")
	assert.Equal(t, `"a\n\"b"`, Snippet([]byte("a\n\"b"), 10))
	assert.Equal(t, `""`, Snippet(nil, 10))
}

// oddDocuments are valid JSON documents of unusual shapes.
var oddDocuments = []string{
	`null`, `true`, `false`, `0`, `-0.0e-0`, `1E+2`, `""`, `"\u0000"`, `"\ud800"`, `[]`, `{}`, `[[[[]]]]`,
	`{"":{"":[]}}`, `{"items":[null,"",{},[],[{}],1,"x"]}`, `{"one":[[{"name":1}]]}`, `{"one":[[[]]]}`,
	`{"ptr":[]}`, `{"ptr":[null]}`, `{"ptr":[[{"n":"1"}]]}`, `{"grid":{"a":1}}`, `{"grid":[{"a":1}]}`,
	`{"list":{}}`, `{"list":[[]]}`, `{"bytes":[]}`, `{"lax":[]}`, `{"raw":[]}`, `{"text":{}}`,
	`{"s":"\\\\\"\\"}`, `{"a\"b":1,"\\":2}`, `[{"s":1},{"s":[]}]`, "{\"s\":\"\xff\xfe\"}",
	strings.Repeat("[", 400) + strings.Repeat("]", 400),
	strings.Repeat(`{"one":`, 200) + `{}` + strings.Repeat("}", 200),
	strings.Repeat(`{"items":[`, 100) + `{}` + strings.Repeat("]}", 100),
}

// targets returns fresh values of many types to decode into.
func targets() []any {
	return []any{
		new(sample), new([]sample), new(item), new(*item), new([]int), new(string), new(int), new(bool),
		new([]byte), new(map[string]any), new(any), new([][]item), new(json.RawMessage), new(rawText),
		new(struct {
			X struct{ Y []struct{ Z *[]int } }
		}), new([]*sample), new(float32), new(uint8),
	}
}

func TestDecodeNeverPanics(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(2))
	docs := append([]string(nil), oddDocuments...)
	for i := 0; i < 1500; i++ {
		docs = append(docs, randomJSON(rng, 0))
	}
	for _, doc := range docs {
		require.True(t, json.Valid([]byte(doc)), doc)
		for _, target := range targets() {
			assert.NotPanics(t, func() {
				err := Decode([]byte(doc), target)
				var e *Error
				if err != nil && !errors.As(err, &e) {
					t.Errorf("%s into %T: error of type %T: %v", doc, target, err, err)
				}
			}, "%s into %T", doc, target)
		}
	}
}

// jsonKeys are the keys randomJSON uses: the sample's own and a few unknown ones.
var jsonKeys = []string{"s", "i", "i8", "u", "f", "b", "bytes", "list", "items", "one", "ptr", "pi", "raw", "text",
	"lax", "grid", "any", "map", "NoTag", "name", "n", "NAME", "x", "", "a\\\"b"}

// randomJSON writes a random valid JSON value.
func randomJSON(rng *rand.Rand, depth int) string {
	kind := rng.Intn(10)
	if depth > 5 {
		kind = rng.Intn(6)
	}
	switch kind {
	case 0:
		return "null"
	case 1:
		return []string{"true", "false"}[rng.Intn(2)]
	case 2:
		return strconv.Itoa(rng.Intn(2000) - 1000)
	case 3:
		return []string{"1.5", "-0.005", "1e3", "309.46000000000004", "1E-7", "99999999999999999999"}[rng.Intn(6)]
	case 4:
		return strconv.Quote([]string{"", " ", "abc", "12", " 4391.67 ", "true", "是", "aGVsbG8=", "a,b", "\u2028"}[rng.Intn(10)])
	case 5:
		return `"\u00e9\n\"\\"`
	case 6, 7:
		var b strings.Builder
		b.WriteByte('[')
		for n := rng.Intn(4); n > 0; n-- {
			b.WriteString(randomJSON(rng, depth+1))
			if n > 1 {
				b.WriteByte(',')
			}
		}
		b.WriteByte(']')
		return b.String()
	default:
		var b strings.Builder
		b.WriteByte('{')
		for n := rng.Intn(5); n > 0; n-- {
			b.WriteString(`"` + jsonKeys[rng.Intn(len(jsonKeys))] + `" : `)
			b.WriteString(randomJSON(rng, depth+1))
			if n > 1 {
				b.WriteString(" ,")
			}
		}
		b.WriteByte('}')
		return b.String()
	}
}

// keyed has a field of each tag that governs repeated and blank keys.
type keyed struct {
	Status *int   `json:"status" wire:"unique"`
	Code   int    `json:"code" wire:"unique,nonblank"`
	Msg    string `json:"msg"`
	One    *item  `json:"one"`
}

func TestDecodeRepeatedKeys(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     keyed
		errPath  string // the path of the error, when the document must fail
	}{
		{"exact key after other case wins", `{"code":1,"MSG":"upper","msg":"exact"}`, keyed{Code: 1, Msg: "exact"}, ""},
		{"exact key before other case wins", `{"code":1,"msg":"exact","Msg":"title"}`, keyed{Code: 1, Msg: "exact"}, ""},
		{"last exact key of a plain field wins", `{"code":1,"msg":"a","msg":"b"}`, keyed{Code: 1, Msg: "b"}, ""},
		{"exact unique key beats other case", `{"CODE":7,"code":1}`, keyed{Code: 1}, ""},
		{"other case after exact unique key loses", `{"code":1,"Code":7}`, keyed{Code: 1}, ""},
		{"a later object replaces, not merges", `{"code":1,"ONE":{"name":"x","n":2},"one":{"name":"y"}}`, keyed{Code: 1, One: &item{Name: "y"}}, ""},
		{"duplicate exact unique int", `{"code":1,"code":0}`, keyed{}, "code"},
		{"duplicate exact unique pointer", `{"status":2,"code":1,"status":0}`, keyed{}, "status"},
		{"two other-case spellings of a unique key", `{"Code":1,"CODE":0}`, keyed{}, "code"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got keyed
			err := Decode([]byte(tt.in), &got)
			if tt.errPath != "" {
				var we *Error
				require.ErrorAs(t, err, &we)
				assert.Equal(t, tt.errPath, we.Path)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDecodeBlankIsNoValue(t *testing.T) {
	for _, tt := range []struct {
		name, in  string
		nilStatus bool   // status left nil
		errPath   string // the path of the error, when the document must fail
	}{
		{"tab status", `{"status":"\t","code":1}`, true, ""},
		{"space status", `{"status":" ","code":1}`, true, ""},
		{"ideographic space status", `{"status":"\u3000","code":1}`, true, ""},
		{"empty status", `{"status":"","code":1}`, true, ""},
		{"null status", `{"status":null,"code":1}`, true, ""},
		{"zero status", `{"status":"0","code":1}`, false, ""},
		{"tab code", `{"code":"\t"}`, false, "code"},
		{"space code", `{"code":" "}`, false, "code"},
		{"empty code", `{"code":""}`, false, "code"},
		{"null code", `{"code":null}`, false, "code"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got keyed
			err := Decode([]byte(tt.in), &got)
			if tt.errPath != "" {
				var we *Error
				require.ErrorAs(t, err, &we)
				assert.Equal(t, tt.errPath, we.Path)
				assert.Contains(t, we.Msg, "blank")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.nilStatus, got.Status == nil)
		})
	}
}

func TestHasKeyBlank(t *testing.T) {
	for in, want := range map[string]bool{
		`{"code":0}`:                true,
		`{"code":"40001"}`:          true,
		`{"code":"\t"}`:             false,
		`{"code":" \u3000 "}`:       false,
		`{"code":""}`:               false,
		`{"code":null}`:             false,
		`{"CODE":1}`:                false,
		`{"msg":"x","code":{}}`:     true,
		`{"c":"\"code\"","code":1}`: true,
		`[]`:                        false,
		``:                          false,
	} {
		t.Run(in, func(t *testing.T) {
			assert.Equal(t, want, HasKey([]byte(in), "code"))
		})
	}
}

func TestDecodeKeyInOrderIsStillChecked(t *testing.T) {
	t.Parallel()
	// The key of the next field is compared without a scan; what stands before and
	// after it must still be JSON.
	for _, in := range []string{`{0s":"x"}`, `{"s"x"}`, `{"s""x"}`, `{"s":"x",i":1}`, `{"s":"x","i"1}`, `{"s" : "x" , "i" 1}`} {
		var s sample
		err := Decode([]byte(in), &s)
		var e *Error
		require.ErrorAs(t, err, &e, in)
		assert.Empty(t, e.Path, in)
	}
}
