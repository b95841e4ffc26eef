package bench

// The SDK's report types (types.go) with other field types, field for field, as the
// comparison benchmarks decode them with the fast libraries.

// The report in tolerant types (t…): amounts to fen from a number or a string, strings
// and counts from either. What goccy/go-json and sonic decode a report with variance into.

type tFundResult struct {
	TID        tstr        `json:"tid"`
	Code       tint        `json:"code"`
	Msg        tstr        `json:"msg"`
	Image      []byte      `json:"base64_image_bytes"`
	Fail       []tstr      `json:"fail"`
	CreateTime tstr        `json:"createTime"`
	BaseInfo   *tBaseInfo  `json:"baseInfo"`
	BillInfos  []tBillInfo `json:"billInfos"`
	LoanInfos  []tLoanInfo `json:"loanInfos"`
}

type tBaseInfo struct {
	Birthday               tstr `json:"birthday"`
	EmployeeName           tstr `json:"employeeName"`
	HouseFundStatus        tstr `json:"houseFundStatus"`
	PersonalMonthPayAmount tfen `json:"personalMonthPayAmount"`
	InYearAddPayAmount     tfen `json:"inYearAddPayAmount"`
	Gender                 tstr `json:"gender"`
	InYearInterest         tfen `json:"inYearInterest"`
	InYearTranerin         tfen `json:"inYearTranerin"`
	InYearReceiveAmount    tfen `json:"inYearReceiveAmount"`
	OpenAccountDate        tstr `json:"openAccountDate"`
	IDCard                 tstr `json:"idCard"`
	PayUntilDate           tstr `json:"payUntilDate"`
	CompanyName            tstr `json:"companyName"`
	CardType               tstr `json:"cardType"`
	LastYearBalance        tfen `json:"lastYearBalance"`
	LastYearInterest       tfen `json:"lastYearInterest"`
	InYearPayAmount        tfen `json:"inYearPayAmount"`
	MonthPayAmount         tfen `json:"monthPayAmount"`
	BindMobile             tstr `json:"bindMobile"`
	CompanyMonthPayAmount  tfen `json:"companyMonthPayAmount"`
	MonthPayBaseAmount     tfen `json:"monthPayBaseAmount"`
	EmployeeAccountNum     tstr `json:"employeeAccountNum"`
	HouseFundBalance       tfen `json:"houseFundBalance"`
	BankAccount            tstr `json:"bankAccount"`
	BankName               tstr `json:"bankName"`
	CompanyAccountNum      tstr `json:"companyAccountNum"`
	DepositManageDept      tstr `json:"depositManageDept"`
	BelongOffice           tstr `json:"belongOffice"`
	DepositRatioPersonal   tstr `json:"depositRatioPersonal"`
	DepositRatioCompany    tstr `json:"depositRatioCompany"`
	NameAuth               tstr `json:"nameAuth"`
	BindEmail              tstr `json:"bindEmail"`
	HouseFundAccount       tstr `json:"houseFundAccount"`
	HomeAddress            tstr `json:"homeAddress"`
}

type tBillInfo struct {
	Note          tstr `json:"note"`
	PayBase       tfen `json:"payBase"`
	Balance       tfen `json:"balance"`
	PayArriveDate tstr `json:"payArriveDate"`
	InAmount      tfen `json:"inAmount"`
	CompanyName   tstr `json:"companyName"`
	PayMonth      tstr `json:"payMonth"`
	OutAmount     tfen `json:"outAmount"`
}

type tLoanInfo struct {
	DetailInfo       tLoanDetailInfo    `json:"detailInfo"`
	LoanRepayerInfos []tLoanRepayerInfo `json:"loanRepayerInfos"`
	LoanRepayInfos   []tLoanRepayInfo   `json:"loanRepayInfos"`
	LoanOverdueInfos []tLoanOverdueInfo `json:"loanOverdueInfos"`
}

type tLoanDetailInfo struct {
	LoanName               tstr `json:"loanName"`
	LoanIDCard             tstr `json:"loanIDCard"`
	LoanPhone              tstr `json:"loanPhone"`
	Address                tstr `json:"address"`
	HouseAddress           tstr `json:"houseAddress"`
	CompanyName            tstr `json:"companyName"`
	BankName               tstr `json:"bankName"`
	BankAccount            tstr `json:"bankAccount"`
	LoanNum                tstr `json:"loanNum"`
	LoanAmount             tfen `json:"loanAmount"`
	LoanType               tstr `json:"loanType"`
	LoanLength             tstr `json:"loanLength"`
	LoanRate               tstr `json:"loanRate"`
	LoanStatus             tstr `json:"loanStatus"`
	LoanDate               tstr `json:"loanDate"`
	LoanEndDate            tstr `json:"loanEndDate"`
	HouseType              tstr `json:"houseType"`
	GuaranteeType          tstr `json:"guaranteeType"`
	PaymentType            tstr `json:"paymentType"`
	PaymentDay             tstr `json:"paymentDay"`
	PaymentAmount          tfen `json:"paymentAmount"`
	DuePrincipal           tfen `json:"duePrincipal"`
	OverdueAmount          tfen `json:"overdueAmount"`
	LoanBalance            tfen `json:"loanBalance"`
	HisOverdueCount        tint `json:"hisOverdueCount"`
	RepayInterest          tfen `json:"repayInterest"`
	MonthLowestRepay       tfen `json:"monthLowestRepay"`
	CurrentOverdueInterest tfen `json:"currentOverdueInterest"`
	CurrentOverdueCount    tint `json:"currentOverdueCount"`
	HisOverdueAmount       tfen `json:"hisOverdueAmount"`
	IsMonthHedge           tstr `json:"isMonthHedge"`
	GjjLoanNum             tstr `json:"gjjLoanNum"`
	CommercialLoanNum      tstr `json:"commercialLoanNum"`
	ReceivePunishInterest  tfen `json:"receivePunishInterest"`
	LoanApplyStatus        tstr `json:"loanApplyStatus"`
}

type tLoanRepayerInfo struct {
	RepayNo         tstr `json:"repayNo"`
	RepayName       tstr `json:"repayname"`
	IDCard          tstr `json:"idCard"`
	Phone           tstr `json:"phone"`
	CorporationName tstr `json:"corporationName"`
	BankAccount     tstr `json:"bankAccount"`
	Relation        tstr `json:"relation"`
	SignDate        tstr `json:"signDate"`
}

type tLoanRepayInfo struct {
	Date                tstr `json:"date"`
	RepayMonth          tstr `json:"repayMonth"`
	Principal           tfen `json:"principal"`
	Interest            tfen `json:"interest"`
	Sum                 tfen `json:"sum"`
	BankDeduction       tfen `json:"bankDeduction"`
	SelfHedge           tfen `json:"selfHedge"`
	MateHedge           tfen `json:"mateHedge"`
	Balance             tfen `json:"balance"`
	Describe            tstr `json:"describe"`
	RepayPunishInterest tfen `json:"repayPunishInterest"`
}

type tLoanOverdueInfo struct {
	Date           tstr `json:"date"`
	Principal      tfen `json:"principal"`
	Interest       tfen `json:"interest"`
	Penalty        tfen `json:"penalty"`
	OverdueBalance tfen `json:"overdueBalance"`
	Summary        tfen `json:"summary"`
}
