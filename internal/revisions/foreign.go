package revisions

import (
	"context"
	"fmt"

	"ariga.io/atlas/sql/schema"
)

// Foreign is another migration tool's history table found in a database:
// schemactl (and Atlas) do not read it, so a database migrated by that
// tool has no revisions here until it is adopted with --baseline.
type Foreign struct {
	Tool, Table, Version string
}

// foreignTables are the tables the common tools keep their history in, and
// the query for the last version each records.
var foreignTables = []struct{ tool, table, last string }{
	{"golang-migrate or dbmate", "schema_migrations", `SELECT version::text FROM schema_migrations ORDER BY version DESC LIMIT 1`},
	{"goose", "goose_db_version", `SELECT version_id::text FROM goose_db_version WHERE is_applied ORDER BY id DESC LIMIT 1`},
	{"Flyway", "flyway_schema_history", `SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1`},
}

// FindForeign returns the first other tool's history table on the search
// path that records a version, if any.
func FindForeign(ctx context.Context, q schema.ExecQuerier) (*Foreign, error) {
	for _, f := range foreignTables {
		rows, err := q.QueryContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, f.table)
		if err != nil {
			return nil, fmt.Errorf("revisions: %w", err)
		}
		var ok bool
		if rows.Next() {
			err = rows.Scan(&ok)
		}
		rows.Close()
		if err != nil || !ok {
			continue
		}
		rows, err = q.QueryContext(ctx, f.last)
		if err != nil {
			continue // not that tool's table after all
		}
		var v string
		if rows.Next() {
			err = rows.Scan(&v)
		}
		rows.Close()
		if err == nil && v != "" {
			return &Foreign{Tool: f.tool, Table: f.table, Version: v}, nil
		}
	}
	return nil, nil
}

// Note says what the foreign history means for schemactl.
func (f *Foreign) Note() string {
	return fmt.Sprintf("the database records %s's history (%s, at version %s), which schemactl does not read: adopt it with `schemactl migrate apply --baseline %s`; a down then stops at that baseline", f.Tool, f.Table, f.Version, f.Version)
}
