package tcredit

import (
	"bytes"
	"net/http"
	"reflect"
	"strings"

	"github.com/tcredit-go/tcredit/internal/wire"
)

// Amount is a sum of money in fen (分), the hundredth of a yuan. It is read exactly from
// the decimal text a server sends, with no floating-point step: 4391.67 is 439167 fen
// and 309.46000000000004 is 30946. Digits past the fen are rounded half away from zero.
type Amount int64

// Amounts are read by the decoder itself, exactly as UnmarshalJSON reads them, without
// a call through an interface per value.
func init() { wire.RegisterFen(reflect.TypeOf(Amount(0))) }

// ParseAmount reads decimal yuan text ("4391.67", "-0.05", "1e3") as an Amount.
// Surrounding white space is ignored; an empty string is an error.
func ParseAmount(s string) (Amount, error) {
	fen, err := wire.ParseFen(strings.TrimSpace(s))
	if err != nil {
		return 0, &AmountError{Text: s, Err: err}
	}
	return Amount(fen), nil
}

// Yuan returns the amount in yuan as a float64, for display and statistics only: sums
// and comparisons belong in fen.
func (a Amount) Yuan() float64 { return float64(a) / 100 }

// String returns the amount in yuan with two decimal places: "4391.67", "-0.05".
func (a Amount) String() string { return wire.FormatFen(int64(a)) }

// Grouped returns the amount in yuan with two decimal places and its thousands
// separated by commas, for people to read: "30,886.59", "-1,200.00", "0.05".
func (a Amount) Grouped() string {
	s := a.String()
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	whole, frac := s[:len(s)-3], s[len(s)-3:]
	b := make([]byte, 0, len(s)+len(s)/3+1)
	b = append(b, sign...)
	for i := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, whole[i])
	}
	return string(append(b, frac...))
}

// MarshalJSON writes the amount as a JSON number in yuan with two decimal places.
func (a Amount) MarshalJSON() ([]byte, error) {
	return wire.AppendFen(nil, int64(a)), nil
}

// UnmarshalJSON reads a JSON number or a numeric string in yuan; "" and null are zero.
func (a *Amount) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*a = 0
		return nil
	}
	if len(b) >= 2 && b[0] == '"' {
		b = bytes.TrimSpace(b[1 : len(b)-1])
		if len(b) == 0 {
			*a = 0
			return nil
		}
	}
	fen, err := wire.ParseFen(b)
	if err != nil {
		return &AmountError{Text: string(b), Err: err}
	}
	*a = Amount(fen)
	return nil
}

// City is one city (or provincial fund centre) that the fund query supports, as listed
// by getFundCitysB.
type City struct {
	AreaCode   string     `json:"area_code"`   // 城市编码
	AreaName   string     `json:"area_name"`   // 城市中文名称
	AreaTips   string     `json:"area_tips"`   // 业务提示
	AreaURL    string     `json:"area_url"`    // 城市登陆首页地址
	AreaStatus CityStatus `json:"area_status"` // 城市维护状态 0:正常可用 1:系统维护 2:开发中
}

// Available reports whether queries can be made for the city now.
func (c City) Available() bool { return c.AreaStatus == CityAvailable }

// LoginMethod is one way of logging in to a city's fund website, as listed by
// getFundCityParamB: the form a person fills in.
type LoginMethod struct {
	AreaCode    string       `json:"area_code"`    // 城市编码
	LoginName   string       `json:"login_name"`   // 登录方式
	LoginType   int          `json:"login_type"`   // 登录方式号码
	LoginParams []LoginParam `json:"login_params"` // 登录所需参数
}

// LoginParam is one field of a login form.
type LoginParam struct {
	Name     string   `json:"name"`     // 登录所需参数名
	Label    string   `json:"label"`    // 登录所需参数说明
	Required bool     `json:"required"` // 登录参数是否必须
	Type     string   `json:"type"`     // 登录参数在HTML中的类型 (text, password, select)
	List     []Choice `json:"list"`     // 下拉框选项 (for a select)
}

// Choice is one option of a select login parameter.
type Choice struct {
	Value string `json:"value"` // 登录参数下拉框数值
	Key   string `json:"key"`   // 登录参数下拉框显示
}

// FundResult is what getFundB returns for a task: its state and, once crawled, the
// report.
type FundResult struct {
	TID        string     `json:"tid"`                               // 任务id
	Code       TaskCode   `json:"code" wire:"unique,nonblank"`       // 任务状态码
	Message    string     `json:"msg"`                               // 接口内部调用错误的消息
	Image      []byte     `json:"base64_image_bytes" wire:"lenient"` // 图片验证码 (decoded), when Code is 10003/10004; nil if not base64
	Missing    []string   `json:"fail"`                              // 缺失数据项: baseInfo, billInfos, loanInfos
	CreateTime string     `json:"createTime"`                        // 爬取时间 (yyyy-MM-dd HH:mm:ss)
	BaseInfo   *BaseInfo  `json:"baseInfo"`                          // 基础信息
	BillInfos  []BillInfo `json:"billInfos"`                         // 缴存信息
	LoanInfos  []LoanInfo `json:"loanInfos"`                         // 贷款信息
}

