package diffplan

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// swapColumn is a column a type swap converts.
type swapColumn struct {
	table *schema.Table  // as it is before the change (current)
	col   *schema.Column // as it is before the change
	array bool
	want  *schema.Column // the column's change, when Atlas saw one: its default is the one set
}

// columnsOf lists the columns of every table of the current realm that
// have enum type e (or arrays of it), but those the change drops (gone) or
// gives another type (it converts them itself, later). A column whose
// default changes too gets the new default from the conversion: the
// default change leaves changes (a copy of the column keeps the realm as
// it is).
func columnsOf(e *schema.EnumType, current *schema.Realm, gone map[string]bool, changes []schema.Change) []swapColumn {
	var out []swapColumn
	for _, s := range current.Schemas {
		for _, t := range s.Tables {
			if gone[tableKey(t)] {
				continue
			}
			for _, c := range t.Columns {
				ce, array := enumOf(c)
				if ce != e && !sameEnum(ce, e) || gone[tableKey(t)+"."+c.Name] {
					continue
				}
				sc := swapColumn{table: t, col: c, array: array}
				mc := modifyColumn(changes, t, c.Name)
				if mc != nil && mc.Change.Is(schema.ChangeType) {
					continue
				}
				if mc != nil && mc.Change.Is(schema.ChangeDefault) {
					sc.want = mc.To
					mc.Change &^= schema.ChangeDefault
					unchanged := *mc.To
					unchanged.Default = mc.From.Default
					mc.To = &unchanged
				}
				out = append(out, sc)
			}
		}
	}
	return out
}

// modifyColumn finds the change of column name of table t in changes.
func modifyColumn(changes []schema.Change, t *schema.Table, name string) *schema.ModifyColumn {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok || tableKey(mt.T) != tableKey(t) {
			continue
		}
		for _, tc := range mt.Changes {
			if mc, ok := tc.(*schema.ModifyColumn); ok && mc.From.Name == name {
				return mc
			}
		}
	}
	return nil
}

// droppedOf lists the tables ("schema.table") and columns
// ("schema.table.column") changes drops.
func droppedOf(changes []schema.Change) map[string]bool {
	gone := map[string]bool{}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropTable:
			gone[tableKey(c.T)] = true
		case *schema.ModifyTable:
			for _, tc := range c.Changes {
				if d, ok := tc.(*schema.DropColumn); ok {
					gone[tableKey(c.T)+"."+d.C.Name] = true
				}
			}
		}
	}
	return gone
}

// tableKey identifies a table across realms: schema.table ("" for none).
func tableKey(t *schema.Table) string {
	if t == nil {
		return ""
	}
	return schemaName(t.Schema) + "." + t.Name
}

// move converts the columns changes moves from one enum type to another
// (a column's type named anew in Ent, or a type renamed there, which
// Atlas sees as a type dropped and one created), each after its guard,
// and takes them out of changes as convertToEnums does. It returns the
// types the columns left, by enumKey.
func (p *enumPlan) move(changes []schema.Change, current *schema.Realm, deps *dependents) map[string]bool {
	left := map[string]bool{}
	takeRetyped(changes, func(mt *schema.ModifyTable, mc *schema.ModifyColumn) bool {
		e1, a1 := enumOf(mc.From)
		e2, a2 := enumOf(mc.To)
		if e1 == nil || e2 == nil || a1 != a2 || sameEnum(e1, e2) {
			return false
		}
		left[enumKey(e1)] = true
		if lost(e1.Values, e2.Values) {
			p.moves = append(p.moves, castGuard{Table: mt.T, Column: mc.To.Name, Array: a2,
				Schema: schemaName(e2.Schema), Type: e2.T, Values: e2.Values}.Change())
		}
		p.moves = append(p.moves, &migrate.Change{
			Cmd:     convertColumn(mt.T, mc.To.Name, e2.Schema, e2.T, a2, mc.From.Default != nil, mc.To.Default),
			Comment: fmt.Sprintf("move column %q of table %q from enum type %q to enum type %q", mc.To.Name, mt.T.Name, e1.T, e2.T),
		})
		if t, ok := lookupTable(current, mt.T); ok {
			p.retyped = append(p.retyped, retyped(t, mc.From))
			deps.add(t, mc.From.Name, mt.T, mc.To.Name)
		}
		return true
	})
	return left
}

