package tcredit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The personal data of the test login; none of it may show whole in logs or output.
const (
	secretPassword = "p@ss 秘密-42"
	secretIDCard   = "430102199001011234"
	secretMobile   = "13812348000"
	secretName     = "张三丰"
	secretAnswer   = "mother-maiden-name"
)

// fullLogin fills every field of a request.
var fullLogin = CreateTaskRequest{
	AreaCode:    "310000",
	LoginType:   2,
	IDCard:      secretIDCard,
	Account:     "zhangsan",
	Password:    secretPassword,
	SubArea:     "1",
	RealName:    secretName,
	Mobile:      secretMobile,
	CorpAccount: "C-889900",
	CorpName:    "湖南医药",
	Extra:       map[string]string{"security_answer": secretAnswer, "sms code&x": "a=b, c+d%"},
}

const createdTID = "457e345272624ac294ff9dc675807dc9" // the tid of createFundSearchTaskB.json

func TestCreateTaskWire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  CreateTaskRequest
		want map[string]string // the parameters on the wire, besides appId and tokenKey
	}{
		{
			name: "every field",
			req:  fullLogin,
			want: map[string]string{
				"area_code": "310000", "login_type": "2", "id_card": secretIDCard, "account": "zhangsan",
				"password": secretPassword, "sub_area": "1", "real_name": secretName, "mobile": secretMobile,
				"corp_account": "C-889900", "corp_name": "湖南医药", "security_answer": secretAnswer,
				"sms code&x": "a=b, c+d%",
			},
		},
		{
			name: "blank fields are neither sent nor signed",
			req: CreateTaskRequest{AreaCode: "310000", LoginType: 1, Account: "zhangsan", Password: "p@ss word",
				RealName: "张三", SubArea: "1", Mobile: "", IDCard: "  ", CorpName: "\t",
				Extra: map[string]string{"captcha": " "}},
			want: map[string]string{"area_code": "310000", "login_type": "1", "account": "zhangsan",
				"password": "p@ss word", "real_name": "张三", "sub_area": "1"},
		},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			r := recordBody(mt, "createFundSearchTaskB", http.StatusOK, fixture(t, "createFundSearchTaskB.json"))
			tid, err := c.CreateTask(context.Background(), tt.req)
			require.NoError(t, err)
			assert.Equal(t, createdTID, tid)
			assertWire(t, r, "createFundSearchTaskB", tt.want)
			assert.Len(t, r.requests()[0].Form, len(tt.want)+2, "nothing else is sent")
		})
	}
}

func TestCreateTaskAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		data     string
		wantTID  string
		wantErr  *TaskError
		sentinel error
	}{
		{"document example", `{"tid":"457e345272624ac294ff9dc675807dc9","success":true}`, createdTID, nil, nil},
		{"padded tid, success as text", `{"tid":" abc123 ","success":"true","status":0}`, "abc123", nil, nil},
		{"success false", `{"success":false,"message":"下发任务失败"}`, "",
			&TaskError{Code: CodeError, Msg: "下发任务失败"}, ErrSystem},
		{"status -1", `{"success":false,"status":-1,"message":"接口调用异常"}`, "",
			&TaskError{Code: CodeError, Msg: "接口调用异常"}, ErrSystem},
		{"status -2 as text", `{"success":"false","status":"-2","message":"参数错误"}`, "",
			&TaskError{Code: CodeInvalidParams, Msg: "参数错误"}, ErrInvalidParams},
		{"status -2 despite success", `{"success":true,"status":-2,"tid":"t1"}`, "",
			&TaskError{TID: "t1", Code: CodeInvalidParams}, ErrInvalidParams},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			r := recordBody(mt, "createFundSearchTaskB", http.StatusOK, envelopeJSON(0, "成功", "0951507659489656", tt.data))
			tid, err := c.CreateTask(context.Background(), fullLogin)
			assert.Equal(t, tt.wantTID, tid)
			assert.Equal(t, 1, r.calls())
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			var te *TaskError
			require.True(t, errors.As(err, &te), "%T %v", err, err)
			assert.Equal(t, tt.wantErr, te)
			assert.True(t, errors.Is(err, tt.sentinel), "%v", err)
		})
	}
}

func TestCreateTaskInvalidInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		req   CreateTaskRequest
		field string
	}{
		{"empty area code", CreateTaskRequest{LoginType: 1, Account: "a", Password: "p"}, "area_code"},
		{"blank area code", CreateTaskRequest{AreaCode: "  ", LoginType: 1}, "area_code"},
		{"login type 0", CreateTaskRequest{AreaCode: "310000"}, "login_type"},
		{"login type -1", CreateTaskRequest{AreaCode: "310000", LoginType: -1}, "login_type"},
		{"Extra names password", CreateTaskRequest{AreaCode: "310000", LoginType: 1,
			Extra: map[string]string{"password": "other"}}, `Extra["password"]`},
		{"Extra names area_code", CreateTaskRequest{AreaCode: "310000", LoginType: 1,
			Extra: map[string]string{"area_code": "320000"}}, `Extra["area_code"]`},
		{"Extra names appId", CreateTaskRequest{AreaCode: "310000", LoginType: 1,
			Extra: map[string]string{"appId": "other"}}, `Extra["appId"]`},
		{"Extra names tokenKey", CreateTaskRequest{AreaCode: "310000", LoginType: 1,
			Extra: map[string]string{"tokenKey": "x"}}, `Extra["tokenKey"]`},
		{"Extra with an empty name", CreateTaskRequest{AreaCode: "310000", LoginType: 1,
			Extra: map[string]string{"": "x"}}, `Extra[""]`},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			tid, err := c.CreateTask(context.Background(), tt.req)
			assert.Empty(t, tid)
			assert.True(t, errors.Is(err, ErrInvalidInput), "%v", err)
			var fe *FieldError
			require.True(t, errors.As(err, &fe), "%T", err)
			assert.Equal(t, tt.field, fe.Field)
			assert.Contains(t, err.Error(), tt.field)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing is sent, nothing is billed")
		})
	}
}

// failingBody is a response body that breaks off after its first bytes.
type failingBody struct{ r io.Reader }

func (b *failingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

func (b *failingBody) Close() error { return nil }

// cutResponder answers 200 with the first bytes of body, then a broken connection.
func cutResponder(body []byte) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewBytesResponse(http.StatusOK, nil)
		resp.Body = &failingBody{r: bytes.NewReader(body[:len(body)/2])}
		return resp, nil
	}
}

func TestCreateTaskNotRetriedOnceSent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		responder httpmock.Responder
		http      int
	}{
		{"502 gateway page", httpmock.NewBytesResponder(http.StatusBadGateway, fixture(t, "gateway-502.html")), http.StatusBadGateway},
		{"503", httpmock.NewStringResponder(http.StatusServiceUnavailable, ""), http.StatusServiceUnavailable},
		{"429", httpmock.NewStringResponder(http.StatusTooManyRequests, ""), http.StatusTooManyRequests},
		{"response cut off", cutResponder(fixture(t, "createFundSearchTaskB.json")), http.StatusOK},
		{"not JSON", httpmock.NewStringResponder(http.StatusOK, "<html>busy</html>"), http.StatusOK},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			r := record(mt, "createFundSearchTaskB", tt.responder)
			tid, err := c.CreateTask(context.Background(), fullLogin)
			assert.Empty(t, tid)
			assert.Equal(t, 1, r.calls(), "a billed call is never repeated once it may have been processed")
			assert.True(t, errors.Is(err, ErrOutcomeUnknown), "%v", err)
			var uo *UnknownOutcomeError
			require.True(t, errors.As(err, &uo))
			assert.Equal(t, "createFundSearchTaskB", uo.Endpoint)
			var re *ResponseError
			require.True(t, errors.As(err, &re), "the cause is kept: %v", err)
			assert.Equal(t, tt.http, re.HTTPStatus)
			r.assertClosed(t)
		})
	}
}

