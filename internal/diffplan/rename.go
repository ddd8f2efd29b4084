package diffplan

import (
	"cmp"
	"fmt"
	"slices"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// Renames are planned before anything else: the plan renames the objects
// first (ALTER TABLE … RENAME COLUMN, ALTER TABLE … RENAME TO, ALTER TYPE …
// RENAME VALUE, ALTER TYPE … RENAME TO), then migrates a copy of the
// current realm, renamed as PostgreSQL renames it, to the desired one as
// usual. An index or constraint whose only change is its name (Ent derives
// names from the table and column names) is renamed too (see keepNames).

// CheckRenames reports the first rename of rs that names something the
// current realm does not hold, or a new name the desired realm does not
// hold (or the current one already does), naming the --rename value.
func CheckRenames(current, desired *schema.Realm, rs []Rename) error {
	tables, types := newNames(rs)
	seen, targets := map[string]Rename{}, map[string]Rename{}
	for _, r := range rs {
		fail := func(format string, args ...any) error {
			return fmt.Errorf("--rename %s: %s", r, fmt.Sprintf(format, args...))
		}
		key := fmt.Sprint(r.Kind, r.Schema, ".", r.Object, ".", r.Member)
		if o, ok := seen[key]; ok {
			return fail("%s is renamed twice (also --rename %s)", r.what(), o)
		}
		seen[key] = r
		target := fmt.Sprint(r.Kind, r.Schema, ".", r.Object, ".", r.To)
		if r.Member == "" {
			target = fmt.Sprint(r.Kind, r.Schema, ".", r.To)
		}
		if o, ok := targets[target]; ok {
			return fail("two renames to %q (also --rename %s)", r.To, o)
		}
		targets[target] = r
		cs, ok := schemaOf(current, r.Schema)
		if !ok {
			return fail("the migration directory has no schema %q", r.schemaName())
		}
		ds, ok := schemaOf(desired, r.Schema)
		if !ok {
			return fail("the desired state has no schema %q", r.schemaName())
		}
		var inCurrent, inDesired, taken bool
		var parent string // the table or type in the desired state
		switch r.Kind {
		case RenameColumn, RenameTable:
			t, ok := cs.Table(r.Object)
			if !ok {
				return fail("the migration directory has no table %q", r.qualified(r.Object))
			}
			if r.Kind == RenameTable {
				inCurrent, taken = true, has(cs.Table(r.To))
				inDesired = has(ds.Table(r.To))
				break
			}
			parent = cmp.Or(tables[r.key(r.Object)], r.Object)
			inCurrent, taken = has(t.Column(r.Member)), has(t.Column(r.To))
			if dt, ok := ds.Table(parent); ok {
				inDesired = has(dt.Column(r.To))
			}
		case RenameType, RenameValue:
			e := enumIn(cs, r.Object)
			if e == nil {
				return fail("the migration directory has no enum type %q", r.qualified(r.Object))
			}
			if r.Kind == RenameType {
				inCurrent, taken, inDesired = true, enumIn(cs, r.To) != nil, enumIn(ds, r.To) != nil
				break
			}
			parent = cmp.Or(types[r.key(r.Object)], r.Object)
			inCurrent, taken = slices.Contains(e.Values, r.Member), slices.Contains(e.Values, r.To)
			if de := enumIn(ds, parent); de != nil {
				inDesired = slices.Contains(de.Values, r.To)
			}
		}
		switch {
		case !inCurrent:
			return fail("the migration directory has no %s", r.what())
		case taken:
			return fail("%s already exists in the migration directory", r.target(r.Object))
		case !inDesired:
			return fail("the desired state has no %s", r.target(cmp.Or(parent, r.Object)))
		}
	}
	return nil
}

// what names the renamed object as a message does: column "full_name" of
// table "users", value 'active' of enum type "status".
func (r Rename) what() string {
	switch r.Kind {
	case RenameColumn:
		return fmt.Sprintf("column %q in table %q", r.Member, r.qualified(r.Object))
	case RenameTable:
		return fmt.Sprintf("table %q", r.qualified(r.Object))
	case RenameType:
		return fmt.Sprintf("enum type %q", r.qualified(r.Object))
	}
	return fmt.Sprintf("value %s in enum type %q", literal(r.Member), r.qualified(r.Object))
}

// target names the object the rename makes, in the table or type parent.
func (r Rename) target(parent string) string {
	switch r.Kind {
	case RenameColumn:
		return fmt.Sprintf("column %q in table %q", r.To, r.qualified(parent))
	case RenameTable:
		return fmt.Sprintf("table %q", r.qualified(r.To))
	case RenameType:
		return fmt.Sprintf("enum type %q", r.qualified(r.To))
	}
	return fmt.Sprintf("value %s in enum type %q", literal(r.To), r.qualified(parent))
}

func (r Rename) schemaName() string { return cmp.Or(r.Schema, pgdb.Schema) }

func (r Rename) qualified(name string) string {
	if r.Schema == "" {
		return name
	}
	return r.Schema + "." + name
}

// key identifies a table or type of the rename's schema.
func (r Rename) key(name string) string { return r.schemaName() + "." + name }

func has[T any](_ T, ok bool) bool { return ok }

func schemaOf(r *schema.Realm, name string) (*schema.Schema, bool) {
	return r.Schema(cmp.Or(name, pgdb.Schema))
}

func enumIn(s *schema.Schema, name string) *schema.EnumType {
	for _, o := range s.Objects {
		if e, ok := o.(*schema.EnumType); ok && e.T == name {
			return e
		}
	}
	return nil
}

// newNames maps the tables and types rs renames to their new names.
func newNames(rs []Rename) (tables, types map[string]string) {
	tables, types = map[string]string{}, map[string]string{}
	for _, r := range rs {
		switch r.Kind {
		case RenameTable:
			tables[r.key(r.Object)] = r.To
		case RenameType:
			types[r.key(r.Object)] = r.To
		}
	}
	return tables, types
}

// invert is the renames of a down migration: from the desired names back
// to the current ones.
func invert(rs []Rename) []Rename {
	tables, types := newNames(rs)
	out := make([]Rename, len(rs))
	for i, r := range rs {
		switch r.Kind {
		case RenameColumn:
			r.Object = cmp.Or(tables[r.key(r.Object)], r.Object)
			r.Member, r.To = r.To, r.Member
		case RenameValue:
			r.Object = cmp.Or(types[r.key(r.Object)], r.Object)
			r.Member, r.To = r.To, r.Member
		default:
			r.Object, r.To = r.To, r.Object
		}
		out[i] = r
	}
	return out
}

// order is the order renames run in: each names its object by the name it
// has before any of them ran (a column by its table's old name).
var order = map[RenameKind]int{RenameColumn: 0, RenameTable: 1, RenameValue: 2, RenameType: 3}

// renamed is a realm with renames applied and what the plan writes for
// them.
type renamed struct {
	stmts   []*migrate.Change
	touched map[string]bool // tables renamed or with a renamed column, by their new qualified names
	all     bool            // every table counts as touched (Policy.keepNames)
}

// applyRenames returns a copy of r with rs applied as PostgreSQL applies
// them: a column's indexes, foreign keys and CHECKs follow it, and so do
// the columns and defaults of a renamed enum type or value. rs must have
// passed CheckRenames on r. Without renames, r itself.
func applyRenames(r *schema.Realm, rs []Rename) (*schema.Realm, *renamed) {
	out := &renamed{touched: map[string]bool{}}
	if len(rs) == 0 {
		return r, out
	}
	r = cloneRealm(r)
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b Rename) int { return order[a.Kind] - order[b.Kind] })
	for _, rn := range rs {
		s, _ := schemaOf(r, rn.Schema)
		switch rn.Kind {
		case RenameColumn:
			t, _ := s.Table(rn.Object)
			c, _ := t.Column(rn.Member)
			out.stmt(fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s", ident(s, t.Name), quote(c.Name), quote(rn.To)),
				fmt.Sprintf("rename column %q of table %q to %q", c.Name, t.Name, rn.To))
			c.Name = rn.To
			forExprs(t, func(e *string) { *e = renameIdent(*e, rn.Member, rn.To) })
			out.touched[rn.key(t.Name)] = true
		case RenameTable:
			t, _ := s.Table(rn.Object)
			out.stmt(fmt.Sprintf("ALTER TABLE %s RENAME TO %s", ident(s, t.Name), quote(rn.To)),
				fmt.Sprintf("rename table %q to %q", t.Name, rn.To))
			delete(out.touched, rn.key(t.Name))
			t.Name = rn.To
			out.touched[rn.key(t.Name)] = true
		case RenameValue:
			e := enumIn(s, rn.Object)
			out.stmt(fmt.Sprintf("ALTER TYPE %s RENAME VALUE %s TO %s", ident(s, e.T), literal(rn.Member), literal(rn.To)),
				fmt.Sprintf("rename value %q of enum type %q to %q", rn.Member, e.T, rn.To))
			e.Values[slices.Index(e.Values, rn.Member)] = rn.To
			for _, t := range pgdb.Tables(r) {
				for _, c := range t.Columns {
					if l, ok := c.Default.(*schema.Literal); ok && c.Type != nil && c.Type.Type == e && l.V == literal(rn.Member) {
						c.Default = &schema.Literal{V: literal(rn.To)}
					}
				}
				forExprs(t, func(x *string) { *x = renameValue(*x, e.T, rn.Member, rn.To) })
			}
		case RenameType:
			e := enumIn(s, rn.Object)
			out.stmt(fmt.Sprintf("ALTER TYPE %s RENAME TO %s", ident(s, e.T), quote(rn.To)),
				fmt.Sprintf("rename enum type %q to %q", e.T, rn.To))
			e.T = rn.To
			for _, t := range pgdb.Tables(r) {
				for _, c := range t.Columns {
					if c.Type != nil && c.Type.Type == e && c.Type.Raw == rn.Object {
						c.Type.Raw = rn.To
					}
				}
				forExprs(t, func(x *string) { *x = renameType(*x, rn.Object, rn.To) })
			}
		}
	}
	return r, out
}

func (rn *renamed) stmt(cmd, comment string) {
	rn.stmts = append(rn.stmts, &migrate.Change{Cmd: cmd, Comment: comment})
}

// quote quotes an identifier as PostgreSQL reads it (see convertToEnums).
func quote(name string) string { return pgx.Identifier{name}.Sanitize() }

// renamed applies the policy's renames to a copy of from (inverted for a
// down migration, which plans from the desired state back).
func (p Policy) renamed(from *schema.Realm, reverse bool) (*schema.Realm, *renamed) {
	rs := p.Renames
	if reverse {
		rs = invert(rs)
	}
	return applyRenames(from, rs)
}
