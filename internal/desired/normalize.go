package desired

import (
	"context"
	"fmt"

	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/replay"
)

// Normalize creates s on the clean dev database conn and inspects it back,
// so that it compares with a replayed directory in PostgreSQL's own terms
// (CHECK and predicate text, default casts, implicit index names).
func Normalize(ctx context.Context, conn *pgdb.Conn, s *schema.Schema) (*schema.Schema, error) {
	changes, err := conn.Driver.SchemaDiff(schema.New(s.Name), s)
	if err != nil {
		return nil, fmt.Errorf("desired: plan: %w", err)
	}
	plan, err := conn.Driver.PlanChanges(ctx, "desired", changes, pgdb.PlanOptions()...)
	if err != nil {
		return nil, fmt.Errorf("desired: plan: %w", err)
	}
	stmts := make([]replay.Stmt, len(plan.Changes))
	for i, c := range plan.Changes {
		stmts[i] = replay.Stmt{Text: c.Cmd, Line: i + 1}
	}
	if err := replay.Exec(ctx, conn.DB, stmts, true); err != nil {
		return nil, fmt.Errorf("desired: the Ent schema does not apply on PostgreSQL: %w", err)
	}
	return conn.Inspect(ctx)
}
