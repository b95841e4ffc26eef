// Package ledger keeps the billing record of tcredit clients in PostgreSQL, for a
// lender's finance and risk teams: what was billed, what is unknown, what was rolled
// back, and whether the provider's statement agrees.
//
// Creating a task (createFundSearchTaskB) is billed, and a task that fails has its
// charge rolled back. A *Ledger is a tcredit.BillingRecorder: give it to each client
// with tcredit.WithBillingRecorder, and the client records every create before it is
// sent (tcredit.BillingAttempt), its outcome (created, unknown or refused) and the
// task's end (succeeded or failed). Several processes may share one database, each
// with a Ledger of its own; an event recorded twice is kept once. A single process
// may instead keep a tcredit.BillingLog, a file of JSON lines, and Import it later.
//
// Open creates or migrates the tables (embedded, versioned SQL, idempotent):
// tcredit_billing_events holds the events, tcredit_billing_attempts is a view of one
// row per attempt, and tcredit_ledger_migrations the versions applied.
//
// # Questions it answers
//
//   - Summary: the creates of a period of China-time days (ChinaTime, +08:00), by day,
//     area code or appId: attempts, created, unknown, refused, succeeded, rolled back,
//     and open (created with no end recorded yet).
//   - Settle: reads every open task with GetFund (not billed) and records its end, so
//     that a process stopped between a create and its end leaves nothing open for long.
//   - Reconcile: compares a provider's Statement with the ledger, listing the tasks to
//     refund, those missing on either side, and which task each create of unknown
//     outcome made.
//
// # Daily limit
//
// WithDailyLimit(n) refuses the attempt beyond n creates in a China-time day, counted
// over every process sharing the database under a lock of the day: the create is not
// sent, and the client's error matches tcredit.ErrBillingLimit.
//
// The tcredit-ledger command (ledger/cmd/tcredit-ledger) does all of this from the
// command line; docs/billing.md describes the statement format.
package ledger
