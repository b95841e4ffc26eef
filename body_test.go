package tcredit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"sync"
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

// A buffer up to maxPooledBody goes back to the pool; a larger one is dropped, so
// that a rare large report is not held for the small bodies after it.
func TestReleaseBodyPoolsOnlySmallBuffers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		size   int
		pooled bool
	}{
		{"1 MiB", maxPooledBody, true},
		{"past 1 MiB", maxPooledBody + 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reused := false
			// sync.Pool may drop what it is given (the race detector drops some on
			// purpose): a pooled size must come back at least once in twenty tries.
			for range 20 {
				releaseBody(make([]byte, 0, tc.size))
				b := bodyBuffer(-1)
				if cap(b) == tc.size {
					reused = true
				}
				assert.LessOrEqual(t, cap(b), maxPooledBody, "no buffer past maxPooledBody comes out of the pool")
			}
			assert.Equal(t, tc.pooled, reused, "a buffer of %d bytes is reused", tc.size)
		})
	}
}

// lyingServer answers every request on a loopback listener with a 200 that declares a
// Content-Length of claim bytes, sends body and closes the connection.
func lyingServer(t *testing.T, claim int, body string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, req.Body)
				fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", claim, body)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// A declared length reserves nothing ahead of its bytes: 64 calls at once, each
// answered with 11 bytes that claim 32 MiB, allocate far less than 64 × 32 MiB, and
// each ends with the error of a cut body.
func TestBodyClaimAllocatesNothingAhead(t *testing.T) {
	// Not parallel: it measures the process's allocations.
	const calls, claim = 64, 32 << 20
	body := `{"status":0`
	require.Len(t, body, 11)
	c, err := NewClient(testAppID, testTokenID, WithBaseURL(lyingServer(t, claim, body)), noRetry)
	require.NoError(t, err)
	defer c.CloseIdleConnections()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	errs := make([]error, calls)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.GetFund(context.Background(), fmt.Sprintf("tid-%02d", i))
		}()
	}
	wg.Wait()
	runtime.ReadMemStats(&after)

	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d KiB for %d calls; heap %d → %d KiB", allocated>>10, calls, before.HeapAlloc>>10, after.HeapAlloc>>10)
	assert.Less(t, allocated, uint64(128<<20), "bytes allocated by the calls")
	for i, err := range errs {
		var re *ResponseError
		require.True(t, errors.As(err, &re), "call %d: %v", i, err)
		assert.Equal(t, epGetFund.name, re.Endpoint)
		assert.Equal(t, http.StatusOK, re.HTTPStatus)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "call %d: a cut body", i)
		var cut *cutBodyError
		assert.True(t, errors.As(err, &cut), "call %d: %v", i, err)
	}
}

// A body past the first buffer grows to the bytes that arrive and stops at its
// declared length.
func TestGrowBody(t *testing.T) {
	tests := []struct {
		name          string
		len, cap      int
		contentLength int64
		want          int
	}{
		{"unknown length doubles", 1000, 1000, -1, 2000},
		{"doubles below the claim", maxInitialBody, maxInitialBody, 1 << 20, 2 * maxInitialBody},
		{"stops at the claim and the end", 100 << 10, 100 << 10, 150 << 10, 150<<10 + 1},
		{"a claim already passed is ignored", 4096, 4096, 10, 8192},
		{"a tiny buffer", 2, 2, -1, 512},
		{"never past the limit", maxBodySize - 10, maxBodySize - 10, -1, maxBodySize + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := make([]byte, tt.len, tt.cap)
			b[0], b[len(b)-1] = 'a', 'z'
			g := growBody(b, tt.contentLength)
			assert.Equal(t, tt.want, cap(g))
			assert.Equal(t, tt.len, len(g))
			assert.Equal(t, byte('a'), g[0])
			assert.Equal(t, byte('z'), g[len(g)-1])
		})
	}
}
