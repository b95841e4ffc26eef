package tcredit

import (
	"context"
	"errors"
	"net/http"
)

// The getFundB answers that are not what they claim to be.
var (
	errNoResultData   = errors.New("status 0 but no data")
	errNoCaptchaImage = errors.New("code 10004 but data.base64_image_bytes holds no readable image")
)

// GetFund reads the state of the task tid and, once it is done, the report. It calls
// getFundB, which is not billed.
//
// A task still running comes back with its progress code (see TaskCode.InProgress) and
// a nil error; one waiting for an SMS or captcha code has NeedsSMS or NeedsCaptcha set,
// and for a captcha the image in Image. A failed task comes back as the result together
// with a *TaskError. Client.Wait drives a task through all of this.
func (c *Client) GetFund(ctx context.Context, tid string) (res *FundResult, err error) {
	if trimValue(tid) == "" {
		return nil, &FieldError{Field: "tid", Err: errors.New("is empty")}
	}
	ctx, obs := c.startCall(ctx, epGetFund, tid, "")
	defer func() { obs.end("", err) }()
	res, err = call[*FundResult](ctx, c, epGetFund, map[string]string{"tid": tid})
	if err != nil {
		return nil, err
	}
	if res == nil {
		// Status 0 without data: never read that as code 0, success.
		return nil, &ResponseError{Endpoint: epGetFund.name, HTTPStatus: http.StatusOK, Err: errNoResultData}
	}
	// The task is the one asked for: a tid the server sends back is its text, not
	// ours, and never replaces the one asked for (in the result, the errors, the
	// observer or the billing record).
	res.TID = tid
	c.endTask(ctx, tid, res)
	if res.Code.NeedsCaptcha() && len(res.Image) == 0 {
		// A captcha without its image cannot be answered: read the task again.
		return res, &ResponseError{Endpoint: epGetFund.name, HTTPStatus: http.StatusOK, Err: errNoCaptchaImage}
	}
	if res.Code.Failed() {
		return res, &TaskError{TID: res.TID, Code: res.Code, Message: res.Message}
	}
	return res, nil
}
