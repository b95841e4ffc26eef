package fakefund_test

import (
	"encoding/json"
	"fmt"

	"github.com/tcredit-go/tcredit/internal/fakefund"
)

// A report for the sandbox: the facts a summary must find, and the JSON members that
// go between a getFundB data object's braces.
func ExampleGenerate() {
	r := fakefund.Generate(fakefund.Profile{Seed: 42})
	t := r.Truth
	fmt.Println("latest:", t.Latest, "consecutive:", t.Consecutive, "of", len(t.ContributedMonths), "paid")
	fmt.Println("balance:", t.FinalBalance == r.Base.HouseFundBalance)
	for _, e := range t.Employers {
		fmt.Println("employer:", e.First, e.Last)
	}
	fmt.Println("loans:", len(r.Loans), r.Loans[0].Detail.PaymentType, "overdue periods:", t.OverduePeriods)

	data := []byte(`{"code":"40001","msg":"爬取结束",`)
	data = r.AppendJSON(data, fakefund.JSONOptions{Variance: true})
	data = append(data, '}')
	fmt.Println("valid JSON:", json.Valid(data))
	// Output:
	// latest: 2017-07 consecutive: 36 of 36 paid
	// balance: true
	// employer: 2014-08 2015-08
	// employer: 2015-09 2017-07
	// loans: 1 等额本息 overdue periods: 1
	// valid JSON: true
}
