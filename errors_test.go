package tcredit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sentinels lists every status sentinel by its status.
var sentinels = map[Status]error{
	1: ErrSystem, 2: ErrInvalidParams, 3: ErrNoData, 4: ErrUnknownUser, 5: ErrTokenKey,
	6: ErrEndpointUnavailable, 7: ErrNoPermission, 8: ErrSuspended, 9: ErrInsufficientBalance,
	10: ErrBusy, 11: ErrProcessing,
}

// callers runs each endpoint once with valid arguments and returns its error.
var callers = map[string]func(context.Context, *Client) error{
	"getFundCitysB": func(ctx context.Context, c *Client) error {
		_, err := c.Cities(ctx)
		return err
	},
	"getFundCityParamB": func(ctx context.Context, c *Client) error {
		_, err := c.LoginMethods(ctx, "310000")
		return err
	},
	"createFundSearchTaskB": func(ctx context.Context, c *Client) error {
		_, err := c.CreateTask(ctx, CreateTaskRequest{AreaCode: "310000", LoginType: 1, Account: "a", Password: "p"})
		return err
	},
	"getFundB": func(ctx context.Context, c *Client) error {
		_, err := c.GetFund(ctx, createdTID)
		return err
	},
	"fundUserCode": func(ctx context.Context, c *Client) error {
		return c.SubmitCode(ctx, createdTID, "123456")
	},
}

func TestStatusErrors(t *testing.T) {
	t.Parallel()
	// The data of a failed call may be null, empty, or an empty value of another shape.
	datas := []string{`null`, `""`, `{}`, `[]`}
	for endpoint, call := range callers {
		for status := Status(1); status <= 11; status++ {
			endpoint, call, status := endpoint, call, status
			data := datas[int(status)%len(datas)]
			t.Run(fmt.Sprintf("%s/%d", endpoint, status), func(t *testing.T) {
				t.Parallel()
				c, mt := newMockClient(t, noRetry)
				r := recordBody(mt, endpoint, http.StatusOK, envelopeJSON(int(status), "服务端消息", "0951507659400042", data))

				err := call(context.Background(), c)
				var apiErr *APIError
				require.True(t, errors.As(err, &apiErr), "data %s: %T %v", data, err, err)
				assert.Equal(t, &APIError{Endpoint: endpoint, Status: status, Message: "服务端消息",
					SeqNum: "0951507659400042", HTTPStatus: http.StatusOK}, apiErr)
				for s, sentinel := range sentinels {
					assert.Equal(t, s == status, errors.Is(err, sentinel), "errors.Is(status %d error, sentinel of %d)", status, s)
				}
				// The server answered; only "still processing" a billed create or a code
				// leaves the outcome open.
				unsafe := endpoint == "createFundSearchTaskB" || endpoint == "fundUserCode"
				assert.Equal(t, unsafe && status == StatusProcessing, errors.Is(err, ErrOutcomeUnknown))
				assert.Contains(t, err.Error(), endpoint)
				assert.Contains(t, err.Error(), "0951507659400042", "the seqNum to quote to the provider")
				assert.Equal(t, 1, r.calls())
				r.assertClosed(t)
			})
		}
	}
}

func TestUnknownStatus(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	r := recordBody(mt, "getFundB", http.StatusOK, envelopeJSON(99, "", "s-99", "null"))
	_, err := c.GetFund(context.Background(), createdTID)
	var apiErr *APIError
	require.True(t, errors.As(err, &apiErr), "%T %v", err, err)
	assert.Equal(t, Status(99), apiErr.Status)
	for _, sentinel := range sentinels {
		assert.False(t, errors.Is(err, sentinel), "status 99 is none of the documented ones")
	}
	assert.Contains(t, err.Error(), "未知状态(99)")
	assert.Equal(t, 1, r.calls(), "an unknown status is not retried")
}