// UnmarshalJSON reads a getFundB data object with the tolerance real servers need
// (numbers as strings, strings as numbers, padded strings, nulls).
func (r *FundResult) UnmarshalJSON(b []byte) error {
	*r = FundResult{}
	return wire.Decode(b, r)
}

// ImageType reports the MIME type of Image ("image/png", "image/jpeg", ...), or "" when
// there is no image.
func (r *FundResult) ImageType() string { return imageType(r.Image) }

// imageType reports the MIME type of a captcha image, or "" for none.
func imageType(image []byte) string {
	if len(image) == 0 {
		return ""
	}
	return http.DetectContentType(image)
}

// BaseInfo is the account holder's basic fund information (data.baseInfo).
type BaseInfo struct {
	Birthday               string `json:"birthday"`               // 出生日期
	EmployeeName           string `json:"employeeName"`           // 姓名
	HouseFundStatus        string `json:"houseFundStatus"`        // 公积金当前状态 / 当前账户状态
	PersonalMonthPayAmount Amount `json:"personalMonthPayAmount"` // 个人月缴金额
	InYearAddPayAmount     Amount `json:"inYearAddPayAmount"`     // 本年补缴
	Gender                 string `json:"gender"`                 // 性别
	InYearInterest         Amount `json:"inYearInterest"`         // 本年利息
	InYearTransferIn       Amount `json:"inYearTranerin"`         // 本年转入 (the key keeps the document's spelling)
	InYearReceiveAmount    Amount `json:"inYearReceiveAmount"`    // 本年支取
	OpenAccountDate        string `json:"openAccountDate"`        // 开户日期
	IDCard                 string `json:"idCard"`                 // 身份证号
	PayUntilDate           string `json:"payUntilDate"`           // 缴至年月/末次缴存年月
	CompanyName            string `json:"companyName"`            // 公司名称
	CardType               string `json:"cardType"`               // 证件类型
	LastYearBalance        Amount `json:"lastYearBalance"`        // 上年余额
	LastYearInterest       Amount `json:"lastYearInterest"`       // 上年利息
	InYearPayAmount        Amount `json:"inYearPayAmount"`        // 本年缴交
	MonthPayAmount         Amount `json:"monthPayAmount"`         // 月缴总额（个人月缴+单位月缴）
	BindMobile             string `json:"bindMobile"`             // 绑定手机号
	CompanyMonthPayAmount  Amount `json:"companyMonthPayAmount"`  // 单位月缴额
	MonthPayBaseAmount     Amount `json:"monthPayBaseAmount"`     // 月缴基数
	EmployeeAccountNum     string `json:"employeeAccountNum"`     // 职工账号
	HouseFundBalance       Amount `json:"houseFundBalance"`       // 公积金余额
	BankAccount            string `json:"bankAccount"`            // 银行账号/关联银行卡号
	BankName               string `json:"bankName"`               // 缴存银行
	CompanyAccountNum      string `json:"companyAccountNum"`      // 单位账号
	DepositManageDept      string `json:"depositManageDept"`      // 缴存管理部
	BelongOffice           string `json:"belongOffice"`           // 所属办事处
	DepositRatioPersonal   string `json:"depositRatioPersonal"`   // 缴存比例-个人
	DepositRatioCompany    string `json:"depositRatioCompany"`    // 缴存比例-单位
	NameAuth               string `json:"nameAuth"`               // 实名认证信息/实名认证状态
	BindEmail              string `json:"bindEmail"`              // 绑定邮箱
	HouseFundAccount       string `json:"houseFundAccount"`       // 公积金账号
	HomeAddress            string `json:"homeAddress"`            // 通讯地址
}

// BillInfo is one entry of the account's statement (data.billInfos): a contribution,
// interest, a transfer or a withdrawal.
type BillInfo struct {
	Note          string `json:"note"`          // 业务描述/摘要
	PayBase       Amount `json:"payBase"`       // 缴纳基数
	Balance       Amount `json:"balance"`       // 余额
	PayArriveDate string `json:"payArriveDate"` // 入账时间
	InAmount      Amount `json:"inAmount"`      // 转入余额/贷方金额
	CompanyName   string `json:"companyName"`   // 公司名称
	PayMonth      string `json:"payMonth"`      // 缴存年月/所属月份
	OutAmount     Amount `json:"outAmount"`     // 转出余额/借方金额
}

// LoanInfo is one housing loan (data.loanInfos) with its people, repayments and
// overdue periods.
type LoanInfo struct {
	DetailInfo       LoanDetailInfo    `json:"detailInfo"`       // 贷款详情
	LoanRepayerInfos []LoanRepayerInfo `json:"loanRepayerInfos"` // 还款人信息
	LoanRepayInfos   []LoanRepayInfo   `json:"loanRepayInfos"`   // 还款明细
	LoanOverdueInfos []LoanOverdueInfo `json:"loanOverdueInfos"` // 逾期明细
}

