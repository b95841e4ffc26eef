package fakefund

// The Plain types mirror a getFundB data object in plain Go types, with float64 money,
// as a user of encoding/json would write them. They read the JSON that AppendJSON
// writes without Variance: the tests check the generator with them, and the SDK's
// benchmarks use them as the hand-written baseline.
type (
	// PlainData is the report sections of a getFundB data object.
	PlainData struct {
		BaseInfo  *PlainBase  `json:"baseInfo"`
		BillInfos []PlainBill `json:"billInfos"`
		LoanInfos []PlainLoan `json:"loanInfos"`
	}
	// PlainBase is baseInfo.
	PlainBase struct {
		Birthday               string  `json:"birthday"`
		EmployeeName           string  `json:"employeeName"`
		HouseFundStatus        string  `json:"houseFundStatus"`
		PersonalMonthPayAmount float64 `json:"personalMonthPayAmount"`
		InYearAddPayAmount     float64 `json:"inYearAddPayAmount"`
		Gender                 string  `json:"gender"`
		InYearInterest         float64 `json:"inYearInterest"`
		InYearTransferIn       float64 `json:"inYearTranerin"`
		InYearReceiveAmount    float64 `json:"inYearReceiveAmount"`
		OpenAccountDate        string  `json:"openAccountDate"`
		IDCard                 string  `json:"idCard"`
		PayUntilDate           string  `json:"payUntilDate"`
		CompanyName            string  `json:"companyName"`
		CardType               string  `json:"cardType"`
		LastYearBalance        float64 `json:"lastYearBalance"`
		LastYearInterest       float64 `json:"lastYearInterest"`
		InYearPayAmount        float64 `json:"inYearPayAmount"`
		MonthPayAmount         float64 `json:"monthPayAmount"`
		BindMobile             string  `json:"bindMobile"`
		CompanyMonthPayAmount  float64 `json:"companyMonthPayAmount"`
		MonthPayBaseAmount     float64 `json:"monthPayBaseAmount"`
		EmployeeAccountNum     string  `json:"employeeAccountNum"`
		HouseFundBalance       float64 `json:"houseFundBalance"`
		BankAccount            string  `json:"bankAccount"`
		BankName               string  `json:"bankName"`
		CompanyAccountNum      string  `json:"companyAccountNum"`
		DepositManageDept      string  `json:"depositManageDept"`
		BelongOffice           string  `json:"belongOffice"`
		DepositRatioPersonal   string  `json:"depositRatioPersonal"`
		DepositRatioCompany    string  `json:"depositRatioCompany"`
		NameAuth               string  `json:"nameAuth"`
		BindEmail              string  `json:"bindEmail"`
		HouseFundAccount       string  `json:"houseFundAccount"`
		HomeAddress            string  `json:"homeAddress"`
	}
	// PlainBill is one row of billInfos.
	PlainBill struct {
		Note          string  `json:"note"`
		PayBase       float64 `json:"payBase"`
		Balance       float64 `json:"balance"`
		PayArriveDate string  `json:"payArriveDate"`
		InAmount      float64 `json:"inAmount"`
		CompanyName   string  `json:"companyName"`
		PayMonth      string  `json:"payMonth"`
		OutAmount     float64 `json:"outAmount"`
	}
	// PlainLoan is one loan of loanInfos.
	PlainLoan struct {
		DetailInfo       PlainDetail    `json:"detailInfo"`
		LoanRepayerInfos []Repayer      `json:"loanRepayerInfos"` // all strings
		LoanRepayInfos   []PlainRepay   `json:"loanRepayInfos"`
		LoanOverdueInfos []PlainOverdue `json:"loanOverdueInfos"`
	}
	// PlainDetail is a loan's detailInfo.
	PlainDetail struct {
		LoanName               string  `json:"loanName"`
		LoanIDCard             string  `json:"loanIDCard"`
		LoanPhone              string  `json:"loanPhone"`
		Address                string  `json:"address"`
		HouseAddress           string  `json:"houseAddress"`
		CompanyName            string  `json:"companyName"`
		BankName               string  `json:"bankName"`
		BankAccount            string  `json:"bankAccount"`
		LoanNum                string  `json:"loanNum"`
		LoanAmount             float64 `json:"loanAmount"`
		LoanType               string  `json:"loanType"`
		LoanLength             string  `json:"loanLength"`
		LoanRate               string  `json:"loanRate"`
		LoanStatus             string  `json:"loanStatus"`
		LoanDate               string  `json:"loanDate"`
		LoanEndDate            string  `json:"loanEndDate"`
		HouseType              string  `json:"houseType"`
		GuaranteeType          string  `json:"guaranteeType"`
		PaymentType            string  `json:"paymentType"`
		PaymentDay             string  `json:"paymentDay"`
		PaymentAmount          float64 `json:"paymentAmount"`
		DuePrincipal           float64 `json:"duePrincipal"`
		OverdueAmount          float64 `json:"overdueAmount"`
		LoanBalance            float64 `json:"loanBalance"`
		HisOverdueCount        int     `json:"hisOverdueCount"`
		RepayInterest          float64 `json:"repayInterest"`
		MonthLowestRepay       float64 `json:"monthLowestRepay"`
		CurrentOverdueInterest float64 `json:"currentOverdueInterest"`
		CurrentOverdueCount    int     `json:"currentOverdueCount"`
		HisOverdueAmount       float64 `json:"hisOverdueAmount"`
		IsMonthHedge           string  `json:"isMonthHedge"`
		GjjLoanNum             string  `json:"gjjLoanNum"`
		CommercialLoanNum      string  `json:"commercialLoanNum"`
		ReceivePunishInterest  float64 `json:"receivePunishInterest"`
		LoanApplyStatus        string  `json:"loanApplyStatus"`
	}
	// PlainRepay is one row of loanRepayInfos.
	PlainRepay struct {
		Date                string  `json:"date"`
		RepayMonth          string  `json:"repayMonth"`
		Principal           float64 `json:"principal"`
		Interest            float64 `json:"interest"`
		Sum                 float64 `json:"sum"`
		BankDeduction       float64 `json:"bankDeduction"`
		SelfHedge           float64 `json:"selfHedge"`
		MateHedge           float64 `json:"mateHedge"`
		Balance             float64 `json:"balance"`
		Describe            string  `json:"describe"`
		RepayPunishInterest float64 `json:"repayPunishInterest"`
	}
	// PlainOverdue is one row of loanOverdueInfos.
	PlainOverdue struct {
		Date           string  `json:"date"`
		Principal      float64 `json:"principal"`
		Interest       float64 `json:"interest"`
		Penalty        float64 `json:"penalty"`
		OverdueBalance float64 `json:"overdueBalance"`
		Summary        float64 `json:"summary"`
	}
)