// lookupTable finds the table of r with t's schema and name.
func lookupTable(r *schema.Realm, t *schema.Table) (*schema.Table, bool) {
	return pgdb.Table(r, schemaName(t.Schema), t.Name)
}

// oldName is a name for the old type of a swap that no table, view or
// enum type of its schema has, on either side, and that no other swap of
// the plan took (taken): name_old, name_old2, …, cut to fit PostgreSQL's
// 63 bytes (a longer name would be cut by PostgreSQL, maybe onto another).
func oldName(e *schema.EnumType, taken map[string]bool, realms ...*schema.Realm) string {
	used := func(name string) bool {
		if taken[schemaName(e.Schema)+"."+name] {
			return true
		}
		for _, r := range realms {
			s, ok := r.Schema(schemaName(e.Schema))
			if !ok {
				continue
			}
			if _, ok := s.Table(name); ok {
				return true
			}
			if _, ok := s.View(name); ok {
				return true
			}
			if slices.ContainsFunc(pgdb.Enums(r), func(o *schema.EnumType) bool {
				return o.T == name && schemaName(o.Schema) == s.Name
			}) {
				return true
			}
		}
		return false
	}
	for i := 1; ; i++ {
		suffix := "_old"
		if i > 1 {
			suffix = fmt.Sprintf("_old%d", i)
		}
		base := e.T
		for len(base)+len(suffix) > 63 {
			base = base[:len(base)-1]
		}
		if name := base + suffix; !used(name) {
			taken[schemaName(e.Schema)+"."+name] = true
			return name
		}
	}
}

// refuseFuncs refuses to swap type e while a function of current takes or
// returns it: the renamed old type would stay in the function's signature,
// and PostgreSQL would refuse to drop it. The signature is matched by the
// type's name, in any schema: a type of the same name elsewhere refuses
// too, which is the safe way to be wrong.
func refuseFuncs(e *schema.EnumType, current *schema.Realm) error {
	re := regexp.MustCompile(`(^|[^\w$])"?` + regexp.QuoteMeta(e.T) + `"?(\[\])?([^\w$]|$)`)
	for _, f := range pgdb.ExtrasOf(current).Funcs {
		info := pgdb.InfoOf(f)
		if re.MatchString(info.ArgTypes) || re.MatchString(info.Result) {
			return fmt.Errorf("diffplan: %w: enum type %q loses or reorders values, which takes a type swap (the old type renamed, a new one created, every column converted, the old type dropped), "+
				"but %s %s takes or returns it: write this migration by hand in the file `schemactl migrate new` creates (drop the %s, swap the type, create the %s again), then run `schemactl migrate hash`",
				ErrUnplannable, enumKey(e), info.Kind, pgdb.FuncKey(f), info.Kind, info.Kind)
		}
	}
	return nil
}

// dependents are the CHECK constraints and indexes whose expressions name
// a column converted to another enum type. PostgreSQL rebuilds them after
// the type change from their definitions, in which a value is a constant
// of the old type ('a'::status_old): comparing it with the new type fails
// ("operator does not exist"). So they are dropped before the conversions
// and created after them, as the desired state defines them, and their
// own changes leave the change set.
type dependents struct {
	changes []schema.Change
	cols    []dependentCol
}

type dependentCol struct {
	cur, want       *schema.Table // want: nil when the desired state lacks the table
	curCol, wantCol string
}

// add records a converted column: cur and col as they are before the
// change, want and wantCol after.
func (d *dependents) add(cur *schema.Table, col string, want *schema.Table, wantCol string) {
	d.cols = append(d.cols, dependentCol{cur: cur, curCol: col, want: want, wantCol: wantCol})
}

// addSwapped records a column a swap converts: the desired table of the
// same name, the column keeping its name.
func (d *dependents) addSwapped(cur *schema.Table, col string, desired *schema.Realm) {
	want, _ := lookupTable(desired, cur)
	d.add(cur, col, want, col)
}

