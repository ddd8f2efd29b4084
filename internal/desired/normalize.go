package desired

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

// DDL is the script that creates the desired schema on an empty database.
type DDL []sqlscript.Stmt

// Plan plans s as statements that create it on an empty database; conn
// only gives the planner the server's version.
func Plan(ctx context.Context, conn *pgdb.Conn, s *schema.Schema) (DDL, error) {
	changes, err := conn.Driver.SchemaDiff(schema.New(s.Name), s)
	if err != nil {
		return nil, fmt.Errorf("desired: plan: %w", err)
	}
	plan, err := conn.Driver.PlanChanges(ctx, "desired", changes, pgdb.PlanOptions()...)
	if err != nil {
		return nil, fmt.Errorf("desired: plan: %w", err)
	}
	stmts := make(DDL, len(plan.Changes))
	for i, c := range plan.Changes {
		stmts[i] = sqlscript.Stmt{Text: c.Cmd, Line: i + 1}
	}
	return stmts, nil
}

// Key identifies the normalised schema: the same script always builds the
// same database.
func (d DDL) Key() string {
	h := sha256.New()
	for _, s := range d {
		fmt.Fprintf(h, "%d:%s;", len(s.Text), s.Text)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Exec runs the script on the clean dev database conn; inspecting that
// database back gives the desired schema in PostgreSQL's own terms (CHECK
// and predicate text, default casts, implicit index names), comparable with
// a replayed directory.
func (d DDL) Exec(ctx context.Context, conn *pgdb.Conn) error {
	if err := sqlscript.Exec(ctx, conn.DB, d, true); err != nil {
		return fmt.Errorf("desired: the Ent schema does not apply on PostgreSQL: %w", err)
	}
	return nil
}