func TestCreateTaskRetriedWhenBusy(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	r := record(mt, "createFundSearchTaskB",
		httpmock.NewBytesResponder(http.StatusOK, envelopeJSON(10, "系统繁忙，请稍后再试", "1", "null")),
		httpmock.NewBytesResponder(http.StatusOK, fixture(t, "createFundSearchTaskB.json")))
	tid, err := c.CreateTask(context.Background(), fullLogin)
	require.NoError(t, err)
	assert.Equal(t, createdTID, tid)
	assert.Equal(t, 2, r.calls(), "status 10 says the server did nothing: asking again is safe")
	reqs := r.requests()
	assert.Equal(t, reqs[0].Body, reqs[1].Body, "the same request is sent again")
}

func TestCreateTaskStatusNotRetried(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	r := recordBody(mt, "createFundSearchTaskB", http.StatusOK, envelopeJSON(9, "用户余额不足", "0951507659400009", "null"))
	_, err := c.CreateTask(context.Background(), fullLogin)
	assert.True(t, errors.Is(err, ErrInsufficientBalance), "%v", err)
	assert.False(t, errors.Is(err, ErrOutcomeUnknown), "the server answered: the outcome is known")
	assert.Equal(t, 1, r.calls())
}

// A RoundTripper that is not net/http's Transport reports nothing through httptrace;
// the client cannot tell whether such a request was sent, so a billed call must not be
// repeated after it fails.
func TestCreateTaskNotRetriedThroughOpaqueTransport(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	r := record(mt, "createFundSearchTaskB", httpmock.NewErrorResponder(errors.New("read tcp: i/o timeout")))
	_, err := c.CreateTask(context.Background(), fullLogin)
	assert.Equal(t, 1, r.calls())
	assert.True(t, errors.Is(err, ErrOutcomeUnknown), "%v", err)
}

func TestCreateTaskRequestHidesSecrets(t *testing.T) {
	t.Parallel()
	req := fullLogin
	outputs := map[string]string{
		"%v pointer": fmt.Sprintf("%v", &req),
		"%+v nested": fmt.Sprintf("%+v", struct{ Req CreateTaskRequest }{req}),
		"%v slice":   fmt.Sprintf("%v", []CreateTaskRequest{req}),
		"String":     req.String(),
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		outputs[verb] = fmt.Sprintf(verb, req)
	}
	for _, h := range []func(io.Writer) slog.Handler{
		func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
		func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
	} {
		var buf bytes.Buffer
		log := slog.New(h(&buf))
		log.Info("create", "req", req)
		log.Info("create", slog.Any("req", &req))
		log.With("req", req).Info("create")
		outputs[fmt.Sprintf("slog %T", h(io.Discard))] = buf.String()
	}
	for how, out := range outputs {
		assertNoSecrets(t, how, out)
		assert.Contains(t, out, "310000", "%s: the area code is not secret", how)
	}
	assert.Contains(t, outputs["%v"], "4301**********1234")
	assert.Contains(t, outputs["%v"], "138****8000")
	assert.Contains(t, outputs["%v"], "张**")
	assert.Contains(t, outputs["%v"], "[redacted]")
}

// assertNoSecrets checks that out shows none of the test login's secrets, the client's
// tokenId or a digit run of an ID card or mobile number.
func assertNoSecrets(t *testing.T, how, out string) {
	t.Helper()
	for _, secret := range []string{secretPassword, "秘密", secretIDCard, "199001011", secretMobile, "1234800",
		secretName, "张三", secretAnswer, "zhangsan", testTokenID} {
		assert.NotContains(t, out, secret, "%s shows a secret: %s", how, out)
	}
}

func TestCreateTaskErrorsHideSecrets(t *testing.T) {
	t.Parallel()
	bodies := [][]byte{
		envelopeJSON(0, "成功", "1", `{"success":false,"status":-2,"message":"参数错误"}`),
		envelopeJSON(2, "参数错误", "1", "null"),
		fixture(t, "gateway-502.html"),
	}
	for _, body := range bodies {
		c, mt := newMockClient(t)
		recordBody(mt, "createFundSearchTaskB", http.StatusOK, body)
		_, err := c.CreateTask(context.Background(), fullLogin)
		require.Error(t, err)
		assertNoSecrets(t, "error", err.Error())
		assertNoSecrets(t, "error %+v", fmt.Sprintf("%+v", err))
		assert.False(t, strings.Contains(err.Error(), "tokenKey="), err.Error())
	}
}

