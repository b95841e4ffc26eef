package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/tcredit-go/tcredit"
	"github.com/tcredit-go/tcredit/ledger"
)

// The examples of a Ledger need a PostgreSQL database, so they are compiled but not
// run; the tests run the same calls on a real one. ExampleReadStatement runs.

func ExampleReadStatement() {
	// A provider's own layout, read by naming its columns.
	const invoice = `订单号,应用,城市,创建时间,是否计费
3f2a9c,APP-0001,110100,2026-03-15 10:04:05,是
9c1e07,APP-0001,330100,2026-03-15 23:59:59,否
`
	st, err := ledger.ReadStatement(strings.NewReader(invoice), ledger.Columns{
		"tid": "订单号", "app_id": "应用", "area_code": "城市", "created_at": "创建时间", "charged": "是否计费",
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, row := range st.Rows {
		fmt.Println(row.TID, row.AppID, row.AreaCode, row.CreatedAt.Format(time.RFC3339), row.Charged)
	}
	// Output:
	// 3f2a9c APP-0001 110100 2026-03-15T10:04:05+08:00 true
	// 9c1e07 APP-0001 330100 2026-03-15T23:59:59+08:00 false
}

func ExampleOpen() {
	ctx := context.Background()
	l, err := ledger.Open(ctx, os.Getenv("TCREDIT_LEDGER_DSN"), ledger.WithDailyLimit(5000))
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()

	// Every replica gives its client the ledger: each create is recorded before it is
	// sent, and the 5001st of a China-time day is refused without being sent.
	client, err := tcredit.NewClient(os.Getenv("TCREDIT_APP_ID"), os.Getenv("TCREDIT_TOKEN_ID"),
		tcredit.WithBillingRecorder(l))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Query(ctx, tcredit.CreateTaskRequest{AreaCode: "110100", LoginType: 1, Account: "zhangsan", Password: "secret"})
	if errors.Is(err, tcredit.ErrBillingLimit) {
		fmt.Println("today's creates are spent")
	}

	today := time.Now()
	s, err := l.Summary(ctx, ledger.Period{From: today, To: today}, ledger.ByArea)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("created %d, charged %d, rolled back %d, open %d\n", s.Created, s.Succeeded, s.RolledBack, s.Open)
}

func ExampleLedger_Settle() {
	ctx := context.Background()
	l, err := ledger.Open(ctx, os.Getenv("TCREDIT_LEDGER_DSN"))
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	client, err := tcredit.NewClient(os.Getenv("TCREDIT_APP_ID"), os.Getenv("TCREDIT_TOKEN_ID"))
	if err != nil {
		log.Fatal(err)
	}
	// Run now and then, such as every hour: the tasks whose end no process recorded
	// (one stopped between the create and the end) are read, and their ends recorded.
	s, err := l.Settle(ctx, client)
	if err != nil {
		log.Print(err) // the tasks that could not be read stay open for the next run
	}
	fmt.Printf("%d open tasks: %d succeeded, %d failed, %d still open\n", s.Checked, s.Succeeded, s.Failed, s.Open)
}

func ExampleLedger_Reconcile() {
	ctx := context.Background()
	l, err := ledger.Open(ctx, os.Getenv("TCREDIT_LEDGER_DSN"))
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	f, err := os.Open("statement.csv")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	// A statement whose columns have other names is read with a map of them, such as
	// ledger.Columns{"tid": "订单号", "created_at": "创建时间", "charged": "是否计费"}.
	st, err := ledger.ReadStatement(f, nil)
	if err != nil {
		log.Fatal(err)
	}
	rec, err := l.Reconcile(ctx, st)
	if err != nil {
		log.Fatal(err)
	}
	for _, tid := range rec.RefundDue {
		fmt.Println("charged although it failed:", tid)
	}
	for _, p := range rec.ResolvedUnknown {
		fmt.Println("the create of unknown outcome", p.Attempt, "made task", p.TID)
	}
}

func ExampleLedger_Import() {
	ctx := context.Background()
	l, err := ledger.Open(ctx, os.Getenv("TCREDIT_LEDGER_DSN"))
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	f, err := os.Open("billing.jsonl") // written by tcredit.BillingLog, or tcredit --billing-log
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	n, err := l.Import(ctx, f)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d events read, %d new\n", n.Read, n.Added)
}
