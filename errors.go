package tcredit

import (
	"errors"
	"strconv"
)

// Status is the top-level status of every response (the appendix's 接口返回状态码表).
// Zero is success; anything else comes back as an *APIError.
type Status int

// The statuses of the API document's appendix.
const (
	StatusOK                  Status = 0  // 成功
	StatusSystemError         Status = 1  // 系统错误
	StatusInvalidParams       Status = 2  // 参数错误
	StatusNoData              Status = 3  // 数据异常，未能获取结果
	StatusUnknownUser         Status = 4  // 用户不存在或配置错误
	StatusTokenKey            Status = 5  // TokenKey验证失败
	StatusEndpointUnavailable Status = 6  // 接口未定义或停止使用
	StatusNoPermission        Status = 7  // 用户没有接口使用权限
	StatusSuspended           Status = 8  // 用户接口暂停使用
	StatusInsufficientBalance Status = 9  // 用户余额不足
	StatusBusy                Status = 10 // 系统繁忙，请稍后再试
	StatusProcessing          Status = 11 // 数据处理中，请稍候再查询
)

var statusText = [...]string{
	StatusOK:                  "成功",
	StatusSystemError:         "系统错误",
	StatusInvalidParams:       "参数错误",
	StatusNoData:              "数据异常，未能获取结果",
	StatusUnknownUser:         "用户不存在或配置错误",
	StatusTokenKey:            "TokenKey验证失败",
	StatusEndpointUnavailable: "接口未定义或停止使用",
	StatusNoPermission:        "用户没有接口使用权限",
	StatusSuspended:           "用户接口暂停使用",
	StatusInsufficientBalance: "用户余额不足",
	StatusBusy:                "系统繁忙，请稍后再试",
	StatusProcessing:          "数据处理中，请稍候再查询",
}

// String returns the document's meaning of the status, or "未知状态(N)" for a status
// the document does not list.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusText) {
		return statusText[s]
	}
	return "未知状态(" + strconv.Itoa(int(s)) + ")"
}

// The sentinel errors, one per non-zero status. An *APIError matches the one for its
// status with errors.Is.
var (
	ErrSystem              = errors.New("tcredit: system error")                             // status 1
	ErrInvalidParams       = errors.New("tcredit: invalid parameters")                       // status 2
	ErrNoData              = errors.New("tcredit: data error, no result")                    // status 3
	ErrUnknownUser         = errors.New("tcredit: unknown appId or bad configuration")       // status 4
	ErrTokenKey            = errors.New("tcredit: tokenKey verification failed")             // status 5
	ErrEndpointUnavailable = errors.New("tcredit: endpoint undefined or discontinued")       // status 6
	ErrNoPermission        = errors.New("tcredit: no permission for this endpoint")          // status 7
	ErrSuspended           = errors.New("tcredit: access to this endpoint is suspended")     // status 8
	ErrInsufficientBalance = errors.New("tcredit: insufficient balance")                     // status 9
	ErrBusy                = errors.New("tcredit: system busy, try again later")             // status 10
	ErrProcessing          = errors.New("tcredit: data still processing, query again later") // status 11
)

var statusErr = [...]error{
	StatusSystemError:         ErrSystem,
	StatusInvalidParams:       ErrInvalidParams,
	StatusNoData:              ErrNoData,
	StatusUnknownUser:         ErrUnknownUser,
	StatusTokenKey:            ErrTokenKey,
	StatusEndpointUnavailable: ErrEndpointUnavailable,
	StatusNoPermission:        ErrNoPermission,
	StatusSuspended:           ErrSuspended,
	StatusInsufficientBalance: ErrInsufficientBalance,
	StatusBusy:                ErrBusy,
	StatusProcessing:          ErrProcessing,
}

// sentinel returns the sentinel error for s, or nil for success and unknown statuses.
func (s Status) sentinel() error {
	if s > 0 && int(s) < len(statusErr) {
		return statusErr[s]
	}
	return nil
}

// APIError is a response whose top-level status is not 0.
type APIError struct {
	Endpoint   string // the endpoint's name, e.g. "getFundB"
	Status     Status // the top-level status
	Message    string // the server's message
	SeqNum     string // the call's serial number, to quote to the provider
	HTTPStatus int    // the HTTP status code of the response

	hint string // advice on what to change, if any
}

// Error reports the endpoint, the status and its meaning, the server's message and
// the seqNum.
func (e *APIError) Error() string {
	msg := "tcredit: " + e.Endpoint + ": status " + strconv.Itoa(int(e.Status)) + " " + e.Status.String()
	if e.Message != "" && e.Message != e.Status.String() {
		msg += ": " + e.Message
	}
	if e.SeqNum != "" {
		msg += " (seqNum " + e.SeqNum + ")"
	}
	if e.hint != "" {
		msg += "; " + e.hint
	}
	return msg
}

