package diffplan

import (
	"slices"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// scope is the part of current that the versions ups can touch, for
// versionDowns to create on the dev database instead of all of it: on a
// schema of hundreds of tables, creating it and inspecting it after each
// version cost a second where the change touches one table. What ups
// name is kept (tables, views, and the tables of the indexes and
// constraints they name), with what those need to be created and
// changed: the tables their foreign keys reference, the tables and views
// a view reads, the triggers on them, and every table with a column of an
// enum type ups name (a down that takes values out converts each such
// column). Schemas, enum types, functions and extensions are kept whole.
// A name is a word of a statement, quoted or not, so a guard's DO block
// names its table too; a word that only looks like a name keeps a table
// for nothing. When ups reach past what is kept after all, they fail on
// the dev database, and versionDowns creates all of current instead.
//
// all says that part is all of current (creatable): everything is kept,
// or a view ups name does not say what it reads.
func scope(current *schema.Realm, ups []*migrate.Plan) (part *schema.Realm, all bool) {
	named := map[string]bool{}
	for _, p := range ups {
		for _, c := range p.Changes {
			for _, t := range tokenize(c.Cmd) {
				if t.kind == tokIdent {
					named[t.text] = true
				}
			}
		}
	}
	keep := map[any]bool{} // *schema.Table, *schema.View
	var table func(*schema.Table)
	table = func(t *schema.Table) {
		if t == nil || keep[t] {
			return
		}
		keep[t] = true
		for _, fk := range t.ForeignKeys {
			table(fk.RefTable)
		}
	}
	var view func(*schema.View) bool
	view = func(v *schema.View) bool {
		if keep[v] {
			return true
		}
		if len(v.Deps) == 0 {
			return false
		}
		keep[v] = true
		for _, d := range v.Deps {
			switch d := d.(type) {
			case *schema.Table:
				table(d)
			case *schema.View:
				if !view(d) {
					return false
				}
			}
		}
		return true
	}
	types := map[string]bool{}
	for _, e := range pgdb.Enums(current) {
		if named[e.T] {
			types[enumKey(e)] = true
		}
	}
	tables, views := 0, 0
	for _, s := range current.Schemas {
		tables += len(s.Tables)
		views += len(s.Views)
		for _, t := range s.Tables {
			if tableNamed(t, named, types) {
				table(t)
			}
		}
		for _, v := range s.Views {
			if named[v.Name] && !view(v) {
				return creatable(current, nil), true
			}
		}
	}
	if len(keep) == tables+views {
		return creatable(current, nil), true
	}
	kept := map[pgdb.TableName]bool{}
	for o := range keep {
		switch o := o.(type) {
		case *schema.Table:
			kept[pgdb.TableName{Schema: schemaName(o.Schema), Name: o.Name}] = true
		case *schema.View:
			kept[pgdb.TableName{Schema: schemaName(o.Schema), Name: o.Name}] = true
		}
	}
	return creatable(current, kept), false
}

// creatable is r with only the tables and views kept names (nil: all of
// them), the triggers on them, and none of the foreign keys that reference
// a table it lacks: one that atlas.hcl's exclude patterns left out of the
// directory's state. r itself when nothing is left out.
func creatable(r *schema.Realm, kept map[pgdb.TableName]bool) *schema.Realm {
	in := func(s *schema.Schema, name string) bool {
		return kept == nil || kept[pgdb.TableName{Schema: schemaName(s), Name: name}]
	}
	present := map[*schema.Table]bool{}
	for _, s := range r.Schemas {
		for _, t := range s.Tables {
			present[t] = in(s, t.Name)
		}
	}
	dangling := false
	for t, ok := range present {
		for _, fk := range t.ForeignKeys {
			dangling = dangling || ok && !present[fk.RefTable]
		}
	}
	if kept == nil && !dangling {
		return r
	}
	r = cloneRealm(r)
	tables := map[*schema.Table]bool{}
	for _, s := range r.Schemas {
		s.Tables = slices.DeleteFunc(s.Tables, func(t *schema.Table) bool { return !in(s, t.Name) })
		s.Views = slices.DeleteFunc(s.Views, func(v *schema.View) bool { return !in(s, v.Name) })
		for _, t := range s.Tables {
			tables[t] = true
		}
	}
	for t := range tables {
		t.ForeignKeys = slices.DeleteFunc(t.ForeignKeys, func(fk *schema.ForeignKey) bool { return !tables[fk.RefTable] })
	}
	x := pgdb.ExtrasOf(r)
	x.Triggers = slices.DeleteFunc(x.Triggers, func(t *schema.Trigger) bool {
		n := pgdb.TriggerTable(t)
		return kept != nil && !kept[n]
	})
	return r
}

// tableNamed reports whether t, one of its indexes or constraints is
// named, or one of its columns is of an enum type in types.
func tableNamed(t *schema.Table, named, types map[string]bool) bool {
	if named[t.Name] || t.PrimaryKey != nil && named[t.PrimaryKey.Name] {
		return true
	}
	for _, idx := range t.Indexes {
		if named[idx.Name] {
			return true
		}
	}
	for _, fk := range t.ForeignKeys {
		if named[fk.Symbol] {
			return true
		}
	}
	for _, a := range t.Attrs {
		if c, ok := a.(*schema.Check); ok && named[c.Name] {
			return true
		}
	}
	for _, c := range t.Columns {
		if e, _ := enumOf(c); e != nil && types[enumKey(e)] {
			return true
		}
	}
	return false
}
