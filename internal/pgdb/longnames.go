package pgdb

import (
	"regexp"
	"slices"

	"ariga.io/atlas/sql/schema"
)

// Ent names an index or foreign key longer than 63 bytes name[:30]_<md5>
// (its migrate's setupTables, which the loader runs); Atlas's ent://
// loader does not, so a directory `atlas migrate diff` wrote holds the
// same object under the name PostgreSQL cut to 63 bytes. Both forms are in
// real use, and both begin with the original's first 30 bytes.
var hashedName = regexp.MustCompile(`^(.{30})_[0-9a-f]{32}$`)

// matchLongNames renames, in to, each index or foreign key whose name is
// Ent's hashed form of a long name when from's table holds the same object
// (same columns, same kind, same referenced table) under a cut name with
// the same 30-byte prefix, and not under the hashed one: the comparison
// then sees one object, and `migrate diff` keeps the directory's name
// instead of writing DROP/ADD churn.
func matchLongNames(from, to *schema.Realm) {
	for _, ts := range to.Schemas {
		if fs, ok := from.Schema(ts.Name); ok {
			matchSchemaLongNames(fs, ts)
		}
	}
}

// matchSchemaLongNames is matchLongNames within one pair of schemas.
func matchSchemaLongNames(fs, ts *schema.Schema) {
	for _, tt := range ts.Tables {
		ft, ok := fs.Table(tt.Name)
		if !ok {
			continue
		}
		for _, idx := range tt.Indexes {
			if p, ok := hashedPrefix(idx.Name); ok && !has(ft.Index(idx.Name)) {
				for _, f := range ft.Indexes {
					if cut(f.Name, p) && !has(tt.Index(f.Name)) && f.Unique == idx.Unique && sameParts(f.Parts, idx.Parts) {
						idx.Name = f.Name
						break
					}
				}
			}
		}
		for _, fk := range tt.ForeignKeys {
			if p, ok := hashedPrefix(fk.Symbol); ok && !has(ft.ForeignKey(fk.Symbol)) {
				for _, f := range ft.ForeignKeys {
					if cut(f.Symbol, p) && !has(tt.ForeignKey(f.Symbol)) && sameFK(f, fk) {
						fk.Symbol = f.Symbol
						break
					}
				}
			}
		}
	}
}

func hashedPrefix(name string) (string, bool) {
	m := hashedName.FindStringSubmatch(name)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// cut reports whether name is a long name cut to 63 bytes that begins with
// prefix.
func cut(name, prefix string) bool {
	return len(name) == 63 && name[:30] == prefix && !hashedName.MatchString(name)
}

func sameParts(a, b []*schema.IndexPart) bool {
	return slices.EqualFunc(a, b, func(x, y *schema.IndexPart) bool {
		return x.C != nil && y.C != nil && x.C.Name == y.C.Name && x.Desc == y.Desc
	})
}

func sameFK(a, b *schema.ForeignKey) bool {
	names := func(cs []*schema.Column) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.Name
		}
		return out
	}
	return a.RefTable != nil && b.RefTable != nil && a.RefTable.Name == b.RefTable.Name &&
		slices.Equal(names(a.Columns), names(b.Columns)) && slices.Equal(names(a.RefColumns), names(b.RefColumns))
}

// has takes the found result of Atlas's lookups (Table.Index, ForeignKey).
func has[T any](_ T, ok bool) bool { return ok }
