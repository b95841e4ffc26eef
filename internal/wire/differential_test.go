package wire_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/internal/wire"
	"github.com/tcredit-go/tcredit/internal/wireref"
)

// amount is an int64 read as fen: registered with the decoder, and with an
// UnmarshalJSON of the same meaning for the former decoder, which has no registry.
type amount int64

func init() { wire.RegisterFen(reflect.TypeOf(amount(0))) }

func (a *amount) UnmarshalJSON(b []byte) error {
	*a = 0
	if string(b) == "null" {
		return nil
	}
	if len(b) >= 2 && b[0] == '"' {
		if b = bytes.TrimSpace(b[1 : len(b)-1]); len(b) == 0 {
			return nil
		}
	}
	fen, err := wire.ParseFen(b)
	*a = amount(fen)
	return err
}

type row struct {
	Name  string   `json:"name"`
	N     int      `json:"n" wire:"unique"`
	Money amount   `json:"money"`
	Ptr   *row     `json:"ptr"`
	Tags  []string `json:"tags"`
}

// every has a field of every kind the decoder reads.
type every struct {
	S     string            `json:"s"`
	I     int               `json:"i"`
	I8    int8              `json:"i8"`
	I32   int32             `json:"i32"`
	U     uint16            `json:"u"`
	U64   uint64            `json:"u64"`
	F     float64           `json:"f"`
	F32   float32           `json:"f32"`
	B     bool              `json:"b"`
	Bytes []byte            `json:"bytes"`
	Lax   []byte            `json:"lax" wire:"lenient"`
	List  []string          `json:"list"`
	Rows  []row             `json:"rows"`
	One   row               `json:"one"`
	Ptr   *row              `json:"ptr"`
	Code  int               `json:"code" wire:"unique,nonblank"`
	St    *int              `json:"status" wire:"unique"`
	Grid  [][]int           `json:"grid"`
	Money amount            `json:"money"`
	Raw   json.RawMessage   `json:"raw"`
	Any   any               `json:"any"`
	Map   map[string]string `json:"map"`
	Arr   [2]int            `json:"arr"`
}

// FuzzDecodeDifferential holds Decode to the former decoder on any document, into a
// struct with a field of every kind and into a slice of rows: the same value, or an
// error at the same path.
func FuzzDecodeDifferential(f *testing.F) {
	for _, s := range []string{
		`{"s":" x ","i":"7","i8":"-128","u":"65535","f":"1.5","b":"是","bytes":"aGVsbG8=","lax":"!"}`,
		`{"list":"a, b,,c","rows":[{"name":1,"n":"2","money":"1.005"},{"NAME":"x","ptr":{"tags":["a",1]}}]}`,
		`{"one":[{"n":1},{"n":2}],"ptr":"","code":"\t","status":" "}`,
		`{"code":1,"CODE":2,"status":1,"status":2}`,
		`{"grid":[[1,"2"],[]],"money":"abc","raw":{"a":[1]},"any":[null],"map":{"a":"b"},"arr":[1,2]}`,
		`[{"name":"a"},{"n":1.5}]`, `{"rows":{"n":"x"}}`, `{"i":1e3,"u64":"18446744073709551615","f32":"1e40"}`,
		`{"s":"\ud83d\ude00","b":" TRUE ","i32":2147483648}`, "{\"s\":\"a\xffb\"}", `{}` + "\x00", `{"a":01}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var got, want every
		if sameOutcome(t, doc, wire.Decode(doc, &got), wireref.Decode(doc, &want)) {
			require.Equal(t, want, got, "%q", doc)
		}
		var gotRows, wantRows []row
		if sameOutcome(t, doc, wire.Decode(doc, &gotRows), wireref.Decode(doc, &wantRows)) {
			require.Equal(t, wantRows, gotRows, "%q", doc)
		}
	})
}

// sameOutcome requires both decoders to succeed, or to fail at the same path (and for a
// document that is not JSON, in the same words), and reports whether they succeeded.
func sameOutcome(t *testing.T, doc []byte, got, want error) bool {
	t.Helper()
	require.Equal(t, want == nil, got == nil, "%q: got %v, want %v", doc, got, want)
	if want == nil {
		return true
	}
	var g, w *wire.Error
	require.True(t, errors.As(got, &g), "%q: %T", doc, got)
	require.True(t, errors.As(want, &w), "%q: %T", doc, want)
	require.Equal(t, w.Path, g.Path, "%q: got %v, want %v", doc, got, want)
	if w.Path == "" {
		require.Equal(t, w.Msg, g.Msg, "%q", doc) // not JSON: the same words
	}
	return false
}
