// Package pgtest gives each test of the ledger module a schema of its own in the
// PostgreSQL database that TCREDIT_LEDGER_DSN names.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// DSN returns the database the tests use, from TCREDIT_LEDGER_DSN. Without it the
// test skips, and fails when CI is "true".
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("TCREDIT_LEDGER_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TCREDIT_LEDGER_DSN is not set: the ledger's tests need PostgreSQL (.ci/run starts one)")
		}
		t.Skip("TCREDIT_LEDGER_DSN is not set: set it to a PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	}
	return dsn
}

// Schema creates a schema of its own for the test, dropped at its end, and returns the
// DSN whose search_path is that schema.
func Schema(t testing.TB) string {
	t.Helper()
	dsn := DSN(t)
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		t.Fatalf("TCREDIT_LEDGER_DSN must be a postgres:// URL")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "ledger_test_" + hex.EncodeToString(b[:])
	exec(t, dsn, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { exec(t, dsn, "DROP SCHEMA "+schema+" CASCADE") })
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// exec runs one statement on its own connection.
func exec(t testing.TB, dsn, sql string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
}
