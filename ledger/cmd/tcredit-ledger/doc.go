// Command tcredit-ledger keeps the billing record of tcredit clients in PostgreSQL
// (package ledger): it imports the JSON-lines logs of tcredit --billing-log, sums up a
// period, settles the tasks left open, and reconciles a provider's statement.
//
//	tcredit-ledger import FILE
//	tcredit-ledger summary [--from DATE] [--to DATE] [--by day|area|app] [--json]
//	tcredit-ledger settle
//	tcredit-ledger reconcile --statement FILE [--columns MAP] [--price YUAN] [--json]
//
// The database comes from --dsn or TCREDIT_LEDGER_DSN; the ledger's tables are created
// or migrated on first use. settle reads the API's credentials and address from
// TCREDIT_APP_ID, TCREDIT_TOKEN_ID and TCREDIT_BASE_URL, as the tcredit command does.
//
// summary --json prints one object: from, to, by, the totals attempts, created,
// unknown, refused, succeeded, rolled_back and open, and breakdown, a list of objects
// with key (the day, area code or appId) and the same counts.
//
// reconcile --json prints one object: matched and charged (integers), resolved_unknown
// (objects with attempt and tid), unresolved_unknown (attempt ids),
// missing_from_ledger, missing_from_statement, refund_due and uncharged (tids). Without
// --json it lists the same and, with --price (yuan, exact to the fen), the amounts
// charged, due back and charged for tasks the ledger never saw. docs/billing.md
// describes the statement's format and --columns.
//
// Exit codes: 0 done, 1 error (database, file, API), 2 usage.
package main
