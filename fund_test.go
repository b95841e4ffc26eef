package tcredit

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// getFund serves body for getFundB and returns what GetFund(tid) makes of it.
func getFund(t *testing.T, tid string, body []byte) (*FundResult, *recorder, error) {
	t.Helper()
	c, mt := newMockClient(t)
	r := recordBody(mt, "getFundB", http.StatusOK, body)
	res, err := c.GetFund(context.Background(), tid)
	return res, r, err
}

func TestGetFundDocumentExample(t *testing.T) {
	t.Parallel()
	const tid = "1fd9700a4daa4d0298add243380a3c77"
	res, r, err := getFund(t, tid, fixture(t, "getFundB.json"))
	require.NoError(t, err)
	assertWire(t, r, "getFundB", map[string]string{"tid": tid})

	want := &FundResult{
		TID:     tid,
		Code:    CodeSuccess,
		Message: "获取成功",
		Image:   nil, // the document's "9a4acaddadqaq..." is a placeholder, not base64
		BaseInfo: &BaseInfo{
			Birthday:               "19820133",
			EmployeeName:           "马蓉",
			HouseFundStatus:        "NORMAL",
			PersonalMonthPayAmount: 52700,
			InYearAddPayAmount:     0,
			Gender:                 "男",
			InYearInterest:         0,
			InYearTransferIn:       0,
			InYearReceiveAmount:    0,
			OpenAccountDate:        "2005-07-01",
			IDCard:                 "431202198XXXXXXXXXXXX",
			PayUntilDate:           "2017-07",
			CompanyName:            "湖南医药",
			CardType:               "ID_CARD",
			DepositRatioPersonal:   "12.00",
			LastYearBalance:        0,
			LastYearInterest:       0,
			DepositRatioCompany:    "12.00",
			InYearPayAmount:        0,
			MonthPayAmount:         105400,
			CompanyMonthPayAmount:  52700,
			MonthPayBaseAmount:     439167,
			EmployeeAccountNum:     "0103950631345",
			HouseFundBalance:       0,
		},
		BillInfos: []BillInfo{
			{Note: "汇缴201707公积金(个人单位)", PayMonth: "2017-07", Balance: 6690369, PayArriveDate: "2017-07-27", InAmount: 105400},
			{Note: "年度结息", Balance: 6584969, PayArriveDate: "2017-06-30", InAmount: 89189},
			{Note: "汇缴201706公积金(个人单位)", PayMonth: "2017-06", Balance: 6495780, PayArriveDate: "2017-06-19", InAmount: 105400},
			{Note: "汇缴201705公积金", PayMonth: "2017-05", Balance: 6390380, PayArriveDate: "2017-05-27", InAmount: 105400},
			{Note: "汇缴201704公积金(个人单位)", PayMonth: "2017-04", Balance: 6284980, PayArriveDate: "2017-04-24", InAmount: 101400},
			{Note: "汇缴201607公积金", PayMonth: "2016-07", Balance: 5446780, PayArriveDate: "2016-07-29", InAmount: 82800},
		},
		LoanInfos: []LoanInfo{{
			DetailInfo: LoanDetailInfo{
				BankAccount:            "111111111102735",
				BankName:               "xx银行",
				CurrentOverdueCount:    0,
				CurrentOverdueInterest: 0,
				DuePrincipal:           18879014,
				GuaranteeType:          "房产抵押",
				HisOverdueAmount:       30946,
				HisOverdueCount:        1,
				HouseType:              "商品房",
				LoanAmount:             22000000,
				LoanBalance:            3120986,
				LoanDate:               "2011-07-07",
				LoanEndDate:            "201707",
				LoanLength:             "20年",
				LoanName:               "宋喆",
				LoanNum:                "010120110460",
				LoanRate:               "3.25%",
				MonthLowestRepay:       18577,
				OverdueAmount:          0,
				PaymentAmount:          0,
				PaymentDay:             "25",
				PaymentType:            "等额本金",
				ReceivePunishInterest:  0,
				RepayInterest:          2889804,
			},
			LoanOverdueInfos: []LoanOverdueInfo{
				{Date: "201512", Interest: 0, OverdueBalance: 0, Penalty: 109, Principal: 30946, Summary: 0},
			},
			LoanRepayInfos: []LoanRepayInfo{
				{Balance: 22000000, Date: "2011-07-07", Describe: "贷款发放"},
				{Balance: 3120986, BankDeduction: 27080, Date: "2017-07-25", Describe: "正常还款", Interest: 8503,
					Principal: 18577, RepayMonth: "201707", Sum: 27080},
			},
		}},
	}
	assert.Equal(t, want, res)
	assert.True(t, res.Code.Done())
	assert.Equal(t, "", res.ImageType())
}