// LoanDetailInfo describes a housing loan (data.loanInfos.detailInfo).
type LoanDetailInfo struct {
	LoanName               string `json:"loanName"`               // 贷款人姓名
	LoanIDCard             string `json:"loanIDCard"`             // 贷款人身份证号
	LoanPhone              string `json:"loanPhone"`              // 贷款人手机
	Address                string `json:"address"`                // 贷款人通讯地址
	HouseAddress           string `json:"houseAddress"`           // 贷款购房的房屋地址
	CompanyName            string `json:"companyName"`            // 单位名称
	BankName               string `json:"bankName"`               // 受托银行/受理银行
	BankAccount            string `json:"bankAccount"`            // 还款账户
	LoanNum                string `json:"loanNum"`                // 贷款合同编号/委托书编号
	LoanAmount             Amount `json:"loanAmount"`             // 贷款金额
	LoanType               string `json:"loanType"`               // 贷款类型
	LoanLength             string `json:"loanLength"`             // 贷款年限
	LoanRate               string `json:"loanRate"`               // 贷款利率
	LoanStatus             string `json:"loanStatus"`             // 还款状态
	LoanDate               string `json:"loanDate"`               // 放款日期/签约日期
	LoanEndDate            string `json:"loanEndDate"`            // 贷款结束日期
	HouseType              string `json:"houseType"`              // 购房类型
	GuaranteeType          string `json:"guaranteeType"`          // 担保方式
	PaymentType            string `json:"paymentType"`            // 还款方式
	PaymentDay             string `json:"paymentDay"`             // 月还款日期
	PaymentAmount          Amount `json:"paymentAmount"`          // 月还款金额
	DuePrincipal           Amount `json:"duePrincipal"`           // 已还本金
	OverdueAmount          Amount `json:"overdueAmount"`          // 逾期金额
	LoanBalance            Amount `json:"loanBalance"`            // 贷款余额
	HisOverdueCount        int    `json:"hisOverdueCount"`        // 历史逾期期数
	RepayInterest          Amount `json:"repayInterest"`          // 已还利息
	MonthLowestRepay       Amount `json:"monthLowestRepay"`       // 月最低还款
	CurrentOverdueInterest Amount `json:"currentOverdueInterest"` // 当前逾期利息
	CurrentOverdueCount    int    `json:"currentOverdueCount"`    // 当前逾期期数
	HisOverdueAmount       Amount `json:"hisOverdueAmount"`       // 历史逾期金额
	IsMonthHedge           string `json:"isMonthHedge"`           // 是否办理月对冲/冲还贷方式
	GjjLoanNum             string `json:"gjjLoanNum"`             // 公积金贷款账号
	CommercialLoanNum      string `json:"commercialLoanNum"`      // 商业贷款账号
	ReceivePunishInterest  Amount `json:"receivePunishInterest"`  // 已收罚息
	LoanApplyStatus        string `json:"loanApplyStatus"`        // 贷款申请状态
}

// LoanRepayerInfo is a person who repays a loan (data.loanInfos.loanRepayerInfos).
type LoanRepayerInfo struct {
	RepayNo         string `json:"repayNo"`         // 还款人 - 还款顺序
	RepayName       string `json:"repayname"`       // 还款人 - 姓名
	IDCard          string `json:"idCard"`          // 还款人 - 身份证号
	Phone           string `json:"phone"`           // 还款人 - 手机号
	CorporationName string `json:"corporationName"` // 还款人 - 工作单位
	BankAccount     string `json:"bankAccount"`     // 还款人 - 银行账号
	Relation        string `json:"relation"`        // 还款人 - 与申请人的关系
	SignDate        string `json:"signDate"`        // 还款人 - 签约日期
}

// LoanRepayInfo is one repayment of a loan (data.loanInfos.loanRepayInfos).
type LoanRepayInfo struct {
	Date                string `json:"date"`                // 还款日期
	RepayMonth          string `json:"repayMonth"`          // 还款期次
	Principal           Amount `json:"principal"`           // 偿还本金
	Interest            Amount `json:"interest"`            // 偿还利息
	Sum                 Amount `json:"sum"`                 // 本息合计
	BankDeduction       Amount `json:"bankDeduction"`       // 银行扣款
	SelfHedge           Amount `json:"selfHedge"`           // 本人公积金对冲
	MateHedge           Amount `json:"mateHedge"`           // 配偶公积金对冲
	Balance             Amount `json:"balance"`             // 本金余额
	Describe            string `json:"describe"`            // 还款描述
	RepayPunishInterest Amount `json:"repayPunishInterest"` // 偿还罚息
}

// LoanOverdueInfo is one overdue period of a loan (data.loanInfos.loanOverdueInfos).
type LoanOverdueInfo struct {
	Date           string `json:"date"`           // 逾期日期
	Principal      Amount `json:"principal"`      // 逾期本金
	Interest       Amount `json:"interest"`       // 逾期利息
	Penalty        Amount `json:"penalty"`        // 逾期罚息
	OverdueBalance Amount `json:"overdueBalance"` // 逾期余额
	Summary        Amount `json:"summary"`        // 合计
}
