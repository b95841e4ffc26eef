package tcredit_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"

	"github.com/jarcoal/httpmock"

	"github.com/tcredit-go/tcredit"
)

// exampleHTTPClient returns an HTTP client that answers like the API: each endpoint
// with the document's example (testdata/<endpoint>.json) unless answers overrides it.
// The examples run on it, so that they never leave the process.
func exampleHTTPClient(answers map[string]string) *http.Client {
	mt := httpmock.NewMockTransport()
	for _, endpoint := range []string{"getFundCitysB", "getFundCityParamB", "createFundSearchTaskB", "getFundB", "fundUserCode"} {
		body, ok := answers[endpoint]
		if !ok {
			b, err := os.ReadFile(filepath.Join("testdata", endpoint+".json"))
			if err != nil {
				panic(err)
			}
			body = string(b)
		}
		mt.RegisterResponder(http.MethodPost, tcredit.DefaultBaseURL+"/identity/"+endpoint, httpmock.NewStringResponder(http.StatusOK, body))
	}
	return &http.Client{Transport: mt}
}

// exampleClient returns a Client on exampleHTTPClient(answers).
func exampleClient(answers map[string]string) *tcredit.Client {
	client, err := tcredit.NewClient("APP-0001", "TOKEN-123", tcredit.WithHTTPClient(exampleHTTPClient(answers)))
	if err != nil {
		panic(err)
	}
	return client
}

func ExampleNewClient() {
	client, err := tcredit.NewClient("APP-0001", "TOKEN-123",
		tcredit.WithBaseURL("https://api.tcredit.com"),
		tcredit.WithUserAgent("lender-app/2.3"),
		tcredit.WithHTTPClient(exampleHTTPClient(nil)), // leave out for the default client
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client) // never shows the tokenId

	_, err = tcredit.NewClient("APP-0001", "TOKEN-123", tcredit.WithBaseURL("api.tcredit.com"))
	fmt.Println(err)
	// Output:
	// tcredit.Client{appId: APP-0001, baseURL: https://api.tcredit.com}
	// tcredit: NewClient: base URL "api.tcredit.com" is not an absolute http(s) URL
}

func ExampleDefaultRetryPolicy() {
	policy := tcredit.DefaultRetryPolicy()
	policy.MaxAttempts = 2 // one retry at most; the default waits otherwise
	client, err := tcredit.NewClient("APP-0001", "TOKEN-123", tcredit.WithRetry(policy))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client, policy.BaseDelay, policy.MaxDelay)
	// Output:
	// tcredit.Client{appId: APP-0001, baseURL: http://api.tcredit.com} 200ms 5s
}

