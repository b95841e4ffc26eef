// Package ledger keeps the billing record of tcredit clients in PostgreSQL.
package ledger
