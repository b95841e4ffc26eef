package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"

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
			"fundUserCode: outcome unknown (connection reset): check task t1 with 'tcredit get t1' before trying again",
			exitUnknown,
		},
		{
			"task refused at creation",
			&tcredit.TaskError{Code: tcredit.CodeInvalidParams, Msg: "参数错误"},
			"the task was refused: -2 参数错误",
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
