package diffplan

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// ALTER COLUMN … TYPE on one end of a foreign key makes PostgreSQL build
// the key again, against the other end as it is at that moment. When the
// plan retypes both ends (ids and the columns that reference them, bigint
// to uuid, or back in a down), the first of the two ALTER TABLEs meets the
// other end's old type and fails with 42804 ("foreign key constraint …
// cannot be implemented"), whichever goes first. So such a key is dropped
// before the plan's statements and added after them, as the target
// declares it. A key the plan drops (with its column or table, or to add
// another) is dropped first when either end is retyped: Atlas drops it
// with its own table's changes, which may come after the other end's, and
// its old types need not fit the new ones. A key the plan adds is added
// last for the same reason. A key of a table to itself is left to Atlas:
// one ALTER TABLE retypes its columns and drops or adds it, and PostgreSQL
// builds the keys once the columns are done. A key that stays, with one
// end retyped, goes from one compatible pair of types to another in one
// statement.

// keyRetypes are the foreign keys a plan takes out of its ALTER TABLEs:
// keys of the source state dropped first, keys of the target added last.
type keyRetypes struct {
	drop, add []*schema.ForeignKey
	// why says why a dropped key is not the end of its reference: added
	// back, or dropped with its column or table anyway ("" for a key the
	// target drops on its own). The review's CD101 would report the drop.
	why map[*schema.ForeignKey]string
}

// retypedKeys takes out of changes (as Filter does, never the realms'
// tables) the foreign key changes that must not run among the column type
// changes (see above), and the keys that stay but pair two retyped
// columns, and returns them. A changed key of which only the old or only
// the new form touches a retyped column keeps the other half in its ALTER
// TABLE. from is the state the plan starts from.
func retypedKeys(changes []schema.Change, from *schema.Realm) *keyRetypes {
	retyped := map[string]bool{}
	for _, c := range changes {
		if mt, ok := c.(*schema.ModifyTable); ok {
			for _, tc := range mt.Changes {
				if mc, ok := tc.(*schema.ModifyColumn); ok && mc.Change.Is(schema.ChangeType) {
					retyped[columnKey(mt.T, mc.To.Name)] = true
				}
			}
		}
	}
	k := &keyRetypes{why: map[*schema.ForeignKey]string{}}
	if len(retyped) == 0 {
		return k
	}
	// touches: a key to another table with a retyped column at either end;
	// pairs: one that links a retyped column to a retyped column.
	ends := func(fk *schema.ForeignKey, both bool) bool {
		if fk.Table == nil || fk.RefTable == nil || tableKey(fk.Table) == tableKey(fk.RefTable) || len(fk.Columns) != len(fk.RefColumns) {
			return false
		}
		for i, c := range fk.Columns {
			from, to := retyped[columnKey(fk.Table, c.Name)], retyped[columnKey(fk.RefTable, fk.RefColumns[i].Name)]
			if both && from && to || !both && (from || to) {
				return true
			}
		}
		return false
	}
	touches := func(fk *schema.ForeignKey) bool { return ends(fk, false) }
	pairs := func(fk *schema.ForeignKey) bool { return ends(fk, true) }
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropTable:
			// DROP TABLE comes after the other tables' changes.
			for _, fk := range c.T.ForeignKeys {
				if touches(fk) {
					k.drop = append(k.drop, fk)
					k.why[fk] = "its table is dropped after them"
				}
			}
		case *schema.ModifyTable:
			k.modified(c, from, touches, pairs)
		}
	}
	return k
}

// modified takes the key changes of one table out of it, and its keys
// that stay but pair two retyped columns.
func (k *keyRetypes) modified(mt *schema.ModifyTable, from *schema.Realm, touches, pairs func(*schema.ForeignKey) bool) {
	changed := map[string]bool{} // keys of from the change drops or changes
	dropped := map[string]bool{} // columns the change drops
	for _, tc := range mt.Changes {
		if dc, ok := tc.(*schema.DropColumn); ok {
			dropped[dc.C.Name] = true
		}
	}
	var kept []schema.Change
	for _, tc := range mt.Changes {
		switch tc := tc.(type) {
		case *schema.DropForeignKey:
			changed[tc.F.Symbol] = true
			if touches(tc.F) {
				k.drop = append(k.drop, tc.F)
				if slices.ContainsFunc(tc.F.Columns, func(c *schema.Column) bool { return dropped[c.Name] }) {
					k.why[tc.F] = "its column is dropped after them"
				}
				continue
			}
		case *schema.AddForeignKey:
			if touches(tc.F) {
				k.add = append(k.add, tc.F)
				continue
			}
		case *schema.ModifyForeignKey:
			changed[tc.From.Symbol] = true
			dropFirst, addLast := touches(tc.From), touches(tc.To)
			if !dropFirst && !addLast {
				break
			}
			if dropFirst {
				k.drop = append(k.drop, tc.From)
				if tc.From.Symbol == tc.To.Symbol {
					k.why[tc.From] = "added again as the target has it"
				}
			} else {
				kept = append(kept, &schema.DropForeignKey{F: tc.From})
			}
			if addLast {
				k.add = append(k.add, tc.To)
			} else {
				kept = append(kept, &schema.AddForeignKey{F: tc.To})
			}
			continue
		}
		kept = append(kept, tc)
	}
	mt.Changes = kept
	old, ok := lookupTable(from, mt.T)
	if !ok {
		return
	}
	for _, fk := range old.ForeignKeys {
		if changed[fk.Symbol] || !pairs(fk) {
			continue
		}
		// Unchanged, so the target has it under the same name; one the
		// policy kept from being dropped is left alone.
		if again, ok := mt.T.ForeignKey(fk.Symbol); ok {
			k.drop, k.add = append(k.drop, fk), append(k.add, again)
			k.why[fk] = "added again after them"
		}
	}
}

