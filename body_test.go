package tcredit

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/internal/wire"
)

// A body's buffer goes back to a pool once decoded: no response type may hold a value
// that aliases it.
func TestResponseTypesDoNotAliasTheBody(t *testing.T) {
	aliasing := []reflect.Type{reflect.TypeOf(wire.Raw(nil)), reflect.TypeOf(json.RawMessage(nil))}
	seen := map[reflect.Type]bool{}
	var check func(path string, typ reflect.Type)
	check = func(path string, typ reflect.Type) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		for _, a := range aliasing {
			assert.NotEqual(t, a, typ, path)
		}
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			check(path+"[]", typ.Elem())
		case reflect.Struct:
			for i := 0; i < typ.NumField(); i++ {
				check(path+"."+typ.Field(i).Name, typ.Field(i).Type)
			}
		}
	}
	for _, v := range []any{frame[[]City]{}, frame[[]LoginMethod]{}, frame[*FundResult]{}, frame[createData]{}, frame[userCodeData]{}} {
		check(reflect.TypeOf(v).String(), reflect.TypeOf(v))
	}
}

// bodyTransport answers with body in reads of at most n bytes, claiming a Content-Length
// of length (-1: none).
type bodyTransport struct {
	body   []byte
	n      int
	length int
}

func (c bodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, ContentLength: int64(c.length), Request: req,
		Body: io.NopCloser(&shortReader{r: bytes.NewReader(c.body), n: c.n})}, nil
}

type shortReader struct {
	r *bytes.Reader
	n int
}

func (s *shortReader) Read(p []byte) (int, error) { return s.r.Read(p[:min(len(p), s.n)]) }

// A body is read whole whether its length is known or not, in reads of any size, and a
// buffer handed back to the pool does not leak into the next call's result.
func TestBodyReadIntoPooledBuffers(t *testing.T) {
	report := func(tid, name string) []byte {
		return okBody([]byte(`{"code":40001,"tid":"` + tid + `","baseInfo":{"employeeName":"` + name + `"}}`))
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		rt   func(body []byte) http.RoundTripper
	}{
		{"Content-Length", func(body []byte) http.RoundTripper { return bodyTransport{body, len(body) + 1, len(body)} }},
		{"no length, short reads", func(body []byte) http.RoundTripper { return bodyTransport{body, 7, -1} }},
		{"Content-Length short of the body", func(body []byte) http.RoundTripper { return bodyTransport{body, 4096, 10} }},
		{"Content-Length past the body", func(body []byte) http.RoundTripper { return bodyTransport{body, 4096, len(body) + 999} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var results []*FundResult
			for i, name := range []string{strings.Repeat("甲", 20000), "乙", strings.Repeat("丙", 3000)} {
				tid := "t" + string(rune('0'+i))
				c, err := NewClient("APP", "TOKEN", WithHTTPClient(&http.Client{Transport: tc.rt(report(tid, name))}))
				require.NoError(t, err)
				res, err := c.GetFund(ctx, tid)
				require.NoError(t, err)
				require.Equal(t, name, res.BaseInfo.EmployeeName)
				results = append(results, res)
			}
			assert.Equal(t, strings.Repeat("甲", 20000), results[0].BaseInfo.EmployeeName, "still whole after the buffer was reused")
			assert.Equal(t, "乙", results[1].BaseInfo.EmployeeName)
		})
	}
}
