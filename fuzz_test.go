package tcredit

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit/internal/wire"
	"github.com/tcredit-go/tcredit/internal/wireref"
)

// addFixtureSeeds adds every JSON fixture in testdata to a fuzz corpus.
func addFixtureSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	require.NoError(f, err)
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(b)
	}
}

// FuzzDecodeFund feeds arbitrary bodies to the getFundB response decoder. It must never
// panic; what it reads must survive a round trip through encoding/json unchanged.
func FuzzDecodeFund(f *testing.F) {
	addFixtureSeeds(f)
	f.Add([]byte(`{"status":0,"data":{"code":"40001","billInfos":{"balance":" 1.005 "},"fail":"baseInfo, loanInfos"}}`))
	f.Add([]byte(`{"status":"0","data":{"baseinfo":{"houseFundBalance":null,"idCard":4301},"loanInfos":[{"detailInfo":[{"loanAmount":"2e5"}]}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := decodeResponse[*FundResult](epGetFund, http.StatusOK, body, nil, nil)
		if err != nil {
			return
		}
		if env.Data == nil {
			return
		}
		out, err := json.Marshal(env.Data)
		require.NoError(t, err)
		var again FundResult
		require.NoError(t, json.Unmarshal(out, &again), "%s", out)
		require.Equal(t, normalized(env.Data), normalized(&again))
	})
}

// normalized maps the empty and nil forms that JSON cannot tell apart onto one.
func normalized(r *FundResult) *FundResult {
	c := *r
	if len(c.Image) == 0 {
		c.Image = nil
	}
	if len(c.Missing) == 0 {
		c.Missing = nil
	}
	if len(c.BillInfos) == 0 {
		c.BillInfos = nil
	}
	if len(c.LoanInfos) == 0 {
		c.LoanInfos = nil
	}
	for i := range c.LoanInfos {
		l := &c.LoanInfos[i]
		if len(l.LoanRepayerInfos) == 0 {
			l.LoanRepayerInfos = nil
		}
		if len(l.LoanRepayInfos) == 0 {
			l.LoanRepayInfos = nil
		}
		if len(l.LoanOverdueInfos) == 0 {
			l.LoanOverdueInfos = nil
		}
	}
	return &c
}

// FuzzCallbackHandler sends arbitrary requests to the callback handler: it must answer
// with one of its documented codes, never panic, and call the function only with a tid.
func FuzzCallbackHandler(f *testing.F) {
	f.Add("POST", "application/x-www-form-urlencoded", "/cb", "tid=abc&status=40001&msg=ok")
	f.Add("POST", "application/json", "/cb", `{"tid":"abc","status":"10003"}`)
	f.Add("POST", "", "/cb?tid=abc&status=50004", "")
	f.Add("GET", "text/plain", "/cb", "")
	f.Add("POST", "multipart/form-data; boundary=x", "/cb", "--x--")
	f.Add("POST", "application/json", "/cb", `{"tid":["a"],"status":{}}`)
	f.Fuzz(func(t *testing.T, method, contentType, target, body string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequest(method, "http://lender.test"+target, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", contentType)
		calls := 0
		h := NewCallbackHandler(func(_ context.Context, cb Callback) error {
			calls++
			require.NotEmpty(t, cb.TID)
			return nil
		})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			require.Equal(t, 1, calls)
		case http.StatusBadRequest, http.StatusMethodNotAllowed, http.StatusRequestEntityTooLarge, http.StatusRequestTimeout:
			require.Zero(t, calls)
		default:
			t.Fatalf("unexpected status %d", rec.Code)
		}
	})
}

// FuzzSign checks Sign against the reference written from the document's definition.
func FuzzSign(f *testing.F) {
	f.Add("http://api.tcredit.com/identity/createFundSearchTaskB", "TOKEN-123", "account", "zhangsan", "password", "p@ss word", "mobile", "")
	f.Add("https://sandbox/identity/getFundB", "t", "tid", " x ", "appId", "APP", "code", "\t")
	f.Fuzz(func(t *testing.T, url, token, k1, v1, k2, v2, k3, v3 string) {
		params := map[string]string{k1: v1, k2: v2, k3: v3}
		require.Equal(t, referenceSign(url, token, params), Sign(url, token, params))
	})
}

// FuzzScrub checks that no secret survives scrubbing, in any spelling the scrubber
// knows, wherever it stands in a server's text: no piece of the text between two
// [redacted] marks holds it.
func FuzzScrub(f *testing.F) {
	f.Add("p@ss word", "参数错误 password=p@ss+word&tid=1", "前缀")
	f.Add("张三丰", `{"message":"\u5f20\u4e09\u4e30"}`, "")
	f.Add("13800138000", "<pre>13800138000</pre>", "13800138")
	f.Fuzz(func(t *testing.T, secret, text, prefix string) {
		s := newScrubber(secret)
		v := trimValue(secret)
		if utf8.RuneCountInString(v) < minScrubLen {
			return
		}
		for _, form := range []string{v, url.QueryEscape(v), html.EscapeString(v)} {
			out := s.text(prefix + text + form + text + form)
			for _, piece := range strings.Split(out, scrubbed) {
				if strings.Contains(asciiLower(piece), asciiLower(form)) {
					t.Fatalf("%q survives in %q", form, out)
				}
			}
		}
	})
}

// referenceFrame is the frame the former decoder read first, with data captured raw.
type referenceFrame struct {
	Status  *Status     `json:"status" wire:"unique"`
	Message string      `json:"message"`
	SeqNum  string      `json:"seqNum"`
	Data    wireref.Raw `json:"data" wire:"unique"`
}

// referenceDecodeResponse is decodeResponse as it was with the former decoder: a
// validation pass, the frame with data captured raw, the key check, then the data.
func referenceDecodeResponse[T any](ep endpoint, body []byte) (*envelope[T], error) {
	respErr := func(err error) error {
		return &ResponseError{Endpoint: ep.name, HTTPStatus: http.StatusOK, Err: err}
	}
	var f referenceFrame
	if err := wireref.Decode(body, &f); err != nil {
		return nil, respErr(err)
	}
	if f.Status == nil {
		return nil, respErr(errNoStatus)
	}
	var scrub *scrubber // none: decodeResponse is given none either
	env := &envelope[T]{Status: *f.Status, Message: scrub.message(f.Message), SeqNum: seqNumOf(scrub.text(f.SeqNum))}
	if env.Status != StatusOK {
		return env, &APIError{Endpoint: ep.name, Status: env.Status}
	}
	if ep.requires != "" && !wireref.HasKey(f.Data, ep.requires) {
		return nil, respErr(ep.missing)
	}
	if len(f.Data) > 0 {
		if err := wireref.DecodeValidated(f.Data, &env.Data); err != nil {
			var we *wire.Error
			if errors.As(err, &we) {
				if we.Path == "" || we.Path[0] == '[' {
					we.Path = "data" + we.Path
				} else {
					we.Path = "data." + we.Path
				}
			}
			return nil, respErr(err)
		}
	}
	return env, nil
}

// decodeOutcome is what a decoded response comes to, for comparison: the error's kind and
// JSON path, or the envelope.
func decodeOutcome(err error) string {
	var apiErr *APIError
	var we *wire.Error
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &apiErr):
		return "status " + apiErr.Status.String()
	case errors.As(err, &we):
		return "json error at " + we.Path
	case errors.Is(err, errNoStatus), errors.Is(err, errNoTaskCode), errors.Is(err, errNoCodeStatus):
		return errors.Unwrap(err).Error()
	}
	return "other: " + err.Error()
}

// sameAsReference decodes body as ep's answer with both decoders and requires the same
// outcome: the same envelope, or an error of the same kind at the same path.
func sameAsReference[T any](t *testing.T, ep endpoint, body []byte) {
	t.Helper()
	got, gotErr := decodeResponse[T](ep, http.StatusOK, body, nil, nil)
	want, wantErr := referenceDecodeResponse[T](ep, body)
	require.Equal(t, decodeOutcome(wantErr), decodeOutcome(gotErr), "%s: %q", ep.name, body)
	if want != nil && got != nil {
		require.Equal(t, want.Status, got.Status, "%q", body)
		require.Equal(t, want.Message, got.Message, "%q", body)
		require.Equal(t, want.SeqNum, got.SeqNum, "%q", body)
		if wantErr == nil {
			require.Equal(t, want.Data, got.Data, "%q", body)
		}
	}
	require.Equal(t, want == nil, got == nil, "%q", body)
}

// FuzzDecodeDifferential holds the one-walk response decoder to the former one on any
// body, for the report, the city list and a code's answer: the same result, or an error
// of the same kind at the same JSON path.
func FuzzDecodeDifferential(f *testing.F) {
	addFixtureSeeds(f)
	for _, s := range []string{
		`{"data":{"code":"40001","tid":"t"},"status":0}`,
		`{"data":{"code":{}},"status":3,"message":"x"}`,
		`{"status":0,"data":{"tid":{}},"seqNum":1}`,
		`{"status":0,"DATA":{"code":1},"data":{"CODE":1}}`,
		`{"status":0,"data":[{"code":1}]}`,
		`{"status":0,"data":{"code":1,"code":null}}`,
		`{"status":0,"data":{"code":null,"code":1}}`,
		`{"status":"\t","data":{"code":1}}`,
		`{"status":0,"status":0,"data":{"code":1}}`,
		`{"status":0,"data":{"code":1,"billInfos":[{"balance":"1.005"},{"inAmount":true}]}} x`,
		`{"status":0,"data":{"code":1,"baseInfo":"","loanInfos":{"detailInfo":[{"loanAmount":"2e5"}]}}}`,
		`{"status":0,"data":[{"area_code":310000,"area_status":"1"}]}`,
		`{"status":0,"data":{"status":"0","message":"ok"}}`,
		`{"status":0,"data":{"status":"\u0020"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sameAsReference[*FundResult](t, epGetFund, body)
		sameAsReference[[]City](t, epCities, body)
		sameAsReference[*userCodeData](t, epUserCode, body)
	})
}
