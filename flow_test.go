package tcredit

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const flowBase = "http://fund.test"

// flowServer scripts the API for the driver's tests: fixed metadata, a create that
// returns tid "T1", and getFundB answers taken in turn from a script (the last one
// repeating).
type flowServer struct {
	mu      sync.Mutex
	script  []string // getFundB data objects
	polls   int
	creates int
	codes   []string // codes submitted to fundUserCode
	events  []string // "create", "poll", "code" in order
	// codeFaults answer the first submissions of a code, one each, in place of success.
	codeFaults []httpmock.Responder
	// taken, when set, ends the task (40001) once this many codes were submitted.
	taken int
}

func (s *flowServer) record(event string) {
	s.mu.Lock()
	s.events = append(s.events, event)
	s.mu.Unlock()
}

func ok(data string) string {
	return `{"status":0,"message":"成功","seqNum":"1","data":` + data + `}`
}

func newFlowClient(t *testing.T, s *flowServer, opts ...Option) *Client {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, flowBase+"/identity/getFundCitysB", httpmock.NewStringResponder(200, ok(
		`[{"area_code":"310000","area_name":"合肥","area_status":0},{"area_code":"320100","area_name":"南京","area_status":"1"}]`)))
	mt.RegisterResponder(http.MethodPost, flowBase+"/identity/getFundCityParamB", httpmock.NewStringResponder(200, ok(
		`[{"area_code":"310000","login_name":"客户号","login_type":1,"login_params":[`+
			`{"name":"account","label":"客户号","type":"text","required":true},`+
			`{"name":"password","label":"密码","type":"password","required":true}]}]`)))
	mt.RegisterResponder(http.MethodPost, flowBase+"/identity/createFundSearchTaskB", func(*http.Request) (*http.Response, error) {
		s.mu.Lock()
		s.creates++
		s.mu.Unlock()
		s.record("create")
		return httpmock.NewStringResponse(200, ok(`{"tid":"T1","success":true}`)), nil
	})
	mt.RegisterResponder(http.MethodPost, flowBase+"/identity/getFundB", func(*http.Request) (*http.Response, error) {
		s.record("poll")
		s.mu.Lock()
		defer s.mu.Unlock()
		i := s.polls
		if i >= len(s.script) {
			i = len(s.script) - 1
		}
		s.polls++
		if s.taken > 0 && len(s.codes) >= s.taken {
			return httpmock.NewStringResponse(200, ok(`{"code":40001}`)), nil
		}
		return httpmock.NewStringResponse(200, ok(s.script[i])), nil
	})
	mt.RegisterResponder(http.MethodPost, flowBase+"/identity/fundUserCode", func(req *http.Request) (*http.Response, error) {
		s.record("code")
		if err := req.ParseForm(); err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.codes = append(s.codes, req.PostForm.Get("code"))
		var fault httpmock.Responder
		if len(s.codeFaults) > 0 {
			fault, s.codeFaults = s.codeFaults[0], s.codeFaults[1:]
		}
		s.mu.Unlock()
		if fault != nil {
			return fault(req)
		}
		return httpmock.NewStringResponse(200, ok(`{"status":0,"message":"成功"}`)), nil
	})
	base := []Option{
		WithBaseURL(flowBase),
		WithHTTPClient(&http.Client{Transport: mt}),
		WithRetry(RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}),
	}
	c, err := NewClient("app", "token", append(base, opts...)...)
	require.NoError(t, err)
	return c
}

var goodLogin = CreateTaskRequest{AreaCode: "310000", LoginType: 1, Account: "zhangsan", Password: "p@ss"}

var fastPolls = WithPollInterval(time.Millisecond, 2*time.Millisecond)

