package diffplan

import (
	"context"
	"fmt"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// swapIndexes takes out of changes the indexes of existing tables that are
// rebuilt in place (a ModifyIndex: made unique, a new predicate…), which
// Atlas plans as DROP INDEX and CREATE INDEX in the transaction, under
// locks that stop the table's writes for the whole build, and reads for
// the drop. With both concurrent settings on, each becomes a swap that runs
// outside a transaction: the new definition built CONCURRENTLY under a
// temporary name, the old index dropped CONCURRENTLY, the new one renamed
// (an instant, under a lock that blocks neither reads nor writes). The old
// index serves queries until the new one is ready; if the build fails (a
// duplicate, for a unique index), the old one is still there. An index
// behind a constraint (UNIQUE, EXCLUDE), which DROP INDEX cannot drop, and
// a change of comment only, stay Atlas's.
func (p Policy) swapIndexes(ctx context.Context, drv migrate.Driver, changes []schema.Change, realms ...*schema.Realm) ([]*migrate.Change, error) {
	if !p.ConcurrentAdd || !p.ConcurrentDrop {
		return nil, nil
	}
	var out []*migrate.Change
	for _, c := range changes {
		m, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		var kept []schema.Change
		for _, tc := range m.Changes {
			mi, ok := tc.(*schema.ModifyIndex)
			// An index that stands for a constraint (UNIQUE, EXCLUDE, a
			// primary key) only ALTER TABLE can drop.
			if !ok || mi.Change&^schema.ChangeComment == schema.NoChange || holds[*postgres.Constraint](mi.From.Attrs) || mi.To.Name == "" {
				kept = append(kept, tc)
				continue
			}
			stmts, err := swapIndex(ctx, drv, m.T, mi, realms)
			if err != nil {
				return nil, err
			}
			out = append(out, stmts...)
		}
		m.Changes = kept
	}
	return out, nil
}

// swapIndex builds the new definition concurrently beside the old index,
// drops the old one concurrently and gives the new one its name.
func swapIndex(ctx context.Context, drv migrate.Driver, t *schema.Table, mi *schema.ModifyIndex, realms []*schema.Realm) ([]*migrate.Change, error) {
	tmp := *mi.To
	tmp.Name = swapName(mi.To.Name)
	p, err := pgdb.Plan(ctx, drv, "", []schema.Change{&schema.ModifyTable{T: t, Changes: []schema.Change{
		&schema.AddIndex{I: &tmp, Extra: []schema.Clause{&postgres.Concurrently{}}},
	}}}, realms...)
	if err != nil {
		return nil, fmt.Errorf("diffplan: plan: %w", err)
	}
	if len(p.Changes) == 0 {
		return nil, fmt.Errorf("diffplan: plan: no statement for index %q of table %q", mi.To.Name, t.Name)
	}
	// Any comment of the index is a statement of its own, on the
	// temporary name, which the rename keeps.
	p.Changes[0].Comment = fmt.Sprintf("Build the new definition of index %q of table: %q beside the old one", mi.To.Name, t.Name)
	out := append([]*migrate.Change{}, p.Changes...)
	out = append(out,
		&migrate.Change{
			Cmd:     "DROP INDEX CONCURRENTLY " + ident(t.Schema, mi.From.Name),
			Comment: fmt.Sprintf("Drop the old definition of index %q of table: %q", mi.From.Name, t.Name),
		},
		&migrate.Change{
			Cmd:     fmt.Sprintf("ALTER INDEX %s RENAME TO %s", ident(t.Schema, tmp.Name), quote(mi.To.Name)),
			Comment: fmt.Sprintf("Give the new definition of index %q its name", mi.To.Name),
		})
	return out, nil
}

// swapName is the temporary name of an index's new definition:
// <name>_ccnew, as REINDEX CONCURRENTLY names its copy, shortened with a
// hash past PostgreSQL's 63 bytes.
func swapName(name string) string { return fitName(name, "ccnew", name) }

// withSwaps puts the swaps at the end of the plans' last file that runs
// outside a transaction (the concurrent creations), or in a file of their
// own after the others, <name>_create_indexes, or alone in an empty plan.
func withSwaps(plans []*migrate.Plan, swaps []*migrate.Change, name string) []*migrate.Plan {
	if len(swaps) == 0 {
		return plans
	}
	last := plans[len(plans)-1]
	switch {
	case noTransaction(last):
		last.Changes = append(last.Changes, swaps...)
	case len(last.Changes) == 0:
		last.Changes, last.Transactional = swaps, false
		last.Directives = append(last.Directives, txNone)
	default:
		plans = append(plans, &migrate.Plan{Name: suffixed(name, "create_indexes"), Changes: swaps, Directives: []string{txNone}})
	}
	return plans
}