// A failed call's data may be anything, such as a message where success has an object
// or an array: the status still decides.
func TestStatusErrorWithDataOfAnotherShape(t *testing.T) {
	t.Parallel()
	for endpoint, call := range callers {
		for _, data := range []string{`"tokenKey error"`, `5`, `[1,2]`, `{"status":-1}`, `true`} {
			c, mt := newMockClient(t, noRetry)
			recordBody(mt, endpoint, http.StatusOK, envelopeJSON(5, "TokenKey验证失败", "s5", data))
			err := call(context.Background(), c)
			assert.True(t, errors.Is(err, ErrTokenKey), "%s with data %s: %v", endpoint, data, err)
			assert.False(t, errors.Is(err, ErrOutcomeUnknown), "%s with data %s: %v", endpoint, data, err)
		}
	}

	c, mt := newMockClient(t)
	recordBody(mt, "getFundCitysB", http.StatusOK, fixture(t, "status5.json"))
	cities, err := c.Cities(context.Background())
	assert.Nil(t, cities)
	var apiErr *APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, &APIError{Endpoint: "getFundCitysB", Status: StatusTokenKey, Message: "TokenKey验证失败",
		SeqNum: "0951507659400005", HTTPStatus: http.StatusOK}, apiErr)
	assert.Equal(t, "tcredit: getFundCitysB: status 5 TokenKey验证失败 (seqNum 0951507659400005)", err.Error(),
		"a message equal to the status text is not repeated")
}

func TestStatusString(t *testing.T) {
	t.Parallel()
	want := []string{"成功", "系统错误", "参数错误", "数据异常，未能获取结果", "用户不存在或配置错误", "TokenKey验证失败",
		"接口未定义或停止使用", "用户没有接口使用权限", "用户接口暂停使用", "用户余额不足", "系统繁忙，请稍后再试", "数据处理中，请稍候再查询"}
	for i, w := range want {
		t.Run(w, func(t *testing.T) {
			assert.Equal(t, w, Status(i).String())
		})
	}
	assert.Equal(t, "未知状态(12)", Status(12).String())
	assert.Equal(t, "未知状态(-1)", Status(-1).String())
}

func TestTaskCodes(t *testing.T) {
	t.Parallel()
	const (
		done = 1 << iota
		failed
		sms
		captcha
		progress
	)
	tests := []struct {
		code  TaskCode
		text  string
		flags int
	}{
		{CodeSuccess, "获取成功", done},
		{CodeAuthFailed, "权限认证失败", failed},
		{CodeError, "接口异常", failed},
		{CodeInvalidParams, "参数错误", failed},
		{CodeLoggingIn, "登录中", progress},
		{CodeLoggedIn, "登陆成功,准备爬取", progress},
		{CodeWaitingSMS, "登录中，等待用户输入短信", progress | sms},
		{CodeWaitingCaptcha, "登录中，等待用户输入图片码", progress | captcha},
		{CodeCrawling, "爬取中", progress},
		{CodePartlyCrawled, "阶段性爬取成功", progress},
		{CodeStoring, "存储中", progress},
		{CodeDone, "爬取结束", done},
		{CodeDonePartial, "爬取结束,部分数据缺失", done},
		{CodeLoginFailed, "登录失败", failed},
		{CodeCrawlFailed, "爬取失败", failed},
		{CodeSiteNotSupported, "爬取失败,网站未开发", failed},
		{CodeBadCredentials, "登录失败,用户名密码输入错误", failed},
		{CodeSiteMaintenance, "登录失败,网站维护中", failed},
		{CodeLoginInvalidParams, "登录失败,请求参数错误", failed},
		{CodeSiteUnstable, "爬取失败,网站不稳定", failed},
		{CodeInputTimeout, "登录失败,等待用户输入超时", failed},
		{CodeWrongCode, "登录失败,验证码输入错误", failed},
		{10009, "未知状态码(10009)", progress},
		{59001, "未知状态码(59001)", failed},
		{40003, "未知状态码(40003)", 0},
		{-3, "未知状态码(-3)", 0},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			assert.Equal(t, tt.text, tt.code.String())
			assert.Equal(t, tt.flags&done != 0, tt.code.Done(), "%d Done", tt.code)
			assert.Equal(t, tt.flags&failed != 0, tt.code.Failed(), "%d Failed", tt.code)
			assert.Equal(t, tt.flags&sms != 0, tt.code.NeedsSMS(), "%d NeedsSMS", tt.code)
			assert.Equal(t, tt.flags&captcha != 0, tt.code.NeedsCaptcha(), "%d NeedsCaptcha", tt.code)
			assert.Equal(t, tt.flags&progress != 0, tt.code.InProgress(), "%d InProgress", tt.code)
		})
	}
}