// Is reports whether target is the sentinel error for e.Status.
func (e *APIError) Is(target error) bool {
	s := e.Status.sentinel()
	return s != nil && s == target
}

// TaskCode is the state of a task (data.code of getFundB), or an inner status of
// createFundSearchTaskB and fundUserCode.
type TaskCode int

// The task codes of getFundB.
const (
	CodeSuccess            TaskCode = 0     // 获取成功 (the document's example)
	CodeAuthFailed         TaskCode = -9    // 权限认证失败
	CodeError              TaskCode = -1    // 接口异常
	CodeInvalidParams      TaskCode = -2    // 参数错误
	CodeLoggingIn          TaskCode = 10001 // 登录中
	CodeLoggedIn           TaskCode = 10002 // 登陆成功,准备爬取
	CodeWaitingSMS         TaskCode = 10003 // 登录中，等待用户输入短信
	CodeWaitingCaptcha     TaskCode = 10004 // 登录中，等待用户输入图片码
	CodeCrawling           TaskCode = 20001 // 爬取中
	CodePartlyCrawled      TaskCode = 20005 // 阶段性爬取成功
	CodeStoring            TaskCode = 30001 // 存储中
	CodeDone               TaskCode = 40001 // 爬取结束
	CodeDonePartial        TaskCode = 40002 // 爬取结束,部分数据缺失
	CodeLoginFailed        TaskCode = 50001 // 登录失败
	CodeCrawlFailed        TaskCode = 50002 // 爬取失败
	CodeSiteNotSupported   TaskCode = 50003 // 爬取失败,网站未开发
	CodeBadCredentials     TaskCode = 50004 // 登录失败,用户名密码输入错误
	CodeSiteMaintenance    TaskCode = 50005 // 登录失败,网站维护中
	CodeLoginInvalidParams TaskCode = 50006 // 登录失败,请求参数错误
	CodeSiteUnstable       TaskCode = 50007 // 爬取失败,网站不稳定
	CodeInputTimeout       TaskCode = 50008 // 登录失败,等待用户输入超时
	CodeWrongCode          TaskCode = 50009 // 登录失败,验证码输入错误
)

var taskCodeText = map[TaskCode]string{
	CodeSuccess:            "获取成功",
	CodeAuthFailed:         "权限认证失败",
	CodeError:              "接口异常",
	CodeInvalidParams:      "参数错误",
	CodeLoggingIn:          "登录中",
	CodeLoggedIn:           "登陆成功,准备爬取",
	CodeWaitingSMS:         "登录中，等待用户输入短信",
	CodeWaitingCaptcha:     "登录中，等待用户输入图片码",
	CodeCrawling:           "爬取中",
	CodePartlyCrawled:      "阶段性爬取成功",
	CodeStoring:            "存储中",
	CodeDone:               "爬取结束",
	CodeDonePartial:        "爬取结束,部分数据缺失",
	CodeLoginFailed:        "登录失败",
	CodeCrawlFailed:        "爬取失败",
	CodeSiteNotSupported:   "爬取失败,网站未开发",
	CodeBadCredentials:     "登录失败,用户名密码输入错误",
	CodeSiteMaintenance:    "登录失败,网站维护中",
	CodeLoginInvalidParams: "登录失败,请求参数错误",
	CodeSiteUnstable:       "爬取失败,网站不稳定",
	CodeInputTimeout:       "登录失败,等待用户输入超时",
	CodeWrongCode:          "登录失败,验证码输入错误",
}

// String returns the document's words for the code, or "未知状态码(N)" for a code the
// document does not list.
func (c TaskCode) String() string {
	if s, ok := taskCodeText[c]; ok {
		return s
	}
	return "未知状态码(" + strconv.Itoa(int(c)) + ")"
}

// Done reports whether the task finished with its report: 0, 40001, or 40002 (some
// sections missing; see FundResult.Fail).
func (c TaskCode) Done() bool {
	return c == CodeSuccess || c == CodeDone || c == CodeDonePartial
}

// Failed reports whether the task ended without a report: any 5xxxx code, -1, -2, -9.
func (c TaskCode) Failed() bool {
	return (c >= 50000 && c <= 59999) || c == CodeError || c == CodeInvalidParams || c == CodeAuthFailed
}

// NeedsSMS reports whether the task waits for the SMS code the person received (10003).
func (c TaskCode) NeedsSMS() bool { return c == CodeWaitingSMS }

