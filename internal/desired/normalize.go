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

// Plan plans r as statements that create it on an empty database (which
// has public already); conn only gives the planner the server's version.
// The views come last, in the order Ent lists them.
func Plan(ctx context.Context, conn *pgdb.Conn, r *schema.Realm) (DDL, error) {
	empty := schema.NewRealm(schema.New(pgdb.Schema))
	changes, err := conn.Driver.RealmDiff(empty, r)
	if err != nil {
		return nil, fmt.Errorf("desired: plan: %w", err)
	}
	views, changes := pgdb.SplitViews(changes)
	plan, err := pgdb.Plan(ctx, conn.Driver, "desired", changes, empty, r)
	if err != nil {
		return nil, fmt.Errorf("desired: plan: %w", err)
	}
	stmts := make(DDL, 0, len(plan.Changes)+len(views))
	for _, c := range plan.Changes {
		stmts = append(stmts, sqlscript.Stmt{Text: c.Cmd, Line: len(stmts) + 1})
	}
	for _, c := range views {
		if a, ok := c.(*schema.AddView); ok {
			stmts = append(stmts, sqlscript.Stmt{Text: pgdb.CreateView(a.V), Line: len(stmts) + 1})
		}
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
