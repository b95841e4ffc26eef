package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
)

// TestDescribeNamesTheFlagsUsed checks that a hint names the flag that gave a
// setting, not the variable it would otherwise come from.
func TestDescribeNamesTheFlagsUsed(t *testing.T) {
	var stderr syncBuffer
	c := &cli{stderr: &stderr, sources: sources{appID: "--app-id", tokenID: "TCREDIT_TOKEN_ID", baseURL: "--base-url"}}
	c.fail(fmt.Errorf("tcredit: getFundCitysB: %w", &url.Error{Op: "Post", URL: "http://127.0.0.1:1/identity/getFundCitysB", Err: errors.New("connection refused")}))
	c.fail(&tcredit.APIError{Endpoint: "getFundCitysB", Status: tcredit.StatusUnknownUser})
	assert.Equal(t, `tcredit: getFundCitysB: Post "http://127.0.0.1:1/identity/getFundCitysB": connection refused — check --base-url and the network
tcredit: getFundCitysB: status 4 用户不存在或配置错误 — check --app-id
`, stderr.String())
}

// TestDescribe covers the errors that the sandbox runs do not reach.
func TestDescribe(t *testing.T) {
	tests := []struct {
		name string
		err  error
		msg  string
		code int
	}{
		{
			"refused call",
			&tcredit.APIError{Endpoint: "createFundSearchTaskB", Status: tcredit.StatusInsufficientBalance, Message: "用户余额不足", SeqNum: "0951a"},
			"createFundSearchTaskB: status 9 用户余额不足 (seqNum 0951a) — top up the account with the provider",
			exitError,
		},
		{
			"undocumented status",
			&tcredit.APIError{Endpoint: "getFundB", Status: 99, Message: "oops"},
			"getFundB: status 99 未知状态(99): oops",
			exitError,
		},
		{
			"code submitted, outcome unknown",
			&tcredit.UnknownOutcomeError{Endpoint: "fundUserCode", TID: "t1", Err: errors.New("connection reset")},
			"fundUserCode: outcome unknown (not retried, task t1): connection reset — check task t1 with 'tcredit get t1' before trying again",
			exitUnknown,
		},
		{
			"task refused at creation",
			&tcredit.TaskError{Code: tcredit.CodeInvalidParams, Message: "参数错误"},
			"task failed: -2 参数错误",
			exitTaskFailed,
		},
		{
			"failure after the task exists",
			&tcredit.QueryError{TID: "t2", Err: &tcredit.ResponseError{Endpoint: "getFundB", HTTPStatus: 502, Snippet: "<html>\nBad Gateway"}},
			"task t2: getFundB: unexpected response (HTTP 502): body <html> Bad Gateway",
			exitError,
		},
		{
			"network",
			fmt.Errorf("tcredit: getFundCitysB: %w", &url.Error{Op: "Post", URL: "http://127.0.0.1:1/identity/getFundCitysB", Err: errors.New("connection refused")}),
			`getFundCitysB: Post "http://127.0.0.1:1/identity/getFundCitysB": connection refused — check TCREDIT_BASE_URL and the network`,
			exitError,
		},
		{
			"interrupted after the task exists",
			&tcredit.QueryError{TID: "t4", Err: fmt.Errorf("waiting: %w", context.Canceled)},
			"task t4: waiting: context canceled — interrupted; the task may still be running: follow it with 'tcredit get t4'",
			exitInterrupted,
		},
		{
			"a tid of no task",
			&unknownTaskError{tid: "t5", err: &tcredit.TaskError{TID: "t5", Code: tcredit.CodeAuthFailed, Message: "no such tid for this appId"}},
			"task t5 failed: -9 权限认证失败: no such tid for this appId — no task t5 for this appId: check the tid",
			exitUsage,
		},
		{
			"interrupted before the task",
			fmt.Errorf("asking: %w", context.Canceled),
			"interrupted",
			exitInterrupted,
		},
		{
			"refused argument",
			&tcredit.FieldError{Field: "tid", Err: errors.New("is empty")},
			"tid is empty",
			exitUsage,
		},
		{
			"login form",
			&tcredit.ValidationError{Fields: []*tcredit.FieldError{
				{Field: "password", Label: "密码", Err: errors.New("is required")},
				{Field: "login_type", Err: errors.New("is 3, the login method is 1")},
			}},
			"login form: password (密码) is required; login_type is 3, the login method is 1",
			exitUsage,
		},
		{
			"challenge nobody answered",
			&tcredit.QueryError{TID: "t3", Err: &tcredit.ChallengeError{Challenge: tcredit.Challenge{TID: "t3", Code: tcredit.CodeWaitingSMS}}},
			"task t3 waits for input: 登录中，等待用户输入短信",
			exitError,
		},
		{
			"redirect with a cause",
			&tcredit.ResponseError{Endpoint: "getFundB", HTTPStatus: 302, RedirectHost: "example.com", Err: tcredit.ErrResponseTooLarge},
			"getFundB: unexpected response (HTTP 302 redirecting to example.com, not followed): response body too large",
			exitError,
		},
		{
			"outcome unknown after a refusal",
			&tcredit.UnknownOutcomeError{Endpoint: "createFundSearchTaskB", Err: &tcredit.APIError{Endpoint: "createFundSearchTaskB", Status: tcredit.StatusProcessing}},
			"createFundSearchTaskB: outcome unknown (not retried): createFundSearchTaskB: status 11 数据处理中，请稍候再查询 — a task may have been created and billed; ask the provider before trying again",
			exitUnknown,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr syncBuffer
			c := &cli{stderr: &stderr, sources: defaultSources}
			assert.Equal(t, tt.code, c.fail(tt.err))
			assert.Equal(t, "tcredit: "+tt.msg+"\n", stderr.String())
		})
	}
}

// TestDescribeSignatureOverHTTPS checks that a signature refused over https comes
// with the SDK's advice to try the document's http URL, and over http without it.
func TestDescribeSignatureOverHTTPS(t *testing.T) {
	refuse := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"status":5,"seqNum":"0951a"}`)
	})
	for _, tt := range []struct {
		name string
		srv  *httptest.Server
		want string
	}{
		{"https", httptest.NewTLSServer(refuse), "tcredit: getFundCitysB: status 5 TokenKey验证失败 (seqNum 0951a); the API's document gives an http URL (http://api.tcredit.com), and no client is known to sign over https: try it — check TCREDIT_TOKEN_ID (and TCREDIT_BASE_URL: the signature covers the URL)\n"},
		{"http", httptest.NewServer(refuse), "tcredit: getFundCitysB: status 5 TokenKey验证失败 (seqNum 0951a) — check TCREDIT_TOKEN_ID (and TCREDIT_BASE_URL: the signature covers the URL)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer tt.srv.Close()
			client, err := tcredit.NewClient("app", "token", tcredit.WithBaseURL(tt.srv.URL), tcredit.WithHTTPClient(tt.srv.Client()))
			require.NoError(t, err)
			_, err = client.Cities(context.Background())
			var stderr syncBuffer
			c := &cli{stderr: &stderr, sources: defaultSources}
			assert.Equal(t, exitError, c.fail(err))
			assert.Equal(t, tt.want, stderr.String())
		})
	}
}
