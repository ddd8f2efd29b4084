// Package pgdb opens PostgreSQL databases for Atlas: a database/sql handle on
// pgx, Atlas's driver on it, and inspection of the schemas schemactl
// manages (public and any other a project's tables live in), with the views
// Atlas's open-source inspection leaves out.
package pgdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ledgerforge/schemactl/internal/dsn"
)

// Schema is the default schema: migrations name its objects unqualified,
// as Atlas does for a schema-scoped URL (?search_path=public), and findings
// name them without it. Objects in any other schema are qualified.
const Schema = "public"

// Conn is an open database.
type Conn struct {
	DB     *sql.DB
	Driver migrate.Driver
	q      schema.ExecQuerier // what inspection reads through: DB, or a transaction (InTx)
}

// InTx is the connection inside tx, for inspecting: it sees what the
// transaction changed (`migrate down` checks its result before it
// commits). It is inspected as ConnectDev inspects a dev database: the
// planner's nested loops off (Atlas's index query, run as one, took 5 s
// instead of 1 s on a live 400-table database too; SET LOCAL ends with the
// transaction, so nothing else the session runs is planned so), and no
// identity column's last value read (txSearchPath). JIT off too: a query
// that still needs a nested loop then costs the disabled plan's penalty,
// far past PostgreSQL's JIT thresholds, and compiling it took 0.3 s of a
// 0.6 s down on a server with llvmjit (Atlas's tables-by-name query).
func (c *Conn) InTx(ctx context.Context, tx *sql.Tx) (*Conn, error) {
	if _, err := tx.ExecContext(ctx, "SET LOCAL enable_nestloop = off; SET LOCAL jit = off"); err != nil {
		return nil, fmt.Errorf("pgdb: %w", err)
	}
	drv, err := postgres.Open(txSearchPath{tx})
	if err != nil {
		return nil, fmt.Errorf("pgdb: %w", err)
	}
	return &Conn{DB: c.DB, Driver: drv, q: tx}, nil
}

// InspectLive is InspectTarget in a read-only transaction of its own
// (InTx): the same schemas, read in 0.2 s instead of 5.3 s at 400 tables.
func (c *Conn) InspectLive(ctx context.Context, bound, revSchema string, refs ...*schema.Realm) (*schema.Realm, error) {
	tx, err := c.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("pgdb: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	in, err := c.InTx(ctx, tx)
	if err != nil {
		return nil, err
	}
	return in.InspectTarget(ctx, bound, revSchema, refs...)
}

// querier is what inspection queries run on.
func (c *Conn) querier() schema.ExecQuerier {
	if c.q != nil {
		return c.q
	}
	return c.DB
}

// Connect opens url; errors never show its password.
func Connect(ctx context.Context, url string) (*Conn, error) { return connect(ctx, url, false) }

// ConnectDev opens a dev database, one that schemactl filled itself, tuned
// for Atlas's inspection queries, which are quadratic in the number of tables
// there (9.5 s for a 400-table gate, 1.5 s with both changes):
//   - the column query reads each identity column's last sequence value
//     with a subquery that scans pg_sequences per column; in a dev database
//     no sequence was ever used, so the value is always NULL and the
//     subquery is replaced by NULL;
//   - see enable_nestloop below.
func ConnectDev(ctx context.Context, url string) (*Conn, error) { return connect(ctx, url, true) }

func connect(ctx context.Context, url string, dev bool) (*Conn, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("pgdb: parse %s: %s", dsn.Redact(url), dsn.Redact(err.Error()))
	}
	if dev {
		// A dev database's catalog statistics are never analysed, so the
		// planner runs Atlas's index query as a nested loop that
		// re-aggregates pg_constraint for every index column: 1.5 s instead
		// of 0.06 s at 400 tables. Only schemactl's own queries run here.
		cfg.RuntimeParams["enable_nestloop"] = "off"
		// A query that still needs a nested loop then costs the disabled
		// plan's penalty, far past the JIT thresholds: compiling it costs
		// more than running it (see InTx).
		cfg.RuntimeParams["jit"] = "off"
	}
	db := stdlib.OpenDB(*cfg)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("pgdb: connect %s: %s", dsn.Redact(url), dsn.Line(err))
	}
	var eq schema.ExecQuerier = keepSearchPath{db}
	if dev {
		eq = devQuerier{keepSearchPath{db}}
	}
	drv, err := postgres.Open(eq)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("pgdb: open %s: %w", dsn.Redact(url), err)
	}
	return &Conn{DB: db, Driver: drv}, nil
}

// identityLast is the subquery of Atlas's columns query that ConnectDev
// and InTx drop (noIdentityLast).
const identityLast = `(SELECT last_value FROM pg_sequences WHERE quote_ident(schemaname) || '.' || quote_ident(sequencename) = pg_get_serial_sequence(quote_ident(t1.table_schema) || '.' || quote_ident(t1.table_name), t1.column_name))`

func noIdentityLast(query string) string {
	return strings.Replace(query, identityLast, "NULL::bigint", 1)
}

type devQuerier struct{ keepSearchPath }

func (q devQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.keepSearchPath.QueryContext(ctx, noIdentityLast(query), args...)
}

// clearSearchPath is the query Atlas's realm inspection starts with, to
// print every object it finds schema-qualified ('active'::public.status).
// schemactl keeps the session's search_path instead, so that objects of the
// default schema print unqualified, exactly as a one-schema inspection
// printed them: the messages, documents and plans of a project with only
// public stay what they were, and a live database bound to another schema
// (?search_path=app) prints its objects as the replayed public ones.
const clearSearchPath = `SELECT current_setting('search_path'), set_config('search_path', '', false)`

// keepSearchPath answers Atlas's clearSearchPath with the current setting,
// leaving it as it is (and on a pool, one connection's setting is no
// guarantee for the next query anyway).
// It wraps the *sql.DB itself: Atlas's advisory lock takes a connection
// of its own from it.
type keepSearchPath struct{ *sql.DB }

func (q keepSearchPath) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.DB.QueryContext(ctx, kept(query), args...)
}

// txSearchPath is keepSearchPath in a transaction, for inspection only
// (InTx): without the identity columns' last sequence values, as in a dev
// database. No comparison reads them (a replay has none to compare with),
// and the subquery that reads them scans pg_sequences once per column:
// 1.2 s of a 1.4 s inspection of a live 400-table database.
type txSearchPath struct{ *sql.Tx }

func (q txSearchPath) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.Tx.QueryContext(ctx, noIdentityLast(kept(query)), args...)
}

func kept(query string) string {
	if query == clearSearchPath {
		return `SELECT current_setting('search_path'), current_setting('search_path')`
	}
	return query
}

// Close closes the handle.
func (c *Conn) Close() error { return c.DB.Close() }

// PlanOptions make Atlas plan unqualified statements, as Atlas does for a
// schema-scoped URL: for changes within one schema (schema inspect). Plan
// qualifies objects outside public.
func PlanOptions() []migrate.PlanOption {
	return []migrate.PlanOption{func(o *migrate.PlanOptions) { o.SchemaQualifier = new(string) }}
}