// variancePNG is the image in getFundB-variance.json, a 2×1 PNG.
const variancePNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg=="

func TestGetFundVariance(t *testing.T) {
	t.Parallel()
	const tid = "2b5d0c1e9f3a4b7c8d6e5f4a3b2c1d0e"
	res, r, err := getFund(t, tid, fixture(t, "getFundB-variance.json"))
	require.NoError(t, err)
	assertWire(t, r, "getFundB", map[string]string{"tid": tid})

	png, err := base64.StdEncoding.DecodeString(variancePNG)
	require.NoError(t, err)
	want := &FundResult{
		TID:        tid,
		Code:       CodeDone,
		Message:    "爬取结束",
		Image:      png,
		Missing:    []string{"loanRepayerInfos"},
		CreateTime: "2017-08-01 10:00:00",
		BaseInfo: &BaseInfo{
			Birthday:               "19820133",
			EmployeeName:           "马蓉",
			HouseFundStatus:        "NORMAL",
			PersonalMonthPayAmount: 52700,
			InYearAddPayAmount:     0,
			Gender:                 "男",
			InYearInterest:         0,
			InYearTransferIn:       0,
			InYearReceiveAmount:    15000,
			OpenAccountDate:        "2005-07-01",
			IDCard:                 "431202198001011234",
			PayUntilDate:           "201707",
			CompanyName:            "湖南医药",
			CardType:               "ID_CARD",
			LastYearBalance:        6000050,
			LastYearInterest:       89189,
			InYearPayAmount:        737800,
			MonthPayAmount:         105400,
			BindMobile:             "13812348000",
			CompanyMonthPayAmount:  52700,
			MonthPayBaseAmount:     439167,
			EmployeeAccountNum:     "103950631345",
			HouseFundBalance:       6690369,
			BankAccount:            "6222021234567890123",
			BankName:               "工商银行",
			CompanyAccountNum:      "",
			DepositManageDept:      "",
			BelongOffice:           "长沙",
			DepositRatioPersonal:   "12",
			DepositRatioCompany:    "12%",
			NameAuth:               "true",
			BindEmail:              "",
			HouseFundAccount:       "0103950631345",
			HomeAddress:            "湖南省长沙市",
		},
		BillInfos: []BillInfo{
			{Note: "汇缴201707公积金", PayBase: 439167, PayMonth: "201707", Balance: 6690369, PayArriveDate: "2017-07-27", InAmount: 105400},
			{Note: "年度结息", Balance: 6584969, PayArriveDate: "20170630", InAmount: 89189, CompanyName: "湖南医药"},
			{Note: "部分提取", OutAmount: 20050, PayMonth: "2017-05", Balance: 6495780, PayArriveDate: "2017-05-27"},
		},
		LoanInfos: []LoanInfo{{
			DetailInfo: LoanDetailInfo{
				LoanName:               "宋喆",
				LoanIDCard:             "431202198001011234",
				LoanPhone:              "13812348000",
				HouseAddress:           "长沙市岳麓区",
				BankName:               "xx银行",
				BankAccount:            "111111111102735",
				LoanNum:                "010120110460",
				LoanAmount:             22000000,
				LoanType:               "公积金贷款",
				LoanLength:             "20",
				LoanRate:               "3.25",
				LoanStatus:             "正常",
				LoanDate:               "2011-07-07",
				LoanEndDate:            "203107",
				HouseType:              "商品房",
				GuaranteeType:          "房产抵押",
				PaymentType:            "等额本金",
				PaymentDay:             "25",
				PaymentAmount:          27080,
				DuePrincipal:           18879014,
				OverdueAmount:          0,
				LoanBalance:            3120986,
				HisOverdueCount:        1,
				RepayInterest:          2889804,
				MonthLowestRepay:       0,
				CurrentOverdueInterest: 0,
				CurrentOverdueCount:    0,
				HisOverdueAmount:       30946,
				IsMonthHedge:           "否",
				GjjLoanNum:             "2011046",
				ReceivePunishInterest:  109,
			},
			LoanRepayerInfos: []LoanRepayerInfo{{
				RepayNo:         "1",
				RepayName:       "马蓉",
				IDCard:          "431202198001011234",
				Phone:           "13812348000",
				CorporationName: "湖南医药",
				BankAccount:     "6222021234567890123",
				Relation:        "本人",
				SignDate:        "2011-07-01",
			}},
			LoanRepayInfos: []LoanRepayInfo{{
				Date: "20170725", RepayMonth: "201707", Principal: 18577, Interest: 8503, Sum: 27080,
				BankDeduction: 27080, Balance: 3120986, Describe: "正常还款",
			}},
			LoanOverdueInfos: []LoanOverdueInfo{
				{Date: "201512", Principal: 30946, Penalty: 109, Summary: 31055},
			},
		}},
	}
	assert.Equal(t, want, res)
	assert.Equal(t, "image/png", res.ImageType())
}

