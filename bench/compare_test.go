// Package bench compares the SDK's decoding of a getFundB report with goccy/go-json and
// bytedance/sonic, in a module of its own so that the SDK's go.mod needs neither.
// BENCHMARKS.md at the repository's root has the figures and the commands.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/bytedance/sonic"
	gojson "github.com/goccy/go-json"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/internal/fakefund"
	"github.com/tcredit-go/tcredit/internal/wire"
)

// size is a report of about a given size, with and without type variance.
type size struct {
	name     string
	profile  fakefund.Profile
	twice    bool // the loans of a second report (seed+1) too: past what one report holds
	variance []byte
	plain    []byte
}

var (
	sizes = []*size{
		{name: "10KB", profile: fakefund.Profile{Seed: 7, Months: 24, Loans: 1, Repayments: 6}},
		{name: "230KB", profile: fakefund.Profile{Seed: 7, Months: 240, Loans: 2, Repayments: 360}},
		{name: "1MB", profile: fakefund.Profile{Seed: 7, Months: 600, Loans: 10, Repayments: 360}},
		{name: "10MB", profile: fakefund.Profile{Seed: 7, Months: 600, Loans: fakefund.MaxLoans, Repayments: 360}, twice: true},
	}
	sizesOnce sync.Once
)

// bodies generates the responses once.
func bodies() []*size {
	sizesOnce.Do(func() {
		for _, s := range sizes {
			s.variance = responseJSON(s.profile, s.twice, true)
			s.plain = responseJSON(s.profile, s.twice, false)
		}
	})
	return sizes
}

// responseJSON is a getFundB response holding the report of p.
func responseJSON(p fakefund.Profile, twice, variance bool) []byte {
	o := fakefund.JSONOptions{Variance: variance}
	b := []byte(`{"status":0,"message":"成功","seqNum":"0951506707594446","data":{"code":40001,"msg":"爬取结束","tid":"457e345272624ac294ff9dc675807dc9",`)
	b = fakefund.Generate(p).AppendJSON(b, o)
	if twice {
		p.Seed++
		o.Omit = []string{fakefund.SectionBase, fakefund.SectionBills}
		more := fakefund.Generate(p).AppendJSON(nil, o)
		more = bytes.TrimPrefix(more, []byte(`"loanInfos":[`))
		b = append(bytes.TrimSuffix(b, []byte("]")), ',')
		b = append(b, more...)
	}
	return append(b, "}}"...)
}

// memoryTransport answers every request with one response from memory, with its
// Content-Length, as a server on the other end of a fast link would.
type memoryTransport struct{ body []byte }

func (m memoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": {"application/json;charset=UTF-8"}},
		Body:          io.NopCloser(bytes.NewReader(m.body)),
		ContentLength: int64(len(m.body)),
		Request:       req,
	}, nil
}

// sdkEnvelope is the response in the SDK's types, for the decoder alone.
type sdkEnvelope struct {
	Status  *tcredit.Status     `json:"status"`
	Message string              `json:"message"`
	SeqNum  string              `json:"seqNum"`
	Data    *tcredit.FundResult `json:"data"`
}

// decoders are the ways of reading a response compared, each on the body it can read.
var decoders = []struct {
	name     string
	variance bool // reads the body with type variance; otherwise the plain one
	new      func(b *testing.B, body []byte) func() error
}{
	{"GetFund", true, func(b *testing.B, body []byte) func() error {
		client, err := tcredit.NewClient("APP", "TOKEN-123",
			tcredit.WithHTTPClient(&http.Client{Transport: memoryTransport{body: body}}))
		if err != nil {
			b.Fatal(err)
		}
		return func() error {
			_, err := client.GetFund(context.Background(), "457e345272624ac294ff9dc675807dc9")
			return err
		}
	}},
	{"SDK-decode", true, func(_ *testing.B, body []byte) func() error {
		return func() error { var env sdkEnvelope; return wire.Decode(body, &env) }
	}},
	{"goccy-tolerant", true, func(_ *testing.B, body []byte) func() error {
		return func() error { var env tEnvelope; return gojson.Unmarshal(body, &env) }
	}},
	{"sonic-tolerant", true, func(_ *testing.B, body []byte) func() error {
		return func() error { var env tEnvelope; return sonic.Unmarshal(body, &env) }
	}},
	{"goccy-plain", false, func(_ *testing.B, body []byte) func() error {
		return func() error { var env pEnvelope; return gojson.Unmarshal(body, &env) }
	}},
	{"sonic-plain", false, func(_ *testing.B, body []byte) func() error {
		return func() error { var env pEnvelope; return sonic.Unmarshal(body, &env) }
	}},
	{"encoding-json-plain", false, func(_ *testing.B, body []byte) func() error {
		return func() error { var env pEnvelope; return json.Unmarshal(body, &env) }
	}},
}

// BenchmarkCompare reads a getFundB response of each size with each decoder, in one
// process, one after the other: BenchmarkCompare/<size>/<decoder>. Bytes per op are
// per call; divided by the body's size (b.SetBytes) they are the allocation ratio.
func BenchmarkCompare(b *testing.B) {
	for _, s := range bodies() {
		b.Run(s.name, func(b *testing.B) {
			for _, d := range decoders {
				body := s.plain
				if d.variance {
					body = s.variance
				}
				b.Run(d.name, func(b *testing.B) {
					run := d.new(b, body)
					b.SetBytes(int64(len(body)))
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						if err := run(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