func TestErrorTexts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{&APIError{Endpoint: "getFundB", Status: StatusBusy, Message: "稍后", SeqNum: "s1", HTTPStatus: 200},
			"tcredit: getFundB: status 10 系统繁忙，请稍后再试: 稍后 (seqNum s1)"},
		{&APIError{Endpoint: "getFundB", Status: StatusNoData}, "tcredit: getFundB: status 3 数据异常，未能获取结果"},
		{&TaskError{TID: "t1", Code: CodeBadCredentials, Message: "密码错误"}, "tcredit: task t1 failed: 50004 登录失败,用户名密码输入错误: 密码错误"},
		{&TaskError{Code: CodeError, Message: "接口异常"}, "tcredit: task failed: -1 接口异常"},
		{&ResponseError{Endpoint: "getFundCitysB", HTTPStatus: 502, Snippet: `"<html>"`},
			`tcredit: getFundCitysB: unexpected response (HTTP 502): body "<html>"`},
		{&ResponseError{Endpoint: "getFundB", HTTPStatus: 200, Err: ErrResponseTooLarge},
			"tcredit: getFundB: unexpected response (HTTP 200): response body too large"},
		{&FieldError{Field: "account", Label: "客户号", Err: errors.New("is required")}, "tcredit: account (客户号) is required"},
		{&ValidationError{Fields: []*FieldError{
			{Field: "account", Label: "客户号", Err: errors.New("is required")},
			{Field: "sub_area", Err: errors.New("is not one of 1 (东区)")},
		}}, "tcredit: login form: account (客户号) is required; sub_area is not one of 1 (东区)"},
		{&UnknownOutcomeError{Endpoint: "fundUserCode", TID: "t1", Err: errors.New("EOF")},
			"tcredit: fundUserCode: outcome unknown (not retried, task t1): EOF"},
		{&UnknownOutcomeError{Endpoint: "createFundSearchTaskB", Err: &APIError{Endpoint: "createFundSearchTaskB", Status: StatusProcessing}},
			"tcredit: createFundSearchTaskB: outcome unknown (not retried): createFundSearchTaskB: status 11 数据处理中，请稍候再查询"},
		{&QueryError{TID: "t2", Err: &ResponseError{Endpoint: "getFundB", HTTPStatus: 502}},
			"tcredit: task t2: getFundB: unexpected response (HTTP 502)"},
		{&QueryError{TID: "t3", Err: context.Canceled}, "tcredit: task t3: context canceled"},
		{&QueryError{TID: "t4", Err: &TaskError{TID: "t4", Code: CodeWrongCode}}, "tcredit: task t4 failed: 50009 登录失败,验证码输入错误"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T", tt.err), func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestTaskErrorSentinels(t *testing.T) {
	t.Parallel()
	all := []error{ErrSystem, ErrInvalidParams, ErrNoPermission, ErrNoData, ErrTokenKey, ErrInvalidInput, ErrOutcomeUnknown}
	tests := map[TaskCode]error{CodeError: ErrSystem, CodeInvalidParams: ErrInvalidParams, CodeAuthFailed: ErrNoPermission,
		CodeBadCredentials: nil, CodeLoginFailed: nil}
	for code, want := range tests {
		t.Run(strconv.Itoa(int(code)), func(t *testing.T) {
			err := fmt.Errorf("wrapped: %w", &TaskError{Code: code})
			for _, sentinel := range all {
				assert.Equal(t, sentinel == want, errors.Is(err, sentinel), "code %d, %v", code, sentinel)
			}
		})
	}
}