// NeedsCaptcha reports whether the task waits for the text of an image captcha (10004).
func (c TaskCode) NeedsCaptcha() bool { return c == CodeWaitingCaptcha }

// InProgress reports whether the task is still running: a 1xxxx, 2xxxx or 3xxxx code,
// including the two that wait for a person's input.
func (c TaskCode) InProgress() bool { return c >= 10000 && c <= 39999 }

// TaskError is a task that failed (a 5xxxx, -1, -2 or -9 code), or an inner failure of
// createFundSearchTaskB or fundUserCode. For the inner codes -1, -2 and -9 it matches
// ErrSystem, ErrInvalidParams and ErrNoPermission with errors.Is.
type TaskError struct {
	TID  string   // the task, when known
	Code TaskCode // why it failed
	Msg  string   // the server's message
}

// Error reports the task, its code and the code's meaning, and the server's message.
func (e *TaskError) Error() string {
	msg := "tcredit: task"
	if e.TID != "" {
		msg += " " + e.TID
	}
	msg += " failed: " + strconv.Itoa(int(e.Code)) + " " + e.Code.String()
	if e.Msg != "" && e.Msg != e.Code.String() {
		msg += ": " + e.Msg
	}
	return msg
}

// Is matches the sentinel errors for the inner codes -1, -2 and -9.
func (e *TaskError) Is(target error) bool {
	switch e.Code {
	case CodeError:
		return target == ErrSystem
	case CodeInvalidParams:
		return target == ErrInvalidParams
	case CodeAuthFailed:
		return target == ErrNoPermission
	}
	return false
}

// ErrResponseTooLarge is wrapped by the *ResponseError for a body over the client's limit.
var ErrResponseTooLarge = errors.New("tcredit: response body too large")

// ResponseError is a response that is not a readable API answer: an HTTP status other
// than 200 (a redirect among them: the client follows none), a body that is not JSON (a
// gateway's HTML page), a body cut short or too large, or a value that cannot be read
// into its field. Snippet quotes the start of the body with every secret the request
// sent removed and long digit runs masked.
type ResponseError struct {
	Endpoint     string // the endpoint's name, e.g. "getFundB"
	HTTPStatus   int    // the HTTP status code
	RedirectHost string // for a 3xx, the host its Location names (the redirect was not followed)
	Snippet      string // a short, scrubbed and masked quotation of the body
	Err          error  // the cause, if any: ErrResponseTooLarge, a cut body, a JSON error

	notAPI bool // the body is not JSON: a page of something in front of the API
}

// Error reports the endpoint, the HTTP status (and a redirect's host), the cause and
// the snippet.
func (e *ResponseError) Error() string {
	msg := "tcredit: " + e.Endpoint + ": unexpected response (HTTP " + strconv.Itoa(e.HTTPStatus)
	if e.RedirectHost != "" {
		msg += " redirecting to " + e.RedirectHost + ", not followed"
	}
	msg += ")"
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if e.Snippet != "" {
		msg += ": body " + e.Snippet
	}
	return msg
}

// Unwrap returns the cause.
func (e *ResponseError) Unwrap() error { return e.Err }

// ErrUnknownCity is matched by the error of CityParams, and of Query's validation, for
// an area code that the city list does not have.
var ErrUnknownCity = errors.New("tcredit: unknown city")

// cityError is what is wrong with an area code, told inside a *FieldError: it matches
// its sentinels but does not repeat their "tcredit:" prefix.
type cityError struct {
	msg string
	is  []error
}

func (e *cityError) Error() string { return e.msg }

func (e *cityError) Is(target error) bool {
	for _, err := range e.is {
		if err == target {
			return true
		}
	}
	return false
}

// ErrInvalidInput is matched by every error for an argument refused before any request
// is sent: a *FieldError or a *ValidationError.
var ErrInvalidInput = errors.New("tcredit: invalid input")

// FieldError is an argument refused before any request is sent, named by its parameter.
type FieldError struct {
	Field string // the parameter's name on the wire, e.g. "area_code"
	Label string // the login form's label for it, when it has one, e.g. "客户号"
	Err   error  // what is wrong with it
}

// Error names the field (and its label) and what is wrong with it.
func (e *FieldError) Error() string {
	name := e.Field
	if e.Label != "" {
		name += " (" + e.Label + ")"
	}
	return "tcredit: " + name + " " + e.Err.Error()
}

// Is matches ErrInvalidInput.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidInput }

// Unwrap returns what is wrong with the field.
func (e *FieldError) Unwrap() error { return e.Err }
