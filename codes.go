package tcredit

import "strconv"

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
// sections missing; see FundResult.Missing).
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

// CityStatus is a city's availability (area_status).
type CityStatus int

// The values of area_status.
const (
	CityAvailable     CityStatus = 0 // 正常可用
	CityMaintenance   CityStatus = 1 // 系统维护
	CityInDevelopment CityStatus = 2 // 开发中
)

// String returns the document's words for the status.
func (s CityStatus) String() string {
	switch s {
	case CityAvailable:
		return "正常可用"
	case CityMaintenance:
		return "系统维护"
	case CityInDevelopment:
		return "开发中"
	}
	return "未知状态(" + strconv.Itoa(int(s)) + ")"
}