func TestQuerySMSChallengeAnsweredOnce(t *testing.T) {
	s := &flowServer{script: []string{
		`{"code":10001,"msg":"登录中"}`,
		`{"code":"10003","msg":"登录中，等待用户输入短信"}`,
		`{"code":10003}`, // the submitted code not processed yet: not asked again
		`{"code":10002}`,
		`{"code":40001,"tid":"T1","baseInfo":{"houseFundBalance":"66903.69"}}`,
	}}
	c := newFlowClient(t, s)
	var asked []Challenge
	var seen []TaskCode
	res, err := c.Query(context.Background(), goodLogin, fastPolls,
		WithCodeProvider(func(_ context.Context, ch Challenge) (string, error) {
			asked = append(asked, ch)
			return "123456", nil
		}),
		OnStatus(func(res *FundResult) { seen = append(seen, res.Code) }))
	require.NoError(t, err)
	assert.Equal(t, CodeDone, res.Code)
	assert.Equal(t, Amount(6690369), res.BaseInfo.HouseFundBalance)
	assert.Equal(t, []Challenge{{TID: "T1", Code: CodeWaitingSMS, Message: "登录中，等待用户输入短信"}}, asked)
	assert.Equal(t, []string{"123456"}, s.codes)
	assert.Equal(t, []TaskCode{CodeLoggingIn, CodeWaitingSMS, CodeLoggedIn, CodeDone}, seen)
	assert.Equal(t, 1, s.creates)
}

func TestQueryCaptchaRefreshIsANewChallenge(t *testing.T) {
	img1 := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\n-first"))
	img2 := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\n-second"))
	s := &flowServer{script: []string{
		`{"code":10004,"base64_image_bytes":"` + img1 + `"}`,
		`{"code":10004,"base64_image_bytes":"` + img2 + `"}`,
		`{"code":40001}`,
	}}
	c := newFlowClient(t, s)
	var images []string
	res, err := c.Query(context.Background(), goodLogin, fastPolls,
		WithCodeProvider(func(_ context.Context, ch Challenge) (string, error) {
			assert.Equal(t, CodeWaitingCaptcha, ch.Code)
			images = append(images, string(ch.Image))
			return "AB12", nil
		}))
	require.NoError(t, err)
	assert.Equal(t, CodeDone, res.Code)
	assert.Equal(t, []string{"\x89PNG\r\n\x1a\n-first", "\x89PNG\r\n\x1a\n-second"}, images)
	assert.Equal(t, []string{"AB12", "AB12"}, s.codes)
}

func TestWaitWithoutProviderStopsAtChallengeAndResumes(t *testing.T) {
	s := &flowServer{script: []string{`{"code":10003}`}}
	c := newFlowClient(t, s)
	res, err := c.Query(context.Background(), goodLogin, fastPolls)
	require.ErrorIs(t, err, ErrCodeRequired)
	var ce *ChallengeError
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, Challenge{TID: "T1", Code: CodeWaitingSMS}, ce.Challenge)
	assert.Equal(t, "T1", res.TID)

	// The person answers later; the service resumes the task by its tid.
	require.NoError(t, c.SubmitCode(context.Background(), "T1", "123456"))
	s.mu.Lock()
	s.script = append(s.script, `{"code":20001}`, `{"code":40002,"fail":["loanInfos"]}`)
	s.polls = 1
	s.mu.Unlock()
	res, err = c.Wait(context.Background(), "T1", fastPolls)
	require.NoError(t, err)
	assert.Equal(t, CodeDonePartial, res.Code)
	assert.Equal(t, []string{"loanInfos"}, res.Missing)
	assert.Equal(t, 1, s.creates, "resuming creates nothing")
}