func ExampleClient_Cities() {
	client := exampleClient(nil)
	cities, err := client.Cities(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range cities {
		fmt.Printf("%s %s: %s, available %t\n", c.AreaCode, c.AreaName, c.AreaStatus, c.Available())
	}
	// Output:
	// 310000 杭州: 系统维护, available false
	// 310000S 浙江省直: 正常可用, available true
}

func ExampleClient_LoginMethods() {
	client := exampleClient(nil)
	methods, err := client.LoginMethods(context.Background(), "310000")
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range methods {
		fmt.Printf("login_type %d: %s\n", m.LoginType, m.LoginName)
		for _, p := range m.LoginParams {
			fmt.Printf("  %s (%s), %s, required %t\n", p.Name, p.Label, p.Type, p.Required)
			for _, choice := range p.List {
				fmt.Printf("    %s = %s\n", choice.Value, choice.Key)
			}
		}
	}
	// Output:
	// login_type 1: 客户号
	//   account (客户号), text, required true
	//   password (密码), password, required true
	//   sub_area (缴存网点), select, required true
	//     1 = 市中心(含各县区)
	//     2 = 马钢分中心
}

func ExampleClient_CreateTask() {
	client := exampleClient(nil)
	tid, err := client.CreateTask(context.Background(), tcredit.CreateTaskRequest{
		AreaCode:  "310000",
		LoginType: 1,
		Account:   "zhangsan",
		Password:  "p@ss word",
		SubArea:   "1",
	})
	if errors.Is(err, tcredit.ErrOutcomeUnknown) {
		// The task may exist and be billed: do not create another one blindly.
		log.Fatal(err)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("tid:", tid)
	// Output:
	// tid: 457e345272624ac294ff9dc675807dc9
}

func ExampleClient_GetFund() {
	client := exampleClient(nil)
	res, err := client.GetFund(context.Background(), "1fd9700a4daa4d0298add243380a3c77")
	if err != nil {
		log.Fatal(err)
	}
	if !res.Code.Done() {
		fmt.Println("not yet:", res.Code)
		return
	}
	b := res.BaseInfo
	fmt.Println(b.EmployeeName, b.CompanyName, "monthly", b.MonthPayAmount, "base", b.MonthPayBaseAmount)
	for _, bill := range res.BillInfos[:2] {
		fmt.Println(bill.PayArriveDate, bill.Note, bill.InAmount, "balance", bill.Balance)
	}
	for _, loan := range res.LoanInfos {
		d := loan.DetailInfo
		fmt.Println("loan", d.LoanAmount, "balance", d.LoanBalance, "overdue periods", d.HisOverdueCount)
		for _, o := range loan.LoanOverdueInfos {
			fmt.Println("overdue", o.Date, "principal", o.Principal, "penalty", o.Penalty)
		}
	}
	// Output:
	// 马蓉 湖南医药 monthly 1054.00 base 4391.67
	// 2017-07-27 汇缴201707公积金(个人单位) 1054.00 balance 66903.69
	// 2017-06-30 年度结息 891.89 balance 65849.69
	// loan 220000.00 balance 31209.86 overdue periods 1
	// overdue 201512 principal 309.46 penalty 1.09
}

func ExampleClient_SubmitCode() {
	client := exampleClient(map[string]string{
		"getFundB": `{"status":0,"message":"成功","seqNum":"1","data":{"code":10003,"msg":"等待用户输入短信"}}`,
	})
	ctx := context.Background()
	const tid = "457e345272624ac294ff9dc675807dc9"
	res, err := client.GetFund(ctx, tid)
	if err != nil {
		log.Fatal(err)
	}
	if res.Code.NeedsSMS() {
		code := "739201" // what the person typed
		if err := client.SubmitCode(ctx, tid, code); err != nil {
			log.Fatal(err)
		}
		fmt.Println("SMS code passed on for task", tid)
	}
	// Output:
	// SMS code passed on for task 457e345272624ac294ff9dc675807dc9
}

func ExampleSign() {
	key := tcredit.Sign("http://api.tcredit.com/identity/getFundCityParamB", "TOKEN-123",
		map[string]string{"area_code": "310000"})
	fmt.Println(key)
	// Output:
	// a12fb33411dd4034bef8954f7d5815dc
}

func ExampleParseAmount() {
	a, err := tcredit.ParseAmount("309.46000000000004")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(int64(a), "fen, or", a, "yuan")

	_, err = tcredit.ParseAmount("abc")
	fmt.Println(err)
	// Output:
	// 30946 fen, or 309.46 yuan
	// tcredit: cannot read "abc" as an amount: not a decimal number
}

func ExampleAmount_String() {
	fmt.Println(tcredit.Amount(439167))
	fmt.Println(tcredit.Amount(-5).String())
	fmt.Println(tcredit.Amount(439167).Yuan())
	// Output:
	// 4391.67
	// -0.05
	// 4391.67
}

func ExampleAmount_Grouped() {
	fmt.Println("¥" + tcredit.Amount(3088659).Grouped())
	fmt.Println(tcredit.Amount(-123456789).Grouped())
	// Output:
	// ¥30,886.59
	// -1,234,567.89
}

func ExampleAPIError() {
	client := exampleClient(map[string]string{
		"getFundCitysB": `{"status":5,"message":"TokenKey验证失败","seqNum":"0951507659400005","data":null}`,
	})
	_, err := client.Cities(context.Background())
	fmt.Println(errors.Is(err, tcredit.ErrTokenKey))

	var apiErr *tcredit.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Endpoint, apiErr.Status, int(apiErr.Status), apiErr.SeqNum)
	}
	// Output:
	// true
	// getFundCitysB TokenKey验证失败 5 0951507659400005
}

func ExampleTaskError() {
	client := exampleClient(map[string]string{
		"getFundB": `{"status":0,"message":"成功","seqNum":"1","data":{"code":50004,"msg":"用户名密码输入错误"}}`,
	})
	res, err := client.GetFund(context.Background(), "457e345272624ac294ff9dc675807dc9")
	var taskErr *tcredit.TaskError
	if errors.As(err, &taskErr) {
		fmt.Println(taskErr.Code == tcredit.CodeBadCredentials, taskErr.Code, res.Code.Failed())
	}
	// Output:
	// true 登录失败,用户名密码输入错误 true
}

func ExampleMaskIDCard() {
	fmt.Println(tcredit.MaskIDCard("430102198001011234"), tcredit.MaskMobile("13812348000"), tcredit.MaskName("张三"))
	// Output:
	// 4301**********1234 138****8000 张*
}