// plan returns the statements that drop the dependents (head) and create
// them again (tail).
func (d *dependents) plan(ctx context.Context, drv migrate.Driver, realms ...*schema.Realm) (head, tail []*migrate.Change, err error) {
	type pair struct{ cur, want *schema.Table }
	var (
		order []pair
		cols  = map[pair][2][]string{}
	)
	for _, c := range d.cols {
		k := pair{c.cur, c.want}
		if _, ok := cols[k]; !ok {
			order = append(order, k)
		}
		v := cols[k]
		v[0], v[1] = append(v[0], c.curCol), append(v[1], c.wantCol)
		cols[k] = v
	}
	for _, k := range order {
		checks, indexes := namingChecks(k.cur, cols[k][0]), namingIndexes(k.cur, cols[k][0])
		var adds []schema.Change
		if k.want != nil {
			for _, c := range namingChecks(k.want, cols[k][1]) {
				adds = append(adds, &schema.AddCheck{C: c})
			}
			for _, i := range namingIndexes(k.want, cols[k][1]) {
				adds = append(adds, &schema.AddIndex{I: i})
			}
		}
		if len(checks)+len(indexes)+len(adds) == 0 {
			continue
		}
		names := map[string]bool{}
		for _, i := range indexes {
			names[i.Name] = true
			head = append(head, &migrate.Change{
				Cmd:     "DROP INDEX " + ident(k.cur.Schema, i.Name),
				Comment: fmt.Sprintf("drop index %q of table %q, to create it again after its columns' enum type changes", i.Name, k.cur.Name),
			})
		}
		if len(checks) > 0 {
			var drops []string
			for _, c := range checks {
				names[c.Name] = true
				drops = append(drops, "DROP CONSTRAINT "+quote(c.Name))
			}
			head = append(head, &migrate.Change{
				Cmd:     fmt.Sprintf("ALTER TABLE %s %s", ident(k.cur.Schema, k.cur.Name), strings.Join(drops, ", ")),
				Comment: fmt.Sprintf("drop the checks of table %q that compare an enum column, to create them again after its type changes", k.cur.Name),
			})
		}
		for _, a := range adds {
			names[changeName(a)] = true
		}
		if k.want != nil {
			d.forget(k.want, names)
		}
		if len(adds) > 0 {
			p, err := pgdb.Plan(ctx, drv, "", []schema.Change{&schema.ModifyTable{T: k.want, Changes: adds}}, realms...)
			if err != nil {
				return nil, nil, fmt.Errorf("diffplan: plan: %w", err)
			}
			tail = append(tail, p.Changes...)
		}
	}
	return head, tail, nil
}

// forget takes out of the changes of table t those of the checks and
// indexes named in names: they are dropped and created here.
func (d *dependents) forget(t *schema.Table, names map[string]bool) {
	for _, c := range d.changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok || tableKey(mt.T) != tableKey(t) {
			continue
		}
		mt.Changes = slices.DeleteFunc(mt.Changes, func(tc schema.Change) bool { return names[changeName(tc)] })
	}
}

// changeName is the name of the check or index a table change is about;
// "" for any other change.
func changeName(c schema.Change) string {
	switch c := c.(type) {
	case *schema.AddCheck:
		return c.C.Name
	case *schema.DropCheck:
		return c.C.Name
	case *schema.ModifyCheck:
		return c.From.Name
	case *schema.AddIndex:
		return c.I.Name
	case *schema.DropIndex:
		return c.I.Name
	case *schema.ModifyIndex:
		return c.From.Name
	}
	return ""
}

// namingChecks are t's CHECK constraints whose expressions name one of
// cols.
func namingChecks(t *schema.Table, cols []string) []*schema.Check {
	var out []*schema.Check
	for _, a := range t.Attrs {
		if c, ok := a.(*schema.Check); ok && c.Name != "" && namesAny(c.Expr, cols) {
			out = append(out, c)
		}
	}
	return out
}

// namingIndexes are t's indexes whose predicate or expressions name one
// of cols (an index on the column itself is rebuilt by PostgreSQL as it
// is).
func namingIndexes(t *schema.Table, cols []string) []*schema.Index {
	var out []*schema.Index
	for _, i := range t.Indexes {
		hit := false
		for _, a := range i.Attrs {
			if p, ok := a.(*postgres.IndexPredicate); ok && namesAny(p.P, cols) {
				hit = true
			}
		}
		for _, part := range i.Parts {
			if x, ok := part.X.(*schema.RawExpr); ok && namesAny(x.X, cols) {
				hit = true
			}
		}
		if hit && i.Name != "" {
			out = append(out, i)
		}
	}
	return out
}

// namesAny reports whether expr names one of cols, as a word, quoted or
// not.
func namesAny(expr string, cols []string) bool {
	for _, c := range cols {
		if regexp.MustCompile(`(^|[^\w$])"?` + regexp.QuoteMeta(c) + `"?([^\w$]|$)`).MatchString(expr) {
			return true
		}
	}
	return false
}