func TestWaitEndsOnFailures(t *testing.T) {
	tests := []struct {
		name   string
		script []string
		want   TaskCode
	}{
		{"wrong code", []string{`{"code":10003}`, `{"code":50009,"msg":"验证码错误"}`}, CodeWrongCode},
		{"input timeout", []string{`{"code":10003}`, `{"code":"50008"}`}, CodeInputTimeout},
		{"bad password", []string{`{"code":10001}`, `{"code":50004}`}, CodeBadCredentials},
		{"undocumented 5xxxx", []string{`{"code":10001}`, `{"code":59999}`}, 59999},
		{"undocumented progress, then failure", []string{`{"code":60001}`, `{"code":12345}`, `{"code":-1}`}, CodeError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &flowServer{script: tt.script}
			c := newFlowClient(t, s)
			res, err := c.Query(context.Background(), goodLogin, fastPolls,
				WithCodeProvider(func(context.Context, Challenge) (string, error) { return "000000", nil }))
			var te *TaskError
			require.True(t, errors.As(err, &te), "%v", err)
			assert.Equal(t, tt.want, te.Code)
			assert.Equal(t, "T1", te.TID)
			require.NotNil(t, res)
			assert.Equal(t, tt.want, res.Code)
		})
	}
}

func TestQueryHandsTheTIDOverBeforeTheFirstPoll(t *testing.T) {
	s := &flowServer{script: []string{`{"code":40001}`}}
	c := newFlowClient(t, s)
	_, err := c.Query(context.Background(), goodLogin, fastPolls,
		OnTaskCreated(func(_ context.Context, tid string) error {
			assert.Equal(t, "T1", tid)
			s.record("saved")
			return nil
		}))
	require.NoError(t, err)
	assert.Equal(t, []string{"create", "saved", "poll"}, s.events)
}

func TestQueryStopsWhenTheTIDCannotBeSaved(t *testing.T) {
	s := &flowServer{script: []string{`{"code":40001}`}}
	c := newFlowClient(t, s)
	dbDown := errors.New("database down")
	res, err := c.Query(context.Background(), goodLogin, fastPolls,
		OnTaskCreated(func(context.Context, string) error { return dbDown }))
	require.ErrorIs(t, err, dbDown)
	var qe *QueryError
	require.True(t, errors.As(err, &qe))
	assert.Equal(t, "T1", qe.TID)
	assert.Equal(t, "T1", res.TID)
	assert.Zero(t, s.polls)
}