func TestCreateTaskRequestJSONHidesSecrets(t *testing.T) {
	t.Parallel()
	req := fullLogin
	codeLogin := CreateTaskRequest{AreaCode: "330100", LoginType: 3, Mobile: secretMobile, Extra: map[string]string{"code": "493817"}}
	encode := func(v any) string {
		t.Helper()
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return string(b)
	}
	tests := []struct {
		name string
		v    any // holds req
	}{
		{"value", req},
		{"pointer", &req},
		{"field of a struct", struct{ Req CreateTaskRequest }{req}},
		{"pointer field", struct{ Req *CreateTaskRequest }{&req}},
		{"slice", []CreateTaskRequest{req}},
		{"map value", map[string]CreateTaskRequest{"a": req}},
		{"in an interface", map[string]any{"a": req}},
	}
	want := `{"AreaCode":"310000","LoginType":"2","IDCard":"4301**********1234","Account":"zh****an",` +
		`"Password":"[redacted]","SubArea":"1","RealName":"张**","Mobile":"138****8000","CorpAccount":"C-****00",` +
		`"CorpName":"湖南医药","Extra.security_answer":"[redacted]","Extra.sms code\u0026x":"[redacted]"}`
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := encode(tt.v)
			assertNoSecrets(t, tt.name, out)
			assert.NotContains(t, out, "a=b, c+d%", "an Extra value")
			assert.Contains(t, out, want)
		})
	}
	t.Run("a code in Extra", func(t *testing.T) {
		assert.JSONEq(t, `{"AreaCode":"330100","LoginType":"3","Mobile":"138****8000","Extra.code":"[redacted]"}`, encode(codeLogin))
	})
	t.Run("empty", func(t *testing.T) {
		assert.Equal(t, `{"LoginType":"0"}`, encode(CreateTaskRequest{}))
	})
}

// An answer that does not say whether a task was created, or says it was and gives no
// tid, may stand for a billed task: it is no refusal, which would invite a second
// create, but an unknown outcome.
func TestCreateTaskUnclearAnswerIsOutcomeUnknown(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		why        error
	}{
		{"no data", envelopeNoData, errNoSuccess},
		{"data null", `{"status":0,"seqNum":"1","data":null}`, errNoSuccess},
		{"data {}", `{"status":0,"seqNum":"1","data":{}}`, errNoSuccess},
		{"blank success", `{"status":0,"seqNum":"1","data":{"success":" ","tid":""}}`, errNoSuccess},
		{"success true, blank tid", `{"status":0,"seqNum":"1","data":{"success":true,"tid":" "}}`, errNoTID},
		{"success true, no tid", `{"status":0,"seqNum":"1","data":{"success":true}}`, errNoTID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, mt := newMockClient(t)
			r := recordBody(mt, "createFundSearchTaskB", http.StatusOK, []byte(tt.body))
			tid, err := c.CreateTask(context.Background(), fullLogin)
			assert.Empty(t, tid)
			require.ErrorIs(t, err, ErrOutcomeUnknown)
			require.ErrorIs(t, err, tt.why)
			var te *TaskError
			assert.False(t, errors.As(err, &te), "no refusal: a task may exist")
			assert.Equal(t, 1, r.calls())
		})
	}
	t.Run("success twice", func(t *testing.T) {
		c, mt := newMockClient(t)
		recordBody(mt, "createFundSearchTaskB", http.StatusOK, []byte(`{"status":0,"seqNum":"1","data":{"success":false,"success":true,"tid":"T"}}`))
		_, err := c.CreateTask(context.Background(), fullLogin)
		require.ErrorIs(t, err, ErrOutcomeUnknown)
	})
}

const envelopeNoData = `{"status":0,"seqNum":"1"}`
