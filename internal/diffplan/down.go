package diffplan

import (
	"context"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// Down plans the way back from a live database to the state of an earlier
// version (`migrate down`, internal/revert): the changes a down migration
// of the reverted files would make, planned as the down migrations of the
// other directory formats are (PlanFormat): enum values removed or added
// back by a type swap, indexes created and dropped plainly, so that all of
// it runs in one transaction. renames are those the reverted files made,
// old name to new: the plan renames them back rather than dropping and
// creating. It returns the statements, none when live is already there.
func Down(ctx context.Context, drv migrate.Driver, dev pgdb.Dev, live, target *schema.Realm, renames []Rename) ([]*migrate.Change, error) {
	plans, _, err := plan(ctx, drv, dev, live, target, "down", true, Policy{Renames: renames, castTypes: true})
	if err != nil {
		return nil, err
	}
	var out []*migrate.Change
	for _, p := range plans {
		if noTransaction(p) {
			// A reverse plan makes nothing concurrent: this is a bug, and
			// running it in the transaction would fail half way.
			return nil, fmt.Errorf("diffplan: down: %s must run outside a transaction", strings.TrimSpace(p.Changes[0].Cmd))
		}
		out = append(out, p.Changes...)
	}
	return out, nil
}

// castRetyped converts each column whose type changes, but for the enum
// conversions (which have their own, convertColumn), with USING
// "column"::type: the explicit cast that the down's checks count the
// changed values of (internal/revert). Without it PostgreSQL converts by
// assignment, which refuses what the checks let through: text to integer
// has no assignment cast at all, and a varchar too long for its new
// length fails where --force was told it would be cut.
func castRetyped(changes []schema.Change) error {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		for _, tc := range mt.Changes {
			mc, ok := tc.(*schema.ModifyColumn)
			if !ok || !mc.Change.Is(schema.ChangeType) || ownCast(mc.From) || ownCast(mc.To) {
				continue
			}
			t, err := postgres.FormatType(mc.To.Type.Type)
			if err != nil {
				return fmt.Errorf("diffplan: down: %w", err)
			}
			mc.Extra = append(mc.Extra, &postgres.ConvertUsing{X: pgx.Identifier{mc.To.Name}.Sanitize() + "::" + t})
		}
	}
	return nil
}

// ownCast: an enum column (or an array of one), or a serial, whose type
// change Atlas or convertColumn write their own way.
func ownCast(c *schema.Column) bool {
	if e, _ := enumOf(c); e != nil {
		return true
	}
	_, serial := c.Type.Type.(*postgres.SerialType)
	return serial
}
