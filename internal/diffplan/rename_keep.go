package diffplan

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// keepNames takes out of a diff of the renamed realm the indexes, foreign
// keys and CHECKs that are dropped and added again under another name
// with the same definition, on a table the renames touched (renamed, with
// a renamed column, or referencing such a table), and plans an ALTER INDEX
// … RENAME TO or RENAME CONSTRAINT for each instead. Ent names an index
// users_email_key, a foreign key posts_users_posts, so renaming the table
// or column renames them in the desired state; rebuilding them would lock
// the table and rescan it for nothing.
func (rn *renamed) keepNames(changes []schema.Change) []schema.Change {
	if !rn.all && len(rn.touched) == 0 {
		return changes
	}
	return slices.DeleteFunc(changes, func(c schema.Change) bool {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			return false
		}
		own := rn.all || rn.touched[tableKey(mt.T)]
		var drops []schema.Change
		for _, tc := range mt.Changes {
			switch tc.(type) {
			case *schema.DropIndex, *schema.DropForeignKey, *schema.DropCheck:
				drops = append(drops, tc)
			}
		}
		gone := map[schema.Change]bool{}
		for _, d := range drops {
			for _, tc := range mt.Changes {
				if gone[tc] {
					continue
				}
				if cmd, comment := renameOf(mt.T, d, tc, own, rn.touched); cmd != "" {
					rn.stmt(cmd, comment)
					gone[d], gone[tc] = true, true
					break
				}
			}
		}
		mt.Changes = slices.DeleteFunc(mt.Changes, func(tc schema.Change) bool { return gone[tc] })
		return len(mt.Changes) == 0
	})
}

// renameOf is the statement (and its comment) that renames what drop drops
// into what add adds on table t, when they differ only by name, or "".
// own says the renames touched t itself.
func renameOf(t *schema.Table, drop, add schema.Change, own bool, touched map[string]bool) (string, string) {
	switch d := drop.(type) {
	case *schema.DropIndex:
		a, ok := add.(*schema.AddIndex)
		if !ok || !own || !sameIndex(d.I, a.I) {
			return "", ""
		}
		return fmt.Sprintf("ALTER INDEX %s RENAME TO %s", ident(t.Schema, d.I.Name), quote(a.I.Name)),
			fmt.Sprintf("rename index %q to %q", d.I.Name, a.I.Name)
	case *schema.DropForeignKey:
		a, ok := add.(*schema.AddForeignKey)
		if !ok || !(own || touched[tableKey(d.F.RefTable)]) || !sameFK(d.F, a.F) {
			return "", ""
		}
		return renameConstraint(t, d.F.Symbol, a.F.Symbol)
	case *schema.DropCheck:
		a, ok := add.(*schema.AddCheck)
		if !ok || !own || d.C.Expr != a.C.Expr || d.C.Name == "" || a.C.Name == "" {
			return "", ""
		}
		return renameConstraint(t, d.C.Name, a.C.Name)
	}
	return "", ""
}

func renameConstraint(t *schema.Table, from, to string) (string, string) {
	return fmt.Sprintf("ALTER TABLE %s RENAME CONSTRAINT %s TO %s", ident(t.Schema, t.Name), quote(from), quote(to)),
		fmt.Sprintf("rename constraint %q of table %q to %q", from, t.Name, to)
}

// sameIndex reports whether two indexes differ only by name: the same
// kind, columns or expressions in the same order, and attributes
// (method, predicate, INCLUDE, operator classes).
func sameIndex(a, b *schema.Index) bool {
	if a.Unique != b.Unique || len(a.Parts) != len(b.Parts) || !sameAttrs(a.Attrs, b.Attrs) {
		return false
	}
	for i, p := range a.Parts {
		q := b.Parts[i]
		switch {
		case p.Desc != q.Desc, (p.C == nil) != (q.C == nil), (p.X == nil) != (q.X == nil), !sameAttrs(p.Attrs, q.Attrs):
			return false
		case p.C != nil && p.C.Name != q.C.Name:
			return false
		case p.X != nil && !reflect.DeepEqual(p.X, q.X):
			return false
		}
	}
	return true
}

// sameAttrs compares index attributes; INCLUDE by its columns' names (its
// columns belong to different realms).
func sameAttrs(a, b []schema.Attr) bool {
	norm := func(as []schema.Attr) []any {
		var out []any
		for _, x := range as {
			if inc, ok := x.(*postgres.IndexInclude); ok {
				var names []string
				for _, c := range inc.Columns {
					names = append(names, c.Name)
				}
				out = append(out, names)
				continue
			}
			out = append(out, x)
		}
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// sameFK reports whether two foreign keys differ only by name.
func sameFK(a, b *schema.ForeignKey) bool {
	names := func(cs []*schema.Column) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	action := func(o schema.ReferenceOption) schema.ReferenceOption { return cmp.Or(o, schema.NoAction) }
	return tableKey(a.RefTable) == tableKey(b.RefTable) &&
		slices.Equal(names(a.Columns), names(b.Columns)) && slices.Equal(names(a.RefColumns), names(b.RefColumns)) &&
		action(a.OnUpdate) == action(b.OnUpdate) && action(a.OnDelete) == action(b.OnDelete)
}
