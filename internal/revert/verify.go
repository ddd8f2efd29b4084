package revert

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// reached checks, inside the transaction, that the database is now the
// target version's schema: a plan that falls short is rolled back rather
// than leaving a database no version describes. changes are the
// differences the plan set out to undo (live to target): when they are
// tables and enum types only, just those tables are read again (with
// every enum type), which costs a fraction of reading every table; the
// others were proved equal to the target by the drift check and no
// statement touched them. Anything else (views, functions, a schema) is
// checked by reading everything again.
func reached(ctx context.Context, o Options, tx *sql.Tx, live, target *schema.Realm, changes []schema.Change, version string) error {
	in, err := o.Target.InTx(ctx, tx)
	if err != nil {
		return err
	}
	scope, ok := tablesOf(changes, live, target)
	var tables []pgdb.TableName // nil: all
	if ok {
		tables = append([]pgdb.TableName{}, slices.Collect(maps.Keys(scope))...)
	}
	after, err := o.inspect(ctx, in, tables, target, live)
	if err != nil {
		return err
	}
	left, err := pgdb.DiffRealms(ctx, o.Target.Driver, o.Env.Dev, after, target)
	if err != nil {
		return fmt.Errorf("migrate down: diff: %w", err)
	}
	if ok {
		left = slices.DeleteFunc(left, func(c schema.Change) bool { return !inScope(c, scope) })
	}
	if len(left) > 0 {
		return fmt.Errorf("migrate down: the computed statements do not reach the schema of version %s (%d difference(s) remain, e.g. %T); the transaction was rolled back: nothing was changed; this is a schemactl bug, please report it", orNone(version), len(left), left[0])
	}
	return nil
}

// tablesOf returns the tables changes touch, and the tables with a column
// of an enum type they change; false when they touch anything else.
func tablesOf(changes []schema.Change, live, target *schema.Realm) (map[pgdb.TableName]bool, bool) {
	scope := map[pgdb.TableName]bool{}
	add := func(t *schema.Table) {
		if t != nil && t.Schema != nil {
			scope[pgdb.TableName{Schema: t.Schema.Name, Name: t.Name}] = true
		}
	}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.AddTable:
			add(c.T)
		case *schema.DropTable:
			add(c.T)
		case *schema.ModifyTable:
			add(c.T)
		case *schema.RenameTable:
			add(c.From)
			add(c.To)
		case *schema.AddObject, *schema.DropObject, *schema.ModifyObject:
			e := enumOf(c)
			if e == nil {
				return nil, false
			}
			for _, r := range []*schema.Realm{live, target} {
				for _, s := range r.Schemas {
					for _, t := range s.Tables {
						if slices.ContainsFunc(t.Columns, func(col *schema.Column) bool { return usesEnum(col, e.T) }) {
							add(t)
						}
					}
				}
			}
		default:
			return nil, false
		}
	}
	return scope, true
}

func enumOf(c schema.Change) *schema.EnumType {
	var o schema.Object
	switch c := c.(type) {
	case *schema.AddObject:
		o = c.O
	case *schema.DropObject:
		o = c.O
	case *schema.ModifyObject:
		o = c.To
	}
	e, _ := o.(*schema.EnumType)
	return e
}

// usesEnum reports whether the column's type is the enum type named name,
// or an array of it.
func usesEnum(c *schema.Column, name string) bool {
	t := c.Type.Type
	if a, ok := t.(interface{ Underlying() schema.Type }); ok {
		t = a.Underlying()
	}
	if e, ok := t.(*schema.EnumType); ok {
		return e.T == name
	}
	return c.Type.Raw == name || c.Type.Raw == name+"[]"
}

// inScope: a difference in a table of scope, or of an enum type.
func inScope(c schema.Change, scope map[pgdb.TableName]bool) bool {
	in := func(t *schema.Table) bool {
		return t != nil && t.Schema != nil && scope[pgdb.TableName{Schema: t.Schema.Name, Name: t.Name}]
	}
	switch c := c.(type) {
	case *schema.AddTable:
		return in(c.T)
	case *schema.DropTable:
		return in(c.T)
	case *schema.ModifyTable:
		return in(c.T)
	case *schema.RenameTable:
		return in(c.From) || in(c.To)
	case *schema.AddObject, *schema.DropObject, *schema.ModifyObject:
		return enumOf(c) != nil
	}
	return false
}
