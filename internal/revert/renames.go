package revert

import (
	"slices"

	"ariga.io/atlas/sql/schema"
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/ledgerforge/schemactl/internal/diffplan"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// renames reads the renames the reverted files made (RENAME COLUMN, ALTER
// TABLE … RENAME TO, ALTER TYPE … RENAME TO and RENAME VALUE), old name to
// new, so the down renames back instead of dropping a column full of rows
// and adding an empty one. A name renamed twice is one rename from the
// first name to the last. Renames the states do not bear out (the column
// was dropped later) are left out: the plan then drops and creates, and
// the checks see what that loses. target is the state before the files,
// current the state after them.
func renames(stmts []parsed, target, current *schema.Realm) []diffplan.Rename {
	var rs []diffplan.Rename
	tables, types := map[string]string{}, map[string]string{} // new name -> first name
	oldTable := func(sch, t string) string {
		if o, ok := tables[sch+"."+t]; ok {
			return o
		}
		return t
	}
	oldType := func(sch, t string) string {
		if o, ok := types[sch+"."+t]; ok {
			return o
		}
		return t
	}
	add := func(r diffplan.Rename) {
		for i, o := range rs {
			if o.Kind == r.Kind && o.Schema == r.Schema && o.Object == r.Object && o.To == r.Old() {
				rs[i].To = r.To // a second rename of the same name
				return
			}
		}
		rs = append(rs, r)
	}
	for _, s := range stmts {
		for _, n := range s.nodes {
			if r := n.GetRenameStmt(); r != nil {
				sch := schemaName(r.GetRelation().GetSchemaname())
				switch r.RenameType {
				case pg_query.ObjectType_OBJECT_COLUMN:
					if r.RelationType == pg_query.ObjectType_OBJECT_TABLE {
						add(diffplan.Rename{Kind: diffplan.RenameColumn, Schema: sch, Object: oldTable(sch, r.GetRelation().GetRelname()), Member: r.Subname, To: r.Newname})
					}
				case pg_query.ObjectType_OBJECT_TABLE:
					old := oldTable(sch, r.GetRelation().GetRelname())
					tables[sch+"."+r.Newname] = old
					add(diffplan.Rename{Kind: diffplan.RenameTable, Schema: sch, Object: r.GetRelation().GetRelname(), To: r.Newname})
				case pg_query.ObjectType_OBJECT_TYPE:
					sch, name := qualified(nodeNames(r.GetObject()))
					types[sch+"."+r.Newname] = oldType(sch, name)
					add(diffplan.Rename{Kind: diffplan.RenameType, Schema: sch, Object: name, To: r.Newname})
				}
			}
			if e := n.GetAlterEnumStmt(); e != nil && e.OldVal != "" {
				sch, name := qualified(listNames(e.TypeName))
				add(diffplan.Rename{Kind: diffplan.RenameValue, Schema: sch, Object: oldType(sch, name), Member: e.OldVal, To: e.NewVal})
			}
		}
	}
	// Each rename is checked with those kept before it, the tables' and
	// types' first: a column or value rename names its table or type by
	// the old name, which the states bear out only through their rename.
	var kept []diffplan.Rename
	for _, whole := range []bool{true, false} {
		for _, r := range rs {
			if (r.Member == "") == whole && diffplan.CheckRenames(target, current, append(slices.Clone(kept), r)) == nil {
				kept = append(kept, r)
			}
		}
	}
	return kept
}

func schemaName(s string) string {
	if s == pgdb.Schema {
		return ""
	}
	return s
}

// qualified splits a possibly qualified name.
func qualified(ns []string) (sch, name string) {
	switch len(ns) {
	case 0:
		return "", ""
	case 1:
		return "", ns[0]
	}
	return schemaName(ns[len(ns)-2]), ns[len(ns)-1]
}

func nodeNames(n *pg_query.Node) []string {
	if l := n.GetList(); l != nil {
		return listNames(l.Items)
	}
	if s := n.GetString_(); s != nil {
		return []string{s.Sval}
	}
	return nil
}

func listNames(items []*pg_query.Node) []string {
	var out []string
	for _, i := range items {
		if s := i.GetString_(); s != nil {
			out = append(out, s.Sval)
		}
	}
	return out
}