func columnKey(t *schema.Table, column string) string { return tableKey(t) + "." + column }

// plan returns the statements that drop the keys, before the plan's others,
// and those that add them, after. In a forward plan (a file the review
// reads), a key dropped and added back, or dropped with its column or
// table, carries `atlas:nolint CD101`: the reference is enforced again by
// the end of the file, or the review reports the column or table (DS103,
// DS102), as it does when Atlas drops the key with them. A key of a down's
// target marked NOT VALID (MarkNotValid) is added back NOT VALID. With notValid (a
// forward plan whose policy adds foreign keys of existing tables NOT
// VALID) the adds go to l instead, NOT VALID, and are validated in its
// later file.
func (k *keyRetypes) plan(ctx context.Context, drv migrate.Driver, l *later, forward, notValid bool, realms ...*schema.Realm) (drop, add []*migrate.Change, err error) {
	for _, fks := range [][]*schema.ForeignKey{k.drop, k.add} {
		// By table and name: the files read the same whatever order the
		// diff gave.
		slices.SortStableFunc(fks, func(a, b *schema.ForeignKey) int {
			return cmp.Or(cmp.Compare(tableKey(a.Table), tableKey(b.Table)), cmp.Compare(a.Symbol, b.Symbol))
		})
	}
	one := func(fk *schema.ForeignKey, c schema.Change, comment string) (*migrate.Change, error) {
		p, err := pgdb.Plan(ctx, drv, "", []schema.Change{&schema.ModifyTable{T: fk.Table, Changes: []schema.Change{c}}}, realms...)
		if err != nil {
			return nil, fmt.Errorf("diffplan: plan: %w", err)
		}
		if len(p.Changes) != 1 {
			return nil, fmt.Errorf("diffplan: plan: %d statements for foreign key %q of table %q", len(p.Changes), fk.Symbol, fk.Table.Name)
		}
		return &migrate.Change{Cmd: p.Changes[0].Cmd, Comment: comment, Source: c}, nil
	}
	for _, fk := range k.drop {
		comment := fmt.Sprintf("drop foreign key %q of table %q before the columns it links change type", fk.Symbol, fk.Table.Name)
		if why := k.why[fk]; why != "" {
			comment += " (" + why + ")"
			if forward {
				comment += "\n" + fmt.Sprintf(nolintDrop, "CD101")
			}
		}
		c, err := one(fk, &schema.DropForeignKey{F: fk}, comment)
		if err != nil {
			return nil, nil, err
		}
		drop = append(drop, c)
	}
	for _, fk := range k.add {
		if notValid {
			if err := l.notValid(ctx, drv, fk.Table, &schema.AddForeignKey{F: fk}, realms); err != nil {
				return nil, nil, err
			}
			continue
		}
		comment := fmt.Sprintf("add foreign key %q to table %q once the columns it links changed type", fk.Symbol, fk.Table.Name)
		if holds[*notValidMark](fk.Attrs) {
			comment += ", NOT VALID as the target version holds it"
		}
		c, err := one(fk, &schema.AddForeignKey{F: fk}, comment)
		if err != nil {
			return nil, nil, err
		}
		if holds[*notValidMark](fk.Attrs) {
			c.Cmd += " NOT VALID"
		}
		add = append(add, c)
	}
	return drop, add, nil
}

// notValidMark marks a foreign key a down's target holds NOT VALID.
type notValidMark struct{ schema.Attr }

// MarkNotValid returns a copy of to (the realm a down plans to) in which
// the foreign keys named by keys are marked NOT VALID: those the target
// version holds NOT VALID and the live database too, which the plan leaves
// as they are (KeepNotValid takes the others). One the down drops to
// retype its columns is added back NOT VALID: validated, it would check
// rows it never checked, and fail on one that breaks it. to itself is left
// as it is; keys of other kinds (checks) are ignored.
func MarkNotValid(to *schema.Realm, keys []NotValidKey) *schema.Realm {
	if len(keys) == 0 {
		return to
	}
	to = cloneRealm(to)
	for _, k := range keys {
		t := k.table(to)
		if t == nil {
			continue
		}
		if fk, ok := t.ForeignKey(k.Name); ok {
			fk.Attrs = append(fk.Attrs, &notValidMark{})
		}
	}
	return to
}
