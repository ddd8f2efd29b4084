package diffplan

import (
	"context"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

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
	plans, _, err := plan(ctx, drv, dev, live, target, "down", true, Policy{Renames: renames})
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
