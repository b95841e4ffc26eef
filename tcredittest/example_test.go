package tcredittest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/tcredittest"
)

// A test of code that runs a fund query: the sandbox plays the provider, a demo account
// asks for an SMS code, and the code provider answers it.
func ExampleNewServer() {
	srv := tcredittest.NewServer(tcredittest.WithStep(time.Millisecond))
	defer srv.Close()

	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.Query(context.Background(),
		tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: "demo-sms-challenge", Password: "any"},
		tcredit.WithPollInterval(time.Millisecond, 5*time.Millisecond),
		tcredit.WithCodeProvider(func(ctx context.Context, ch tcredit.Challenge) (string, error) {
			return tcredittest.SMSCode, nil
		}),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(int(res.Code), res.Message)
	fmt.Println("billed:", srv.Billed(srv.AppID()))
	// Output:
	// 40001 爬取结束
	// billed: 1
}

// An account of the test's own, with a scenario and the size of its report.
func ExampleHandler_AddAccount() {
	srv := tcredittest.NewServer(tcredittest.WithStep(time.Millisecond))
	defer srv.Close()
	srv.AddAccount(tcredittest.Account{
		Login:    "zhangsan",
		Password: "secret",
		Scenario: tcredittest.ScenarioSuccess,
		Report:   tcredittest.Report{Seed: 42, Months: 120, Loans: 2},
	})

	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.Query(context.Background(),
		tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: "zhangsan", Password: "secret"},
		tcredit.WithPollInterval(time.Millisecond, 5*time.Millisecond),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(int(res.Code), len(res.LoanInfos), "loans")
	// Output: 40001 2 loans
}

// A connection cut after the task was created: the client cannot know whether it was,
// and must not create it again, since every task is billed.
func ExampleHandler_InjectFault() {
	srv := tcredittest.NewServer()
	defer srv.Close()
	srv.InjectFault(tcredittest.Fault{Kind: tcredittest.FaultDropAfter, Endpoint: "createFundSearchTaskB"})

	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.CreateTask(context.Background(),
		tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: "demo-success", Password: "any"})
	fmt.Println(errors.Is(err, tcredit.ErrOutcomeUnknown))
	fmt.Println("tasks:", len(srv.Tasks()), "billed:", srv.Billed(srv.AppID()))
	// Output:
	// true
	// tasks: 1 billed: 1
}

// A test that pins the date of the reports: the sandbox's clock starts on 15 March 2024
// and runs, so tasks move on and their reports end in February 2024.
func ExampleWithClock() {
	start := time.Now()
	day := time.Date(2024, 3, 15, 10, 0, 0, 0, time.FixedZone("CST", 8*60*60))
	srv := tcredittest.NewServer(tcredittest.WithStep(time.Millisecond),
		tcredittest.WithClock(func() time.Time { return day.Add(time.Since(start)) }))
	defer srv.Close()

	client, err := tcredit.NewClient(srv.AppID(), srv.TokenID(), tcredit.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	res, err := client.Query(context.Background(),
		tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: "demo-success", Password: "any"},
		tcredit.WithPollInterval(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.BaseInfo.PayUntilDate, res.CreateTime[:10])
	// Output:
	// 2024-02 2024-03-15
}