func TestGetFundPartial(t *testing.T) {
	t.Parallel()
	const tid = "7c0f3e2a9b8d4c6e8f1a2b3c4d5e6f70"
	res, _, err := getFund(t, tid, fixture(t, "getFundB-partial.json"))
	require.NoError(t, err, "missing sections are not an error")
	assert.Equal(t, &FundResult{
		TID:        tid,
		Code:       CodeDonePartial,
		Message:    "爬取结束,部分数据缺失",
		CreateTime: "2017-08-01 10:05:00",
		Missing:    []string{"billInfos", "loanInfos"},
		BaseInfo:   &BaseInfo{EmployeeName: "马蓉", HouseFundBalance: 6690369, PayUntilDate: "2017-07"},
	}, res)
	assert.True(t, res.Code.Done())
	assert.False(t, res.Code.Failed())
}

func TestGetFundFailedTask(t *testing.T) {
	t.Parallel()
	codes := []TaskCode{
		CodeLoginFailed, CodeCrawlFailed, CodeSiteNotSupported, CodeBadCredentials, CodeSiteMaintenance,
		CodeLoginInvalidParams, CodeSiteUnstable, CodeInputTimeout, CodeWrongCode,
		CodeError, CodeInvalidParams, CodeAuthFailed, 59999,
	}
	for _, code := range codes {
		code := code
		t.Run(strconv.Itoa(int(code)), func(t *testing.T) {
			t.Parallel()
			const tid = "457e345272624ac294ff9dc675807dc9"
			// The code arrives as a string, as some servers send it.
			body := envelopeJSON(0, "成功", "0951506707594446",
				`{"code":"`+strconv.Itoa(int(code))+`","msg":"登录失败","tid":"`+tid+`"}`)
			res, r, err := getFund(t, tid, body)

			require.NotNil(t, res, "a failed task comes back with its result")
			assert.Equal(t, code, res.Code)
			assert.Equal(t, "登录失败", res.Message)
			var te *TaskError
			require.True(t, errors.As(err, &te), "%T %v", err, err)
			assert.Equal(t, &TaskError{TID: tid, Code: code, Message: "登录失败"}, te)
			assert.Equal(t, 1, r.calls(), "a failed task is an answer, not a failure to retry")
		})
	}
}

func TestGetFundBadCredentials(t *testing.T) {
	t.Parallel()
	const tid = "457e345272624ac294ff9dc675807dc9"
	body := envelopeJSON(0, "成功", "1", `{"code":50004,"msg":"登录失败,用户名密码输入错误"}`)
	res, _, err := getFund(t, tid, body)
	require.Error(t, err)
	assert.Equal(t, tid, res.TID, "the tid asked for fills a response that lacks one")
	assert.Equal(t, CodeBadCredentials, res.Code)
	var te *TaskError
	require.True(t, errors.As(err, &te))
	assert.Equal(t, tid, te.TID)
	assert.Equal(t, CodeBadCredentials, te.Code)
	assert.False(t, errors.Is(err, ErrSystem))
	assert.Contains(t, err.Error(), "50004")
}

func TestGetFundInnerStatusSentinels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code TaskCode
		want error
	}{
		{CodeError, ErrSystem},
		{CodeInvalidParams, ErrInvalidParams},
		{CodeAuthFailed, ErrNoPermission},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(int(tt.code)), func(t *testing.T) {
			body := envelopeJSON(0, "成功", "1", `{"code":`+strconv.Itoa(int(tt.code))+`}`)
			_, _, err := getFund(t, "tid-1", body)
			assert.True(t, errors.Is(err, tt.want), "code %d: %v", tt.code, err)
		})
	}
}

