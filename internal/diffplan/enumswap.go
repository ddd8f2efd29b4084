package diffplan

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// enumPlan is how a plan changes enum types where ALTER TYPE … ADD VALUE
// cannot: type swaps (a value removed, or the order changed) and columns
// moved from one enum type to another. Its statements go around Atlas's
// (A), the views' (V) and the varchar conversions' (C), in one file:
//
//	guards   first of all: nothing has run when one fails
//	head     after V's drops, before A: old types renamed, new ones created,
//	         the swapped columns converted; checks and indexes that
//	         compare a converted column with a value dropped
//	moves    after A and C: each moved column, after its guard
//	tail     after moves: those checks and indexes created again, the
//	         old types dropped
type enumPlan struct {
	guards, head, moves, tail []*migrate.Change
	// retyped holds the converted columns as type changes: PlanViews
	// drops the views that read them first.
	retyped []schema.Change
}

// statements are the plan's statements that may use a value another type
// gets by ALTER TYPE … ADD VALUE (split looks in them): not the guards nor
// the new types, which only list values.
func (p *enumPlan) statements() []*migrate.Change {
	return slices.DeleteFunc(slices.Concat(p.head, p.moves, p.tail), func(c *migrate.Change) bool {
		return strings.HasPrefix(c.Cmd, "CREATE TYPE ") || strings.HasPrefix(c.Cmd, "DO ")
	})
}

// swap is one enum type swapped: renamed to old, created anew with the new
// values, every column converted, the old type dropped.
type swap struct {
	from, to *schema.EnumType
	old      string
}

// planEnums takes out of changes the enum changes ALTER TYPE … ADD VALUE
// cannot make and the columns moved from one enum type to another, and
// plans them; changes is what remains for Atlas. In a reverse plan (a
// down migration, which runs in one transaction) a type whose added
// values the rest uses is swapped too: a value added by ALTER TYPE cannot
// be used before its transaction commits, one of a type created in the
// same transaction can.
//
// from and to are the realms as given to plan, which may already hold
// renames (--rename): names come from them and from changes, never from
// the database.
func planEnums(ctx context.Context, drv migrate.Driver, changes []schema.Change, from, to *schema.Realm, reverse bool) (*enumPlan, []schema.Change, error) {
	swaps, changes := takeSwaps(changes, func(e1, e2 *schema.EnumType) bool { return needsSwap(e1.Values, e2.Values) })
	if reverse {
		used, err := valuesUsed(ctx, drv, changes, nil, from, to)
		if err != nil {
			return nil, nil, err
		}
		if used {
			var more []*swap
			more, changes = takeSwaps(changes, func(_, _ *schema.EnumType) bool { return true })
			swaps = append(swaps, more...)
		}
	}
	p := &enumPlan{}
	deps := &dependents{changes: changes}
	gone := droppedOf(changes)
	taken := map[string]bool{}
	for _, s := range swaps {
		if err := refuseFuncs(s.from, from); err != nil {
			return nil, nil, err
		}
		s.old = oldName(s.from, taken, from, to)
		p.head = append(p.head, &migrate.Change{
			Cmd:     fmt.Sprintf("ALTER TYPE %s RENAME TO %s", ident(s.from.Schema, s.from.T), quote(s.old)),
			Comment: fmt.Sprintf("rename enum type %q to %q, to swap it for one with the new values", s.from.T, s.old),
		}, &migrate.Change{
			Cmd:     fmt.Sprintf("CREATE TYPE %s AS ENUM (%s)", ident(s.from.Schema, s.to.T), literals(s.to.Values)),
			Comment: fmt.Sprintf("create enum type %q with its new values", s.to.T),
		})
		for _, c := range columnsOf(s.from, from, gone, changes) {
			if lost(s.from.Values, s.to.Values) {
				p.guards = append(p.guards, castGuard{Table: c.table, Column: c.col.Name, Array: c.array,
					Schema: schemaName(s.from.Schema), Type: s.to.T, Values: s.to.Values}.Change())
			}
			def := c.col.Default
			if c.want != nil {
				def = c.want.Default
			}
			p.head = append(p.head, &migrate.Change{
				Cmd:     convertColumn(c.table, c.col.Name, s.from.Schema, s.to.T, c.array, c.col.Default != nil, def),
				Comment: fmt.Sprintf("convert column %q of table %q to the new enum type %q", c.col.Name, c.table.Name, s.to.T),
			})
			p.retyped = append(p.retyped, retyped(c.table, c.col))
			deps.addSwapped(c.table, c.col.Name, to)
		}
		p.tail = append(p.tail, &migrate.Change{
			Cmd:     "DROP TYPE " + ident(s.from.Schema, s.old),
			Comment: fmt.Sprintf("drop enum type %q, the old %q", s.old, s.from.T),
		})
	}
	moved := p.move(changes, from, deps)
	// A type the moved columns leave may be dropped in the same change:
	// after they left it.
	changes = slices.DeleteFunc(changes, func(c schema.Change) bool {
		d, ok := c.(*schema.DropObject)
		if !ok {
			return false
		}
		if e, ok := d.O.(*schema.EnumType); ok && moved[enumKey(e)] {
			p.tail = append(p.tail, &migrate.Change{Cmd: "DROP TYPE " + ident(e.Schema, e.T), Comment: fmt.Sprintf("drop enum type %q", e.T)})
			return true
		}
		return false
	})
	convertedChecks(changes, from, deps)
	deps.changes = changes
	head, tail, err := deps.plan(ctx, drv, from, to)
	if err != nil {
		return nil, nil, err
	}
	p.head, p.tail = slices.Concat(head, p.head), slices.Concat(tail, p.tail)
	// A column change left with nothing (its default set by a conversion)
	// would still print as an empty ALTER TABLE.
	for _, c := range changes {
		if mt, ok := c.(*schema.ModifyTable); ok {
			mt.Changes = slices.DeleteFunc(mt.Changes, func(tc schema.Change) bool {
				mc, ok := tc.(*schema.ModifyColumn)
				return ok && mc.Change == schema.NoChange
			})
		}
	}
	return p, changes, nil
}