func TestWaitReturnsTheContextErrorWithTheTID(t *testing.T) {
	s := &flowServer{script: []string{`{"code":20001}`}}
	c := newFlowClient(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	res, err := c.Wait(ctx, "T1", fastPolls)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var qe *QueryError
	require.True(t, errors.As(err, &qe))
	assert.Equal(t, "T1", qe.TID)
	assert.Equal(t, CodeCrawling, res.Code, "the last state seen")
	assert.Contains(t, err.Error(), "T1")
}

// A wait that ends without a result of its own returns the last one seen, every field
// as it came, whether it kept it whole or only its code and message.
func TestWaitReturnsTheLastResultSeen(t *testing.T) {
	tests := []struct{ name, data string }{
		{"the code's own message", `{"code":20001,"msg":"爬取中"}`},
		{"a message of the server's", `{"code":20001,"msg":"正在爬取第2页"}`},
		{"no message", `{"code":20001}`},
		{"another tid", `{"code":20001,"tid":"T1-other"}`},
		{"a time and some data", `{"code":20005,"msg":"阶段性爬取成功","createTime":"2024-03-01 00:30:00","baseInfo":{"employeeName":"张三"}}`},
		{"missing sections", `{"code":20001,"fail":["loanInfos"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newFlowClient(t, &flowServer{script: []string{tt.data}})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var seen *FundResult
			res, err := c.Wait(ctx, "T1", fastPolls, OnStatus(func(r *FundResult) {
				seen = r
				cancel() // the wait ends at its next pause, with the result it kept
			}))
			require.ErrorIs(t, err, context.Canceled)
			require.NotNil(t, seen)
			assert.Equal(t, seen, res)
		})
	}
}

// keep must know every field of FundResult: a result with any field beyond the tid,
// code and message set comes back whole.
func TestTrackerKeepsEveryFieldOfTheLastResult(t *testing.T) {
	typ := reflect.TypeFor[FundResult]()
	for i := range typ.NumField() {
		for _, n := range []int{0, 1} { // for a slice: empty, then one element
			t.Run(fmt.Sprint(typ.Field(i).Name, n), func(t *testing.T) {
				res := &FundResult{TID: "T1", Code: CodeCrawling, Message: "爬取中"}
				switch v := reflect.ValueOf(res).Elem().Field(i); v.Kind() {
				case reflect.String:
					v.SetString("x")
				case reflect.Int:
					v.SetInt(int64(CodePartlyCrawled))
				case reflect.Slice:
					v.Set(reflect.MakeSlice(v.Type(), n, n))
				case reflect.Pointer:
					v.Set(reflect.New(v.Type().Elem()))
				default:
					t.Fatalf("field %s of kind %s: fill it here", typ.Field(i).Name, v.Kind())
				}
				tr := tracker{tid: "T1"}
				tr.observe(res)
				assert.Equal(t, res, tr.result())
			})
		}
	}
}

func TestQueryRefusesBeforeBilling(t *testing.T) {
	tests := []struct {
		name   string
		req    CreateTaskRequest
		target error
	}{
		{"missing password", CreateTaskRequest{AreaCode: "310000", LoginType: 1, Account: "zhangsan"}, ErrInvalidInput},
		{"login type the city lacks", CreateTaskRequest{AreaCode: "310000", LoginType: 3, Account: "a", Password: "b"}, ErrInvalidInput},
		{"city under maintenance", CreateTaskRequest{AreaCode: "320100", LoginType: 1, Account: "a", Password: "b"}, ErrCityUnavailable},
		{"city not listed", CreateTaskRequest{AreaCode: "999999", LoginType: 1, Account: "a", Password: "b"}, ErrCityUnavailable},
		{"city not listed is unknown", CreateTaskRequest{AreaCode: "999999", LoginType: 1, Account: "a", Password: "b"}, ErrUnknownCity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &flowServer{script: []string{`{"code":40001}`}}
			c := newFlowClient(t, s)
			_, err := c.Query(context.Background(), tt.req, fastPolls)
			assert.ErrorIs(t, err, tt.target)
			assert.ErrorIs(t, err, ErrInvalidInput)
			assert.Zero(t, s.creates, "nothing billed")
		})
	}
}

func TestQueryCityErrorText(t *testing.T) {
	tests := map[string]string{
		"320100": "tcredit: area_code 南京 (320100) is not available for queries: 系统维护",
		"999999": "tcredit: area_code 999999 is not in the city list",
	}
	for code, want := range tests {
		t.Run(code, func(t *testing.T) {
			s := &flowServer{script: []string{`{"code":40001}`}}
			c := newFlowClient(t, s)
			_, err := c.Query(context.Background(), CreateTaskRequest{AreaCode: code, LoginType: 1, Account: "a", Password: "b"})
			require.Error(t, err)
			assert.Equal(t, want, err.Error(), "one tcredit: prefix")
		})
	}
}

func TestQueryWithLoginMethodSkipsCityParams(t *testing.T) {
	s := &flowServer{script: []string{`{"code":40001}`}}
	c := newFlowClient(t, s)
	m := LoginMethod{AreaCode: "310000", LoginType: 1, LoginParams: []LoginParam{{Name: "mobile", Label: "手机号", Required: true}}}
	_, err := c.Query(context.Background(), goodLogin, fastPolls, WithLoginMethod(m))
	var ve *ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "mobile", ve.Fields[0].Field)
	assert.Equal(t, "手机号", ve.Fields[0].Label)
}

func TestNotifyWakesAWaitingQuery(t *testing.T) {
	s := &flowServer{script: []string{`{"code":40001}`}}
	c := newFlowClient(t, s)
	done := make(chan struct{})
	var res *FundResult
	var err error
	go func() {
		defer close(done)
		// Polling alone would not come back for an hour: only the callback can end this.
		res, err = c.Query(context.Background(), goodLogin, WithPollInterval(time.Hour, time.Hour),
			OnTaskCreated(func(context.Context, string) error {
				go c.Notify(Callback{TID: "T1", Status: CodeDone})
				return nil
			}))
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the callback did not wake the query")
	}
	require.NoError(t, err)
	assert.Equal(t, CodeDone, res.Code)
	assert.Equal(t, 1, s.polls, "one GetFund, at the callback")
	c.waiters.mu.Lock()
	assert.Empty(t, c.waiters.m, "the wait unregistered itself")
	c.waiters.mu.Unlock()
}

func TestWaitRidesOutTransientReadFailures(t *testing.T) {
	mt := httpmock.NewMockTransport()
	calls := 0
	mt.RegisterResponder(http.MethodPost, flowBase+"/identity/getFundB", func(*http.Request) (*http.Response, error) {
		calls++
		switch {
		case calls <= 3:
			return httpmock.NewStringResponse(502, "<html>Bad Gateway</html>"), nil
		case calls == 4:
			return httpmock.NewStringResponse(200, `{"status":11,"message":"数据处理中"}`), nil
		}
		return httpmock.NewStringResponse(200, ok(`{"code":40001}`)), nil
	})
	c, err := NewClient("app", "token", WithBaseURL(flowBase), WithHTTPClient(&http.Client{Transport: mt}),
		WithRetry(RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	res, err := c.Wait(context.Background(), "T1", fastPolls)
	require.NoError(t, err)
	assert.Equal(t, CodeDone, res.Code)
	assert.Equal(t, 5, calls)
}

func TestWaitStopsOnPermanentErrors(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, flowBase+"/identity/getFundB",
		httpmock.NewStringResponder(200, `{"status":5,"message":"TokenKey验证失败","seqNum":"9"}`))
	c, err := NewClient("app", "token", WithBaseURL(flowBase), WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	_, err = c.Wait(context.Background(), "T1", fastPolls)
	assert.ErrorIs(t, err, ErrTokenKey)
	var qe *QueryError
	require.True(t, errors.As(err, &qe))
	assert.Equal(t, "T1", qe.TID)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

func TestCodeProviderErrorEndsTheWait(t *testing.T) {
	s := &flowServer{script: []string{`{"code":10003}`}}
	c := newFlowClient(t, s)
	gone := errors.New("the person left")
	_, err := c.Query(context.Background(), goodLogin, fastPolls,
		WithCodeProvider(func(context.Context, Challenge) (string, error) { return "", gone }))
	assert.ErrorIs(t, err, gone)
	assert.Empty(t, s.codes)
}

func TestGetFundWithoutDataIsNotSuccess(t *testing.T) {
	for _, body := range []string{`{"status":0,"message":"成功","seqNum":"1"}`, `{"status":0,"data":null}`} {
		mt := httpmock.NewMockTransport()
		mt.RegisterResponder(http.MethodPost, flowBase+"/identity/getFundB", httpmock.NewStringResponder(200, body))
		c, err := NewClient("app", "token", WithBaseURL(flowBase), WithHTTPClient(&http.Client{Transport: mt}))
		require.NoError(t, err)
		res, err := c.GetFund(context.Background(), "T1")
		assert.Nil(t, res)
		var re *ResponseError
		require.True(t, errors.As(err, &re), "%s: %v", body, err)
		assert.Equal(t, "getFundB", re.Endpoint)
	}
}

func TestChallengeAskedAgainWithANewMessage(t *testing.T) {
	s := &flowServer{script: []string{
		`{"code":10003,"msg":"请输入短信验证码"}`,
		`{"code":10003,"msg":"请输入短信验证码"}`, // not processed yet: not asked again
		`{"code":10003,"msg":"验证码错误，请重新输入"}`,
		`{"code":40001}`,
	}}
	c := newFlowClient(t, s)
	var asked []string
	res, err := c.Query(context.Background(), goodLogin, fastPolls,
		WithCodeProvider(func(_ context.Context, ch Challenge) (string, error) {
			asked = append(asked, ch.Message)
			return "12345" + string(rune('0'+len(asked))), nil
		}))
	require.NoError(t, err)
	assert.Equal(t, CodeDone, res.Code)
	assert.Equal(t, []string{"请输入短信验证码", "验证码错误，请重新输入"}, asked)
	assert.Equal(t, []string{"123451", "123452"}, s.codes)
}

func TestBlankTaskCodeIsNotSuccess(t *testing.T) {
	for _, data := range []string{`{"code":"","tid":"T1"}`, `{"code":"  ","tid":"T1"}`, `{"code":null}`} {
		mt := httpmock.NewMockTransport()
		mt.RegisterResponder(http.MethodPost, flowBase+"/identity/getFundB", httpmock.NewStringResponder(200, ok(data)))
		c, err := NewClient("app", "token", WithBaseURL(flowBase), WithHTTPClient(&http.Client{Transport: mt}))
		require.NoError(t, err)
		res, err := c.GetFund(context.Background(), "T1")
		assert.Nil(t, res, data)
		assert.ErrorIs(t, err, errNoTaskCode, data)
	}
}

func TestCaptchaWithoutImageIsReadAgain(t *testing.T) {
	png := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\n-image"))
	s := &flowServer{script: []string{
		`{"code":10004,"base64_image_bytes":"not base64!!"}`,
		`{"code":10004}`,
		`{"code":10004,"base64_image_bytes":"` + png + `"}`,
		`{"code":40001}`,
	}}
	c := newFlowClient(t, s)
	var images [][]byte
	res, err := c.Query(context.Background(), goodLogin, fastPolls,
		WithCodeProvider(func(_ context.Context, ch Challenge) (string, error) {
			images = append(images, ch.Image)
			return "AB12", nil
		}))
	require.NoError(t, err)
	assert.Equal(t, CodeDone, res.Code)
	assert.Equal(t, [][]byte{[]byte("\x89PNG\r\n\x1a\n-image")}, images, "asked once, with the image")
}

func TestRefusedCodeIsNotAFailedTask(t *testing.T) {
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodPost, flowBase+"/identity/getFundB", httpmock.NewStringResponder(200, ok(`{"code":10003}`)))
	mt.RegisterResponder(http.MethodPost, flowBase+"/identity/fundUserCode", httpmock.NewStringResponder(200, ok(`{"status":-1,"message":"接口异常"}`)))
	c, err := NewClient("app", "token", WithBaseURL(flowBase), WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	_, err = c.Wait(context.Background(), "T1", fastPolls,
		WithCodeProvider(func(context.Context, Challenge) (string, error) { return "123456", nil }))
	var te *TaskError
	assert.False(t, errors.As(err, &te), "the task still waits: %v", err)
	var qe *QueryError
	require.True(t, errors.As(err, &qe))
	assert.Equal(t, "T1", qe.TID)
	assert.ErrorIs(t, err, ErrSystem)
}

func TestQueryAsksAgainForACodeNeverTaken(t *testing.T) {
	gatewayPage := httpmock.NewStringResponder(http.StatusBadGateway, "<html><h1>502 Bad Gateway</h1></html>")
	wafPage := httpmock.NewStringResponder(http.StatusForbidden, "<html>blocked</html>")
	lost := httpmock.NewErrorResponder(errors.New("connection reset by peer"))
	for _, tt := range []struct {
		name   string
		faults []httpmock.Responder
		asked  int // times the person is asked
	}{
		{"a gateway's 502 page: asked again", []httpmock.Responder{gatewayPage}, 2},
		{"a WAF's page: asked again", []httpmock.Responder{wafPage}, 2},
		{"503 twice: asked three times", []httpmock.Responder{httpmock.NewStringResponder(503, ""), gatewayPage}, 3},
		{"an answer lost after sending: not asked again", []httpmock.Responder{lost}, 1},
		{"an answer without data.status: not asked again", []httpmock.Responder{httpmock.NewStringResponder(200, ok(`{}`))}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The task waits for its code until one is taken, then finishes.
			s := &flowServer{script: []string{`{"code":10003}`}, codeFaults: tt.faults, taken: len(tt.faults) + 1}
			c := newFlowClient(t, s)
			asked := 0
			ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
			defer cancel()
			_, err := c.Query(ctx, goodLogin, fastPolls,
				WithCodeProvider(func(_ context.Context, ch Challenge) (string, error) {
					asked++
					assert.Equal(t, CodeWaitingSMS, ch.Code)
					return "654321", nil
				}))
			assert.Equal(t, tt.asked, asked, "times the person was asked")
			if tt.asked > len(tt.faults) { // the last code was taken
				require.NoError(t, err)
				assert.Len(t, s.codes, tt.asked)
				return
			}
			// The outcome was unknown: the code is not asked for again, and the task,
			// still waiting, runs into the caller's deadline.
			require.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Len(t, s.codes, 1)
		})
	}
}

// A 5xx whose body is the API's own JSON (or a 504: the gateway forwarded the request
// and timed out) says the request reached the API: the code may have been taken, and
// the person is not asked for another one.
func TestAPIAnswered5xxIsNotAskedAgain(t *testing.T) {
	for name, answer := range map[string]struct {
		status int
		body   string
	}{
		"500 with the API's JSON": {500, `{"status":1,"message":"系统错误","seqNum":"1"}`},
		"504 gateway timeout":     {504, `<html><body>504 Gateway Time-out</body></html>`},
	} {
		t.Run(name, func(t *testing.T) {
			var submits atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				switch {
				case strings.HasSuffix(r.URL.Path, "fundUserCode"):
					submits.Add(1)
					w.WriteHeader(answer.status)
					_, _ = io.WriteString(w, answer.body)
				default: // the provider has not moved the task yet
					_, _ = io.WriteString(w, `{"status":0,"seqNum":"1","data":{"tid":"T","code":10003}}`)
				}
			}))
			defer srv.Close()
			c, err := NewClient(testAppID, testTokenID, WithBaseURL(srv.URL), WithRetry(testRetry))
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			var asks atomic.Int64
			_, _ = c.Wait(ctx, "T", WithPollInterval(time.Millisecond, 2*time.Millisecond),
				WithCodeProvider(func(ctx context.Context, ch Challenge) (string, error) {
					return fmt.Sprint(123456 + asks.Add(1)), nil
				}))
			assert.EqualValues(t, 1, asks.Load(), "the person was asked again although the API may have taken the code")
			assert.EqualValues(t, 1, submits.Load(), "codes submitted")
		})
	}
}

// A challenge asked again is the same one unless its image or message is new; a
// message left out is not new.
func TestChallengeRepeats(t *testing.T) {
	sms := Challenge{TID: "t1", Code: CodeWaitingSMS, Message: "验证码已发送"}
	img := Challenge{TID: "t1", Code: CodeWaitingCaptcha, Image: []byte{1, 2, 3}}
	for _, tc := range []struct {
		name        string
		now, before Challenge
		want        bool
	}{
		{"the same SMS challenge", sms, sms, true},
		{"its message left out", Challenge{Code: CodeWaitingSMS}, sms, true},
		{"a new message", Challenge{Code: CodeWaitingSMS, Message: "验证码错误，已重新发送"}, sms, false},
		{"the same image", img, img, true},
		{"a new image", Challenge{Code: CodeWaitingCaptcha, Image: []byte{9}}, img, false},
		{"another code", Challenge{Code: CodeWaitingCaptcha, Message: sms.Message}, sms, false},
		{"another task, the same challenge", Challenge{TID: "t2", Code: CodeWaitingSMS}, sms, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.now.Repeats(tc.before); got != tc.want {
				t.Errorf("Repeats = %v, want %v", got, tc.want)
			}
		})
	}
}
