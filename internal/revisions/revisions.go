// Package revisions reads and writes the atlas_schema_revisions table with
// the same schema, table, columns and meaning as the Atlas CLI, so either
// tool can apply to a database and read the other's history. It implements
// Atlas's migrate.RevisionReadWriter.
package revisions

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
)

// Table is Atlas's revisions table; DefaultSchema holds it unless the
// target URL is bound to a schema (search_path), as in the Atlas CLI.
const (
	Table         = "atlas_schema_revisions"
	DefaultSchema = "atlas_schema_revisions"
)

// Store is the revisions table of one database, on a connection or a
// transaction.
type Store struct {
	q      schema.ExecQuerier
	schema string
}

var _ migrate.RevisionReadWriter = (*Store)(nil)

// New returns the store in schemaName (DefaultSchema when empty).
func New(q schema.ExecQuerier, schemaName string) *Store {
	if schemaName == "" {
		schemaName = DefaultSchema
	}
	return &Store{q: q, schema: schemaName}
}

// On returns the same store on another connection or transaction.
func (s *Store) On(q schema.ExecQuerier) *Store { return &Store{q: q, schema: s.schema} }

func (s *Store) table() string { return pgx.Identifier{s.schema, Table}.Sanitize() }

// Init creates the schema and the table, with the columns and types the
// Atlas CLI's Ent schema gives them on PostgreSQL.
func (s *Store) Init(ctx context.Context) error {
	_, err := s.q.ExecContext(ctx, fmt.Sprintf(`CREATE SCHEMA IF NOT EXISTS %s;
CREATE TABLE IF NOT EXISTS %s (
  "version" character varying NOT NULL,
  "description" character varying NOT NULL,
  "type" bigint NOT NULL DEFAULT 2,
  "applied" bigint NOT NULL DEFAULT 0,
  "total" bigint NOT NULL DEFAULT 0,
  "executed_at" timestamptz NOT NULL,
  "execution_time" bigint NOT NULL,
  "error" text NULL,
  "error_stmt" text NULL,
  "hash" character varying NOT NULL,
  "partial_hashes" jsonb NULL,
  "operator_version" character varying NOT NULL,
  PRIMARY KEY ("version")
)`, pgx.Identifier{s.schema}.Sanitize(), s.table()))
	if err != nil {
		return fmt.Errorf("revisions: create %s: %w", s.table(), err)
	}
	return nil
}

// Exists reports whether the table is there (a database never applied to
// has none, and status or a dry run must not create it).
func (s *Store) Exists(ctx context.Context) (bool, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, s.table())
	if err != nil {
		return false, fmt.Errorf("revisions: %w", err)
	}
	defer rows.Close()
	var ok bool
	if rows.Next() {
		if err := rows.Scan(&ok); err != nil {
			return false, fmt.Errorf("revisions: %w", err)
		}
	}
	return ok, rows.Err()
}

// Ident names the table, so Atlas's clean-database check ignores it.
func (s *Store) Ident() *migrate.TableIdent {
	return &migrate.TableIdent{Name: Table, Schema: s.schema}
}

const columns = `"version", "description", "type", "applied", "total", "executed_at", "execution_time", "error", "error_stmt", "hash", "partial_hashes", "operator_version"`

// ReadRevisions returns every revision, by version.
func (s *Store) ReadRevisions(ctx context.Context) ([]*migrate.Revision, error) {
	ok, err := s.Exists(ctx)
	if err != nil || !ok {
		return nil, err
	}
	rows, err := s.q.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s ORDER BY "version"`, columns, s.table()))
	if err != nil {
		return nil, fmt.Errorf("revisions: read: %w", err)
	}
	defer rows.Close()
	var revs []*migrate.Revision
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, err
		}
		revs = append(revs, r)
	}
	return revs, rows.Err()
}

// ReadRevision returns one revision, or migrate.ErrRevisionNotExist.
func (s *Store) ReadRevision(ctx context.Context, version string) (*migrate.Revision, error) {
	rows, err := s.q.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE "version" = $1`, columns, s.table()), version)
	if err != nil {
		return nil, fmt.Errorf("revisions: read %s: %w", version, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, migrate.ErrRevisionNotExist
	}
	return scan(rows)
}

// WriteRevision inserts or updates a revision.
func (s *Store) WriteRevision(ctx context.Context, r *migrate.Revision) error {
	var partial any
	if len(r.PartialHashes) > 0 {
		b, err := json.Marshal(r.PartialHashes)
		if err != nil {
			return err
		}
		partial = string(b)
	}
	_, err := s.q.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (%s) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT ("version") DO UPDATE SET "description" = EXCLUDED."description", "type" = EXCLUDED."type",
  "applied" = EXCLUDED."applied", "total" = EXCLUDED."total", "executed_at" = EXCLUDED."executed_at",
  "execution_time" = EXCLUDED."execution_time", "error" = EXCLUDED."error", "error_stmt" = EXCLUDED."error_stmt",
  "hash" = EXCLUDED."hash", "partial_hashes" = EXCLUDED."partial_hashes", "operator_version" = EXCLUDED."operator_version"`, s.table(), columns),
		r.Version, r.Description, int64(r.Type), r.Applied, r.Total, r.ExecutedAt, int64(r.ExecutionTime),
		nullString(r.Error), nullString(r.ErrorStmt), r.Hash, partial, r.OperatorVersion)
	if err != nil {
		return fmt.Errorf("revisions: write %s: %w", r.Version, err)
	}
	return nil
}

// DeleteRevision removes a revision.
func (s *Store) DeleteRevision(ctx context.Context, version string) error {
	if _, err := s.q.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s WHERE "version" = $1`, s.table()), version); err != nil {
		return fmt.Errorf("revisions: delete %s: %w", version, err)
	}
	return nil
}

func scan(rows *sql.Rows) (*migrate.Revision, error) {
	var (
		r                migrate.Revision
		typ, execTime    int64
		errText, errStmt sql.NullString
		partial          sql.NullString
		executedAt       time.Time
	)
	if err := rows.Scan(&r.Version, &r.Description, &typ, &r.Applied, &r.Total, &executedAt, &execTime,
		&errText, &errStmt, &r.Hash, &partial, &r.OperatorVersion); err != nil {
		return nil, fmt.Errorf("revisions: scan: %w", err)
	}
	r.Type, r.ExecutionTime, r.ExecutedAt = migrate.RevisionType(typ), time.Duration(execTime), executedAt
	r.Error, r.ErrorStmt = errText.String, errStmt.String
	if partial.Valid {
		if err := json.Unmarshal([]byte(partial.String), &r.PartialHashes); err != nil {
			return nil, fmt.Errorf("revisions: partial_hashes of %s: %w", r.Version, err)
		}
	}
	return &r, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
