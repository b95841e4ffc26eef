package ledger

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations are the schema's versions: migrations/NNNN_name.sql is version NNNN.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrate brings the schema to the latest version, applying each missing version in
// order in one transaction. A lock taken for the transaction makes processes that open
// the database at once migrate one after the other.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	versions, err := schemaVersions()
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('tcredit_ledger_migrate'))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS tcredit_ledger_migrations (
			version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM tcredit_ledger_migrations`).Scan(&current); err != nil {
			return err
		}
		for _, v := range versions {
			if v.version <= current {
				continue
			}
			if _, err := tx.Exec(ctx, v.sql); err != nil {
				return fmt.Errorf("%s: %w", v.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO tcredit_ledger_migrations (version, name) VALUES ($1, $2)`, v.version, v.name); err != nil {
				return err
			}
		}
		return nil
	})
}

// version is one migration.
type version struct {
	version int
	name    string
	sql     string
}

// schemaVersions reads the embedded migrations in the order of their versions.
func schemaVersions() ([]version, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var vs []version
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s has no version number", base)
		}
		b, err := migrations.ReadFile(name)
		if err != nil {
			return nil, err
		}
		vs = append(vs, version{version: n, name: base, sql: string(b)})
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].version < vs[j].version })
	return vs, nil
}
