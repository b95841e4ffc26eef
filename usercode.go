package tcredit

import (
	"context"
	"errors"
)

// userCodeData is the data of a fundUserCode response.
type userCodeData struct {
	Status  TaskCode `json:"status" wire:"unique,nonblank"` // 接口调用状态 -9:权限认证失败 0:成功 -1:接口异常 -2:参数错误
	Message string   `json:"message"`                       // 接口返回描述
}

// SubmitCode answers the challenge of task tid with the code the person typed: the SMS
// code for a task at 10003, the captcha text for one at 10004. It calls fundUserCode.
//
// A refusal inside the response (status -9, -1 or -2) is a *TaskError. Like CreateTask,
// SubmitCode is not repeated once its request may have reached the server, since each
// submission counts as one of the person's attempts: the error then matches
// ErrOutcomeUnknown, and GetFund tells whether the code was taken. So does an answer of
// status 0 without data.status (no data, null, {} or a blank): it does not say whether
// the code was taken.
func (c *Client) SubmitCode(ctx context.Context, tid, code string) (err error) {
	if trimValue(tid) == "" {
		return &FieldError{Field: "tid", Err: errors.New("is empty")}
	}
	if trimValue(code) == "" {
		return &FieldError{Field: "code", Err: errors.New("is empty")}
	}
	ctx, obs := c.startCall(ctx, epUserCode, tid, "")
	defer func() { obs.end("", err) }()
	data, err := call[userCodeData](ctx, c, epUserCode, map[string]string{"tid": tid, "code": code})
	if err != nil {
		var uo *UnknownOutcomeError
		if errors.As(err, &uo) {
			uo.TID = tid
		}
		return err
	}
	if data.Status != 0 {
		return &TaskError{TID: tid, Code: data.Status, Message: data.Message}
	}
	return nil
}