func TestGetFundInProgress(t *testing.T) {
	t.Parallel()
	png, err := base64.StdEncoding.DecodeString(variancePNG)
	require.NoError(t, err)
	urlSafe := base64.RawURLEncoding.EncodeToString(png)
	tests := []struct {
		data      string
		code      TaskCode
		sms, capt bool
		image     []byte
	}{
		{`{"code":10001,"msg":"登录中"}`, CodeLoggingIn, false, false, nil},
		{`{"code":"10002"}`, CodeLoggedIn, false, false, nil},
		{`{"code":10003,"msg":"等待用户输入短信"}`, CodeWaitingSMS, true, false, nil},
		{`{"code":10004,"base64_image_bytes":"` + variancePNG + `"}`, CodeWaitingCaptcha, false, true, png},
		{`{"code":10004,"base64_image_bytes":"` + urlSafe + `"}`, CodeWaitingCaptcha, false, true, png},
		{`{"code":20001}`, CodeCrawling, false, false, nil},
		{`{"code":20005}`, CodePartlyCrawled, false, false, nil},
		{`{"code":30001}`, CodeStoring, false, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.data, func(t *testing.T) {
			res, _, err := getFund(t, "tid-1", envelopeJSON(0, "成功", "1", tt.data))
			require.NoError(t, err, tt.data)
			assert.Equal(t, tt.code, res.Code, tt.data)
			assert.True(t, res.Code.InProgress(), tt.data)
			assert.Equal(t, tt.sms, res.Code.NeedsSMS(), tt.data)
			assert.Equal(t, tt.capt, res.Code.NeedsCaptcha(), tt.data)
			assert.Equal(t, tt.image, res.Image, tt.data)
			assert.Equal(t, "tid-1", res.TID)
		})
	}
}

func TestGetFundUnreadableValueNamesItsPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		data string
		path string
	}{
		{`{"code":0,"baseInfo":{"houseFundBalance":"abc"}}`, "data.baseInfo.houseFundBalance"},
		{`{"code":0,"billInfos":[{"balance":1},{"balance":"2"},{"balance":"1.2.3"}]}`, "data.billInfos[2].balance"},
		{`{"code":0,"loanInfos":[{"detailInfo":{"loanAmount":"二十万"}}]}`, "data.loanInfos[0].detailInfo.loanAmount"},
		{`{"code":0,"loanInfos":[{"detailInfo":{"hisOverdueCount":"1.5"}}]}`, "data.loanInfos[0].detailInfo.hisOverdueCount"},
		{`{"code":0,"loanInfos":[{"loanOverdueInfos":[{"principal":{"v":1}}]}]}`, "data.loanInfos[0].loanOverdueInfos[0].principal"},
		{`{"code":"done"}`, "data.code"},
	}
	for _, tt := range tests {
		t.Run(tt.data, func(t *testing.T) {
			res, r, err := getFund(t, "tid-1", envelopeJSON(0, "成功", "1", tt.data))
			assert.Nil(t, res)
			var re *ResponseError
			require.True(t, errors.As(err, &re), "%s: %T %v", tt.data, err, err)
			assert.Equal(t, "getFundB", re.Endpoint)
			assert.Equal(t, http.StatusOK, re.HTTPStatus)
			assert.Contains(t, err.Error(), tt.path)
			assert.Equal(t, 1, r.calls(), "a value that cannot be read is not retried: %s", tt.data)
			r.assertClosed(t)
		})
	}
}

func TestGetFundEmptyTID(t *testing.T) {
	t.Parallel()
	for _, tid := range []string{"", " \t"} {
		c, mt := newMockClient(t)
		res, err := c.GetFund(context.Background(), tid)
		assert.Nil(t, res)
		assert.True(t, errors.Is(err, ErrInvalidInput), "%v", err)
		var fe *FieldError
		require.True(t, errors.As(err, &fe))
		assert.Equal(t, "tid", fe.Field)
		assert.Zero(t, mt.GetTotalCallCount())
	}
}

