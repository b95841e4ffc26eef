package tcredit_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tcredit-go/tcredit"
)

// spendCap is a BillingRecorder that prints each event and refuses the attempts past
// a number of creates.
type spendCap struct {
	mu       sync.Mutex
	attempts int
	limit    int
}

func (s *spendCap) RecordBilling(_ context.Context, e tcredit.BillingEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.Kind == tcredit.BillingAttempt {
		if s.attempts == s.limit {
			return fmt.Errorf("%d creates allowed: %w", s.limit, tcredit.ErrBillingLimit)
		}
		s.attempts++
	}
	fmt.Printf("billing: %s tid=%q seqNum=%q\n", e.Kind, e.TID, e.SeqNum)
	return nil
}

func ExampleWithBillingRecorder() {
	client, err := tcredit.NewClient("APP-0001", "TOKEN-123",
		tcredit.WithBillingRecorder(&spendCap{limit: 1}),
		tcredit.WithHTTPClient(exampleHTTPClient(nil)))
	if err != nil {
		log.Fatal(err)
	}
	req := tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "zhangsan", Password: "secret"}
	tid, err := client.CreateTask(context.Background(), req)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.GetFund(context.Background(), tid); err != nil {
		log.Fatal(err)
	}

	_, err = client.CreateTask(context.Background(), req)
	fmt.Println(errors.Is(err, tcredit.ErrBillingLimit))
	// Output:
	// billing: attempt tid="" seqNum=""
	// billing: created tid="457e345272624ac294ff9dc675807dc9" seqNum="0951507659489656"
	// billing: succeeded tid="457e345272624ac294ff9dc675807dc9" seqNum=""
	// true
}

func ExampleOpenBillingLog() {
	dir, err := os.MkdirTemp("", "billing")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "billing.jsonl")

	billing, err := tcredit.OpenBillingLog(name)
	if err != nil {
		log.Fatal(err)
	}
	client, err := tcredit.NewClient("APP-0001", "TOKEN-123",
		tcredit.WithBillingRecorder(billing),
		tcredit.WithHTTPClient(exampleHTTPClient(nil)))
	if err != nil {
		log.Fatal(err)
	}
	req := tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "zhangsan", Password: "secret"}
	if _, err := client.CreateTask(context.Background(), req); err != nil {
		log.Fatal(err)
	}
	if err := billing.Close(); err != nil {
		log.Fatal(err)
	}

	f, err := os.Open(name)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	err = tcredit.ReadBillingLog(f, func(e tcredit.BillingEvent) error {
		fmt.Printf("%s %s %s tid=%q\n", e.Kind, e.AppID, e.AreaCode, e.TID)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// attempt APP-0001 330100 tid=""
	// created APP-0001 330100 tid="457e345272624ac294ff9dc675807dc9"
}

func ExampleReadBillingLog() {
	// Two lines of a billing log, as BillingLog writes them.
	const billingLog = `{"attempt":"3f2a","kind":"attempt","app_id":"APP-0001","area_code":"110100","time":"2026-03-15T10:04:05+08:00"}
{"attempt":"3f2a","kind":"created","app_id":"APP-0001","area_code":"110100","tid":"9c1e","seq_num":"0951507659489656","time":"2026-03-15T10:04:06+08:00"}
`
	err := tcredit.ReadBillingLog(strings.NewReader(billingLog), func(e tcredit.BillingEvent) error {
		fmt.Printf("%s %s tid=%q seqNum=%q at %s\n", e.Kind, e.Attempt, e.TID, e.SeqNum, e.Time.Format("15:04:05"))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// attempt 3f2a tid="" seqNum="" at 10:04:05
	// created 3f2a tid="9c1e" seqNum="0951507659489656" at 10:04:06
}
