package summary_test

import (
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/summary"
)

// A report as GetFund returns it, summarised on the day of the decision. The statement
// arrives newest first; 2017-05 was paid late, and the June interest is not a
// contribution.
func ExampleOf() {
	var res tcredit.FundResult
	err := json.Unmarshal([]byte(`{
		"code": 40001,
		"baseInfo": {"houseFundStatus": "正常", "houseFundBalance": 66903.69,
			"openAccountDate": "2005-07-01", "companyName": "湖南医药",
			"monthPayAmount": 1054, "monthPayBaseAmount": 4391.67},
		"billInfos": [
			{"note": "汇缴201707公积金(个人单位)", "payMonth": "2017-07", "payArriveDate": "2017-07-27",
				"inAmount": 1054, "balance": 66903.69, "companyName": "湖南医药"},
			{"note": "补缴201705公积金", "payArriveDate": "2017-07-03",
				"inAmount": 1054, "balance": 65849.69, "companyName": "湖南医药"},
			{"note": "年度结息", "payArriveDate": "2017-06-30", "inAmount": 891.89, "balance": 64795.69},
			{"note": "汇缴201706公积金", "payMonth": "2017-06", "payArriveDate": "2017-06-19",
				"inAmount": 1054, "balance": 63903.8, "companyName": "湖南医药"}
		],
		"loanInfos": [{"detailInfo": {"loanStatus": "正常", "loanBalance": 31209.86,
			"monthLowestRepay": 185.77, "hisOverdueCount": 1, "hisOverdueAmount": 309.46}}]
	}`), &res)
	if err != nil {
		log.Fatal(err)
	}
	china := time.FixedZone("CST", 8*3600) // or time.LoadLocation("Asia/Shanghai")
	s := summary.Of(&res, time.Date(2017, 8, 5, 0, 0, 0, 0, china))

	fmt.Println("status:", s.Account.Status, "balance:", s.Account.Balance)
	c := s.Contributions
	fmt.Println("latest:", c.Latest, "consecutive:", c.Consecutive, "last 12 months:", c.Last12)
	fmt.Println("base:", c.Base, "monthly:", c.MonthlyTotal, "employer:", s.CurrentEmployer)
	fmt.Println("loans outstanding:", s.Loans.Outstanding, "overdue periods:", s.Loans.OverdueHistoryPeriods)
	fmt.Println("unsorted:", s.Quality.Unsorted, "balance mismatches:", s.Quality.BalanceMismatches)
	// Output:
	// status: Active balance: 66903.69
	// latest: 2017-07 consecutive: 3 last 12 months: 3
	// base: 4391.67 monthly: 1054.00 employer: 湖南医药
	// loans outstanding: 31209.86 overdue periods: 1
	// unsorted: false balance mismatches: 0
}