// convertedChecks records in deps the columns convertToEnums will turn
// into enums: their CHECKs and indexes are rebuilt too, as for a swap. A
// CHECK that compares the varchar column with strings survives the type
// change, but PostgreSQL rewrites it over the enum type, so it no longer
// prints as the desired state's and a second diff would be needed.
func convertedChecks(changes []schema.Change, current *schema.Realm, deps *dependents) {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		for _, tc := range mt.Changes {
			mc, ok := tc.(*schema.ModifyColumn)
			if !ok {
				continue
			}
			if _, toEnum := becomesEnum(mc); toEnum {
				if t, ok := lookupTable(current, mt.T); ok {
					deps.add(t, mc.From.Name, mt.T, mc.To.Name)
				}
			}
		}
	}
}

// needsSwap reports whether an enum type's values cannot go from one list
// to the other by ALTER TYPE … ADD VALUE: a value is removed, or two kept
// values change order.
func needsSwap(from, to []string) bool {
	if lost(from, to) {
		return true
	}
	kept := slices.DeleteFunc(slices.Clone(to), func(v string) bool { return !slices.Contains(from, v) })
	return !slices.Equal(kept, from)
}

// lost reports whether a value of from is not in to.
func lost(from, to []string) bool {
	return slices.ContainsFunc(from, func(v string) bool { return !slices.Contains(to, v) })
}

// takeSwaps takes out of changes the enum type modifications that want
// says to swap.
func takeSwaps(changes []schema.Change, want func(from, to *schema.EnumType) bool) ([]*swap, []schema.Change) {
	var swaps []*swap
	rest := make([]schema.Change, 0, len(changes))
	for _, c := range changes {
		if m, ok := c.(*schema.ModifyObject); ok {
			e1, ok1 := m.From.(*schema.EnumType)
			e2, ok2 := m.To.(*schema.EnumType)
			if ok1 && ok2 && want(e1, e2) {
				swaps = append(swaps, &swap{from: e1, to: e2})
				continue
			}
		}
		rest = append(rest, c)
	}
	return swaps, rest
}

// convertColumn is the ALTER TABLE that converts a column to an enum type
// (or an array of one) through text: PostgreSQL casts text to an enum
// only when told to (USING), and cannot cast the old default, so the
// default is dropped (hadDefault) and set again (def) around the type
// change.
func convertColumn(t *schema.Table, column string, typSchema *schema.Schema, typ string, array, hadDefault bool, def schema.Expr) string {
	col, target, via := quote(column), ident(typSchema, typ), "text"
	if array {
		target, via = target+"[]", "text[]"
	}
	parts := []string{fmt.Sprintf("ALTER COLUMN %s TYPE %s USING %s::%s::%s", col, target, col, via, target)}
	if hadDefault {
		parts = append([]string{"ALTER COLUMN " + col + " DROP DEFAULT"}, parts...)
	}
	if d := defaultSQL(def); d != "" {
		parts = append(parts, "ALTER COLUMN "+col+" SET DEFAULT "+d)
	}
	return fmt.Sprintf("ALTER TABLE %s %s", ident(t.Schema, t.Name), strings.Join(parts, ", "))
}

// enumOf is the enum type of a column: its type, or its arrays' elements.
func enumOf(c *schema.Column) (e *schema.EnumType, array bool) {
	if c == nil || c.Type == nil {
		return nil, false
	}
	switch t := c.Type.Type.(type) {
	case *schema.EnumType:
		return t, false
	case *postgres.ArrayType:
		e, _ := t.Type.(*schema.EnumType)
		return e, e != nil
	}
	return nil, false
}

// sameEnum reports whether a and b name the same type.
func sameEnum(a, b *schema.EnumType) bool {
	return a != nil && b != nil && a.T == b.T && schemaName(a.Schema) == schemaName(b.Schema)
}

func schemaName(s *schema.Schema) string {
	if s == nil || s.Name == "" {
		return pgdb.Schema
	}
	return s.Name
}

// retyped is a column's type change as PlanViews reads it.
func retyped(t *schema.Table, c *schema.Column) schema.Change {
	return &schema.ModifyTable{T: t, Changes: []schema.Change{&schema.ModifyColumn{From: c, To: c, Change: schema.ChangeType}}}
}
