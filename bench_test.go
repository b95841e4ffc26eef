package tcredit

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/tcredit-go/tcredit/internal/fakefund"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// The benchmarks compare the SDK with what a team would write by hand in the same run;
// BENCHMARKS.md has the figures and the command.

// createParams is the 8-parameter createFundSearchTaskB request of the benchmarks.
var createParams = map[string]string{
	"account": "zhangsan", "area_code": "310000", "login_type": "1", "password": "p@ss word",
	"real_name": "张三", "sub_area": "1", "mobile": "13812348000", "id_card": "430102199001011234",
}

const createURL = "http://api.com/identity/createFundSearchTaskB"

func BenchmarkSign(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = Sign(createURL, "TOKEN-123", createParams)
	}
}

// BenchmarkSignBaseline is the floor: MD5 and hex over the string already built.
func BenchmarkSignBaseline(b *testing.B) {
	s := createURL + "TOKEN-123" + "account=zhangsan,area_code=310000,id_card=430102199001011234,login_type=1," +
		"mobile=13812348000,password=p@ss word,real_name=张三,sub_area=1"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sum := md5.Sum([]byte(s))
		_ = hex.EncodeToString(sum[:])
	}
}

// The reports the decoders read: 20 years of monthly contributions and two loans with
// 360 repayments each (about 230 KB as the generator writes it), and one of about 1 MB
// (50 years, ten such loans).
var (
	largeProfile = fakefund.Profile{Seed: 7, Months: 240, Loans: 2, Repayments: 360}
	mbProfile    = fakefund.Profile{Seed: 7, Months: 600, Loans: 10, Repayments: 360}
)

// reportJSON is a getFundB data object for p.
func reportJSON(p fakefund.Profile, variance bool) []byte {
	dst := []byte(`{"code":40001,"msg":"爬取结束","tid":"457e345272624ac294ff9dc675807dc9",`)
	dst = fakefund.Generate(p).AppendJSON(dst, fakefund.JSONOptions{Variance: variance})
	return append(dst, '}')
}

// okBody wraps a data object in the frame of a successful response.
func okBody(data []byte) []byte { return envelopeJSON(0, "成功", "0951506707594446", string(data)) }

// BenchmarkDecode reads a large getFundB response as GetFund does, from the body with
// its type variance and from the plain copy; and, for reference, through
// json.Unmarshal into a FundResult, which pays for encoding/json's own validation pass
// before the tolerant decoder runs.
func BenchmarkDecode(b *testing.B) {
	for _, tc := range []struct {
		name     string
		profile  fakefund.Profile
		variance bool
	}{{"variance", largeProfile, true}, {"plain", largeProfile, false}, {"variance-1MB", mbProfile, true}} {
		body := okBody(reportJSON(tc.profile, tc.variance))
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := decodeResponse[*FundResult](epGetFund, http.StatusOK, body, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	data := reportJSON(largeProfile, false)
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var res FundResult
			if err := json.Unmarshal(data, &res); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeBaseline reads the plain copy of the response with encoding/json into
// structs of the same shape with float64 amounts: what plain structs can read.
func BenchmarkDecodeBaseline(b *testing.B) {
	b.Run("plain", func(b *testing.B) { decodePlain(b, okBody(reportJSON(largeProfile, false))) })
	b.Run("plain-1MB", func(b *testing.B) { decodePlain(b, okBody(reportJSON(mbProfile, false))) })
}

func decodePlain(b *testing.B, body []byte) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var env plainEnvelope
		if err := json.Unmarshal(body, &env); err != nil {
			b.Fatal(err)
		}
	}
}

// fundServer serves one fixed getFundB response on loopback.
func fundServer(b *testing.B) *httptest.Server {
	body := okBody(reportJSON(fakefund.Profile{Seed: 7}, false))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func BenchmarkRoundTrip(b *testing.B) {
	srv := fundServer(b)
	client, err := NewClient("APP", "TOKEN-123", WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := client.GetFund(ctx, "457e345272624ac294ff9dc675807dc9"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoundTripBaseline is the minimal hand-written client: http.PostForm, md5,
// json.Unmarshal.
func BenchmarkRoundTripBaseline(b *testing.B) {
	srv := fundServer(b)
	endpoint := srv.URL + "/identity/getFundB"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tid := "457e345272624ac294ff9dc675807dc9"
		sum := md5.Sum([]byte(endpoint + "TOKEN-123" + "tid=" + tid))
		resp, err := http.PostForm(endpoint, url.Values{"tid": {tid}, "appId": {"APP"}, "tokenKey": {hex.EncodeToString(sum[:])}})
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		var env plainEnvelope
		if err := json.Unmarshal(body, &env); err != nil || env.Status != 0 {
			b.Fatal(fmt.Sprint(err, env.Status))
		}
	}
}

// BenchmarkQueryParallel runs whole queries (validation, create, polls, report) from
// many goroutines on one Client against the sandbox on loopback; ns/op is the time per
// query at that parallelism, so its inverse is the throughput.
func BenchmarkQueryParallel(b *testing.B) {
	srv := tcredittest.NewServer(tcredittest.WithStep(time.Millisecond))
	defer srv.Close()
	client, err := NewClient(srv.AppID(), srv.TokenID(), WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	defer client.CloseIdleConnections()
	req := CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "demo-success", Password: "pw", SubArea: "1"}
	b.SetParallelism(16) // 16 × GOMAXPROCS goroutines
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := client.Query(context.Background(), req, WithPollInterval(2*time.Millisecond, 10*time.Millisecond))
			if err != nil || !res.Code.Done() {
				b.Error(err)
				return
			}
		}
	})
}

// The plain structs of the baselines: the response's shape with float64 money.
type plainEnvelope struct {
	Status  int       `json:"status"`
	Message string    `json:"message"`
	SeqNum  string    `json:"seqNum"`
	Data    plainFund `json:"data"`
}

// plainFund is the data of the baseline's response: the frame of a getFundB data object
// around the generator's plain report sections.
type plainFund struct {
	TID                string   `json:"tid"`
	Code               int      `json:"code"`
	Msg                string   `json:"msg"`
	Fail               []string `json:"fail"`
	CreateTime         string   `json:"createTime"`
	fakefund.PlainData          // the report sections
}
