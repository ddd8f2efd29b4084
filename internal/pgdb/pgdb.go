// Package pgdb opens PostgreSQL databases for Atlas: a database/sql handle on
// pgx, Atlas's driver on it, and inspection of the one schema schemactl
// manages.
package pgdb

import (
	"context"
	"database/sql"
	"fmt"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ledgerforge/schemactl/internal/dsn"
)

// Schema is the schema migrations are written for: Atlas's schema scope
// (?search_path=public), so generated SQL carries no schema qualifier.
const Schema = "public"

// Conn is an open database.
type Conn struct {
	DB     *sql.DB
	Driver migrate.Driver
}

// Connect opens url; errors never show its password.
func Connect(ctx context.Context, url string) (*Conn, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("pgdb: parse %s: %s", dsn.Redact(url), dsn.Redact(err.Error()))
	}
	db := stdlib.OpenDB(*cfg)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("pgdb: connect %s: %s", dsn.Redact(url), dsn.Redact(err.Error()))
	}
	drv, err := postgres.Open(db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("pgdb: open %s: %w", dsn.Redact(url), err)
	}
	return &Conn{DB: db, Driver: drv}, nil
}

// Close closes the handle.
func (c *Conn) Close() error { return c.DB.Close() }

// Inspect reads the managed schema: tables, enum types and all.
func (c *Conn) Inspect(ctx context.Context) (*schema.Schema, error) {
	s, err := c.Driver.InspectSchema(ctx, Schema, nil)
	if err != nil {
		return nil, fmt.Errorf("pgdb: inspect schema %q: %w", Schema, err)
	}
	return s, nil
}

// PlanOptions make Atlas plan unqualified statements, as Atlas does for a
// schema-scoped URL.
func PlanOptions() []migrate.PlanOption {
	return []migrate.PlanOption{func(o *migrate.PlanOptions) { o.SchemaQualifier = new(string) }}
}