// A response that says nothing about the task is not a finished task with an empty
// report: a lender would underwrite on nothing.
func TestGetFundWithoutCodeIsNotDone(t *testing.T) {
	t.Parallel()
	bodies := []string{`{}`, `{"error":"not found"}`, `[{"status":0}]`, `{"status":0}`}
	for _, data := range []string{`null`, `{}`, `""`, `{"tid":"tid-1","msg":"x"}`} {
		bodies = append(bodies, string(envelopeJSON(0, "成功", "1", data)))
	}
	for _, body := range bodies {
		t.Run(body, func(t *testing.T) {
			res, _, err := getFund(t, "tid-1", []byte(body))
			if err == nil {
				assert.False(t, res.Code.Done(), "%s reads as a finished task", body)
			}
		})
	}
}

// Answers that must not read as a finished task with an empty report.
func TestGetFundNotSuccess(t *testing.T) {
	for name, body := range map[string]string{
		"duplicate data, the last says done": `{"status":0,"seqNum":"1","data":{"tid":"T","code":50004},"data":{"tid":"T","code":0}}`,
		"escaped duplicate \\u0063ode":       `{"status":0,"seqNum":"1","data":{"code":50004,"\u0063ode":0}}`,
		"escaped duplicate \\u0073tatus":     `{"status":2,"\u0073tatus":0,"seqNum":"1","data":{"code":0}}`,
		"code \\u0000":                       `{"status":0,"seqNum":"1","data":{"code":"\u0000"}}`,
		"code zero-width space":              `{"status":0,"seqNum":"1","data":{"code":"\u200b"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			c := answeringServer(t, 200, func(url.Values) string { return body })
			res, err := c.GetFund(context.Background(), "T")
			if err == nil {
				t.Errorf("read as success: code %d", res.Code)
			}
		})
	}
}

// tidObserver keeps the tid of every report that carries one, and the wake-ups.
type tidObserver struct {
	mu    sync.Mutex
	tids  []string
	woken []WakeInfo
}

func (o *tidObserver) keep(event, tid string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.tids = append(o.tids, event+" "+tid)
}
func (o *tidObserver) StartQuery(ctx context.Context, q QueryInfo) context.Context { return ctx }
func (o *tidObserver) EndQuery(_ context.Context, q QueryInfo)                     { o.keep("EndQuery", q.TID) }
func (o *tidObserver) StartCall(ctx context.Context, c CallInfo) context.Context   { return ctx }
func (o *tidObserver) Attempt(context.Context, AttemptInfo)                        {}
func (o *tidObserver) EndCall(_ context.Context, c CallInfo)                       { o.keep("EndCall", c.TID) }
func (o *tidObserver) TaskBilled(_ context.Context, t TaskInfo)                    { o.keep("TaskBilled", t.TID) }
func (o *tidObserver) TaskEnded(_ context.Context, t TaskInfo)                     { o.keep("TaskEnded", t.TID) }
func (o *tidObserver) Woken(_ context.Context, w WakeInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.woken = append(o.woken, w)
}

func TestGetFundKeepsTheTIDAskedFor(t *testing.T) {
	t.Parallel()
	const asked, idCard = "1fd9700a4daa4d0298add243380a3c77", "110101199001011234"
	tests := []struct {
		name, data string
	}{
		{"call error", `{"code":-9,"tid":"` + idCard + `"}`},
		{"task failed", `{"code":50001,"message":"x","tid":"` + idCard + `"}`},
		{"report", `{"code":0,"tid":"` + idCard + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			obs, rec := &tidObserver{}, &memRecorder{}
			c, mt := newMockClient(t, WithObserver(obs), WithBillingRecorder(rec))
			recordBody(mt, "getFundB", http.StatusOK, envelopeJSON(0, "成功", "0951000000000009", tt.data))

			res, err := c.Wait(context.Background(), asked, WithPollInterval(time.Millisecond, time.Millisecond))
			require.NotNil(t, res)
			assert.Equal(t, asked, res.TID)
			var te *TaskError
			if errors.As(err, &te) {
				assert.Equal(t, asked, te.TID)
			}
			require.NotEmpty(t, obs.tids)
			for _, e := range obs.tids {
				assert.Equal(t, asked, e[strings.IndexByte(e, ' ')+1:], e)
			}
			for _, e := range rec.all() {
				assert.Equal(t, asked, e.TID, e.Kind)
			}
		})
	}
}
