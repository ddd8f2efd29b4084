package revert

import (
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// Constraint check kinds: a unique index, CHECK or foreign key the down
// adds back must hold for the rows the table has now (rows added since
// the reverted files ran may break it). Without these checks the dry run
// passed and the real run failed on the statement, rolled back.
const (
	UniqueHolds     = "unique_holds"
	CheckHolds      = "check_holds"
	ForeignKeyHolds = "foreign_key_holds"
)

// constraintChecks lists the checks of the unique indexes, CHECKs and
// foreign keys of tt (the target's table) that lt (the live one, named ref
// in SQL) lacks. Only tables whose columns keep their names are checked:
// the expressions are the target's. NOT VALID constraints are not in tt
// (KeepNotValid took them out): they check no existing row.
func constraintChecks(lt, tt *schema.Table, ref string, live *schema.Realm) []Check {
	if !sameColumns(lt, tt) {
		return nil
	}
	var out []Check
	for _, ti := range tt.Indexes {
		cols, ok := plainColumns(ti)
		if !ti.Unique || !ok || predicate(ti) || slices.ContainsFunc(lt.Indexes, func(li *schema.Index) bool { return li.Unique && sameParts(li, ti) }) {
			continue
		}
		list := strings.Join(cols, ", ")
		out = append(out, Check{Kind: UniqueHolds, Object: fmt.Sprintf("index %q", ti.Name), table: ref,
			what: fmt.Sprintf("the target version's unique index on %s", list),
			SQL: fmt.Sprintf("SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM %s WHERE %s GROUP BY %s HAVING count(*) > 1) AS d",
				ref, notNull(cols), list)})
	}
	for _, a := range tt.Attrs {
		c, ok := a.(*schema.Check)
		if !ok || slices.ContainsFunc(lt.Attrs, func(a schema.Attr) bool { l, ok := a.(*schema.Check); return ok && l.Expr == c.Expr }) {
			continue
		}
		out = append(out, Check{Kind: CheckHolds, Object: fmt.Sprintf("check %q", c.Name), table: ref,
			what: fmt.Sprintf("the target version's CHECK %s", c.Expr),
			SQL:  fmt.Sprintf("SELECT count(*) FROM %s WHERE NOT (%s)", ref, c.Expr)})
	}
	for _, fk := range tt.ForeignKeys {
		if slices.ContainsFunc(lt.ForeignKeys, func(l *schema.ForeignKey) bool { return sameKey(l, fk) }) {
			continue
		}
		if c, ok := foreignKeyCheck(fk, ref, live); ok {
			out = append(out, c)
		}
	}
	return out
}

// foreignKeyCheck counts the rows whose key has no referenced row: none
// at all when the referenced table is one the down creates (empty).
func foreignKeyCheck(fk *schema.ForeignKey, ref string, live *schema.Realm) (Check, bool) {
	var cols, refCols []string
	for _, c := range fk.Columns {
		cols = append(cols, pgx.Identifier{c.Name}.Sanitize())
	}
	for _, c := range fk.RefColumns {
		refCols = append(refCols, pgx.Identifier{c.Name}.Sanitize())
	}
	if len(cols) == 0 || len(cols) != len(refCols) || fk.RefTable == nil {
		return Check{}, false
	}
	c := Check{Kind: ForeignKeyHolds, Object: fmt.Sprintf("foreign key %q", fk.Symbol), table: ref,
		what: fmt.Sprintf("the target version's foreign key to %q", fk.RefTable.Name)}
	rs := refSchema(fk)
	if _, ok := pgdb.Table(live, rs, fk.RefTable.Name); !ok {
		c.SQL = fmt.Sprintf("SELECT count(*) FROM %s WHERE %s", ref, notNull(cols))
		return c, true
	}
	var on []string
	for i := range cols {
		on = append(on, fmt.Sprintf("r.%s = t.%s", refCols[i], cols[i]))
	}
	c.SQL = fmt.Sprintf("SELECT count(*) FROM %s AS t WHERE %s AND NOT EXISTS (SELECT 1 FROM %s AS r WHERE %s)",
		ref, notNull(prefixed("t.", cols)), tableSQL(rs, fk.RefTable.Name), strings.Join(on, " AND "))
	return c, true
}

func refSchema(fk *schema.ForeignKey) string {
	if fk.RefTable.Schema != nil {
		return fk.RefTable.Schema.Name
	}
	return "public"
}

// sameColumns: the live table has the target's columns under the same
// names (none renamed, none to be added).
func sameColumns(lt, tt *schema.Table) bool {
	for _, c := range tt.Columns {
		if _, ok := lt.Column(c.Name); !ok {
			return false
		}
	}
	return true
}

// plainColumns are an index's parts when each is a column.
func plainColumns(i *schema.Index) ([]string, bool) {
	var cols []string
	for _, p := range i.Parts {
		if p.C == nil {
			return nil, false
		}
		cols = append(cols, pgx.Identifier{p.C.Name}.Sanitize())
	}
	return cols, len(cols) > 0
}

func predicate(i *schema.Index) bool {
	return slices.ContainsFunc(i.Attrs, func(a schema.Attr) bool { _, ok := a.(*postgres.IndexPredicate); return ok })
}

func sameParts(a, b *schema.Index) bool {
	ac, aok := plainColumns(a)
	bc, bok := plainColumns(b)
	return aok && bok && slices.Equal(ac, bc)
}

func sameKey(a, b *schema.ForeignKey) bool {
	names := func(cs []*schema.Column) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	return a.RefTable != nil && b.RefTable != nil && a.RefTable.Name == b.RefTable.Name &&
		slices.Equal(names(a.Columns), names(b.Columns)) && slices.Equal(names(a.RefColumns), names(b.RefColumns))
}

func notNull(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + " IS NOT NULL"
	}
	return strings.Join(parts, " AND ")
}

func prefixed(p string, cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = p + c
	}
	return out
}
