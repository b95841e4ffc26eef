package tcredit_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tcredit-go/tcredit"
)

// BenchmarkCreateTaskBilling measures what the billing record adds to a create: none
// (the baseline), a recorder in memory, and a BillingLog, which syncs the file to disk
// twice per create (the attempt and the outcome). The API answers in process.
func BenchmarkCreateTaskBilling(b *testing.B) {
	for _, bc := range []struct {
		name string
		rec  func(b *testing.B) tcredit.BillingRecorder
	}{
		{"none", nil},
		{"memory", func(*testing.B) tcredit.BillingRecorder { return discardRecorder{} }},
		{"log", func(b *testing.B) tcredit.BillingRecorder {
			l, err := tcredit.OpenBillingLog(filepath.Join(b.TempDir(), "billing.jsonl"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { l.Close() })
			return l
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			opts := []tcredit.Option{tcredit.WithHTTPClient(exampleHTTPClient(nil))}
			if bc.rec != nil {
				opts = append(opts, tcredit.WithBillingRecorder(bc.rec(b)))
			}
			client, err := tcredit.NewClient("APP-0001", "TOKEN-123", opts...)
			if err != nil {
				b.Fatal(err)
			}
			req := tcredit.CreateTaskRequest{AreaCode: "330100", LoginType: 1, Account: "zhangsan", Password: "secret"}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := client.CreateTask(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// discardRecorder records nothing.
type discardRecorder struct{}

func (discardRecorder) RecordBilling(context.Context, tcredit.BillingEvent) error { return nil }
