package revert

import (
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"

	"github.com/ledgerforge/schemactl/internal/diffplan"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// Check kinds: what must hold of the live rows before a down may change
// the object.
const (
	TableEmpty   = "table_empty"    // a table dropped
	ColumnNull   = "column_null"    // a column dropped
	ValuesKept   = "values_convert" // a column retyped: every value survives the conversion
	ValueUnused  = "value_unused"   // an enum value removed
	NoNulls      = "no_nulls"       // a column made NOT NULL
	ValuesInEnum = "values_in_enum" // a column converted to an enum type
)

// Check is one check of the live rows, run before the down changes
// anything. Rows counts the rows that would be lost or that stop it.
type Check struct {
	Kind   string `json:"kind"`
	Object string `json:"object"` // table "orders", column "orders"."note"
	SQL    string `json:"sql"`    // counts the rows in the way
	Rows   int64  `json:"rows"`
	Error  string `json:"error,omitempty"` // the count itself failed (values that do not convert)
	// Forcible: --force goes past a failed check, losing the rows. The
	// others would only make the down fail.
	Forcible bool   `json:"forcible"`
	what     string // what the target version does to the object
	table    string // the table it reads, as SQL
}

// Failed reports whether the rows stop the down.
func (c Check) Failed() bool { return c.Rows > 0 || c.Error != "" }

// String says what the check found, and on failure what --force would do.
func (c Check) String() string {
	if !c.Failed() {
		return fmt.Sprintf("ok: %s: %s", c.Object, c.okText())
	}
	if c.Error != "" {
		return fmt.Sprintf("%s: its values do not all convert: %s (%s); --force cannot help: fix those rows first", c.Object, c.what, c.Error)
	}
	switch c.Kind {
	case TableEmpty:
		return fmt.Sprintf("%s holds %d row(s) and %s; --force would drop them", c.Object, c.Rows, c.what)
	case ColumnNull:
		return fmt.Sprintf("%s holds %d non-NULL value(s) and %s; --force would drop them", c.Object, c.Rows, c.what)
	case ValuesKept:
		return fmt.Sprintf("%s holds %d value(s) that %s changes; --force would change them", c.Object, c.Rows, c.what)
	case ValueUnused:
		return fmt.Sprintf("%s holds %d row(s) with %s; --force cannot convert them: update or delete them first", c.Object, c.Rows, c.what)
	case ValuesInEnum:
		return fmt.Sprintf("%s holds %d value(s) that %s lacks; --force cannot convert them: update or delete them first", c.Object, c.Rows, c.what)
	case UniqueHolds:
		return fmt.Sprintf("%s: %d row(s) share a key, which %s refuses; --force cannot help: remove the duplicates first", c.Object, c.Rows, c.what)
	case CheckHolds:
		return fmt.Sprintf("%s: %d row(s) break %s; --force cannot help: fix them first", c.Object, c.Rows, c.what)
	case ForeignKeyHolds:
		return fmt.Sprintf("%s: %d row(s) reference no row, which %s refuses; --force cannot help: fix them first", c.Object, c.Rows, c.what)
	default: // NoNulls
		return fmt.Sprintf("%s holds %d NULL(s) and %s; --force cannot help: fill them first", c.Object, c.Rows, c.what)
	}
}

// Forced says what a failed check's --force did, once the down ran.
func (c Check) Forced() string {
	switch c.Kind {
	case TableEmpty:
		return fmt.Sprintf("forced: %s held %d row(s), dropped with it", c.Object, c.Rows)
	case ColumnNull:
		return fmt.Sprintf("forced: %s held %d non-NULL value(s), dropped with it", c.Object, c.Rows)
	}
	return fmt.Sprintf("forced: %s: %d value(s) changed by %s", c.Object, c.Rows, c.what)
}

func (c Check) okText() string {
	switch c.Kind {
	case TableEmpty:
		return "empty, " + c.what
	case ColumnNull:
		return "all NULL, " + c.what
	case NoNulls:
		return "no NULLs, " + c.what
	case ValueUnused:
		return "no row uses " + c.what
	case UniqueHolds, CheckHolds, ForeignKeyHolds:
		return "the rows hold " + c.what
	}
	return "every value survives: " + c.what
}

// names maps the live database's names back to the target version's
// through the renames the reverted files made.
type names struct{ tables, columns, types, values map[string]string }

func backNames(rs []diffplan.Rename) names {
	n := names{map[string]string{}, map[string]string{}, map[string]string{}, map[string]string{}}
	for _, r := range rs {
		switch r.Kind {
		case diffplan.RenameTable:
			n.tables[r.Schema+"."+r.To] = r.Object
		case diffplan.RenameColumn:
			n.columns[r.Schema+"."+r.Object+"."+r.To] = r.Member
		case diffplan.RenameType:
			n.types[r.Schema+"."+r.To] = r.Object
		case diffplan.RenameValue:
			n.values[r.Schema+"."+r.Object+"."+r.To] = r.Member
		}
	}
	return n
}

func or(m map[string]string, k, v string) string {
	if o, ok := m[k]; ok {
		return o
	}
	return v
}

// checks lists what the way from live to target must find in the rows:
// tables dropped are empty, columns dropped all NULL, enum values removed
// unused, retyped columns' values survive the conversion, columns made NOT
// NULL hold no NULL, and the unique indexes, CHECKs and foreign keys added
// back hold (constraints.go).
func checks(live, target *schema.Realm, rs []diffplan.Rename) ([]Check, error) {
	back := backNames(rs)
	out := []Check{} // a JSON list, never null
	for _, ls := range live.Schemas {
		sch := schemaName(ls.Name)
		ts, _ := target.Schema(ls.Name)
		for _, lt := range ls.Tables {
			ref := tableSQL(ls.Name, lt.Name)
			tname := or(back.tables, sch+"."+lt.Name, lt.Name)
			var tt *schema.Table
			if ts != nil {
				tt, _ = ts.Table(tname)
			}
			if tt == nil {
				out = append(out, Check{Kind: TableEmpty, Object: fmt.Sprintf("table %q", lt.Name), Forcible: true, table: ref,
					SQL: "SELECT count(*) FROM " + ref, what: "the target version has no such table"})
				continue
			}
			for _, lc := range lt.Columns {
				obj := fmt.Sprintf("column %q.%q", lt.Name, lc.Name)
				col := pgx.Identifier{lc.Name}.Sanitize()
				tc, ok := tt.Column(or(back.columns, sch+"."+tname+"."+lc.Name, lc.Name))
				if !ok && generated(lc) {
					// GENERATED ALWAYS AS (…) STORED: its values are
					// computed from the row, so dropping it loses nothing.
					continue
				}
				if !ok {
					out = append(out, Check{Kind: ColumnNull, Object: obj, Forcible: true, table: ref,
						SQL: fmt.Sprintf("SELECT count(*) FROM %s WHERE %s IS NOT NULL", ref, col), what: "the target version has no such column"})
					continue
				}
				c, err := typeCheck(live, target, back, ref, obj, col, lc, tc)
				if err != nil {
					return nil, err
				}
				if c != nil {
					c.table = ref
					out = append(out, *c)
				}
				if lc.Type.Null && !tc.Type.Null {
					out = append(out, Check{Kind: NoNulls, Object: obj, table: ref,
						SQL: fmt.Sprintf("SELECT count(*) FROM %s WHERE %s IS NULL", ref, col), what: "the target version makes it NOT NULL"})
				}
			}
			out = append(out, constraintChecks(lt, tt, ref, live)...)
		}
	}
	return out, nil
}

// typeCheck is the check of a column whose type the down changes, nil when
// it keeps it (an enum type renamed back is the same type).
func typeCheck(live, target *schema.Realm, back names, ref, obj, col string, lc, tc *schema.Column) (*Check, error) {
	// An array of an enum loses the values its type loses, as the enum
	// column does.
	if le, te, ok := enumArrays(lc, tc); ok && back.sameEnum(le, te) {
		return removedValues(le, te, back, ref, obj, col, true), nil
	}
	le, lenum := lc.Type.Type.(*schema.EnumType)
	te, tenum := tc.Type.Type.(*schema.EnumType)
	switch {
	case lenum && tenum:
		if back.sameEnum(le, te) {
			return removedValues(le, te, back, ref, obj, col, false), nil
		}
		fallthrough
	case tenum:
		return &Check{Kind: ValuesInEnum, Object: obj, what: fmt.Sprintf("enum type %q at the target version", te.T),
			SQL: fmt.Sprintf("SELECT count(*) FROM %s WHERE %s IS NOT NULL AND %s::text <> ALL (%s)", ref, col, col, textArray(te.Values))}, nil
	}
	lt, err := typeSQL(lc.Type.Type)
	if err != nil {
		return nil, err
	}
	tt, err := typeSQL(tc.Type.Type)
	if err != nil {
		return nil, err
	}
	if lt == tt {
		return nil, nil
	}
	return &Check{Kind: ValuesKept, Object: obj, Forcible: true, what: fmt.Sprintf("the conversion from %s to %s", lt, tt),
		SQL: fmt.Sprintf("SELECT count(*) FROM %s WHERE %s IS NOT NULL AND ((%s::%s)::%s)::text IS DISTINCT FROM %s::text", ref, col, col, tt, lt, col)}, nil
}

// sameEnum: the live enum type is the target's, perhaps renamed.
func (n names) sameEnum(le, te *schema.EnumType) bool {
	lsch := schemaName(enumSchema(le))
	return or(n.types, lsch+"."+le.T, le.T) == te.T && lsch == schemaName(enumSchema(te))
}

// enumArrays are the element types of two columns that are both arrays of
// an enum type.
func enumArrays(lc, tc *schema.Column) (le, te *schema.EnumType, ok bool) {
	la, lok := lc.Type.Type.(*postgres.ArrayType)
	ta, tok := tc.Type.Type.(*postgres.ArrayType)
	if !lok || !tok {
		return nil, nil, false
	}
	le, lok = la.Type.(*schema.EnumType)
	te, tok = ta.Type.(*schema.EnumType)
	return le, te, lok && tok
}

// removedValues checks that no row holds a value the target's type lacks
// (in an array column: in any of its elements).
func removedValues(le, te *schema.EnumType, back names, ref, obj, col string, array bool) *Check {
	var gone []string
	for _, v := range le.Values {
		if !slices.Contains(te.Values, or(back.values, schemaName(enumSchema(le))+"."+te.T+"."+v, v)) {
			gone = append(gone, v)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	c := &Check{Kind: ValueUnused, Object: obj, what: fmt.Sprintf("value(s) %s, which enum type %q lacks at the target version", quoted(gone), te.T),
		SQL: fmt.Sprintf("SELECT count(*) FROM %s WHERE %s::text = ANY (%s)", ref, col, textArray(gone))}
	if array {
		c.SQL = fmt.Sprintf("SELECT count(*) FROM %s WHERE %s::text[] && %s", ref, col, textArray(gone))
	}
	return c
}

func enumSchema(e *schema.EnumType) string {
	if e.Schema != nil {
		return e.Schema.Name
	}
	return pgdb.Schema
}

// typeSQL is a column type as SQL, an enum type qualified outside public.
func typeSQL(t schema.Type) (string, error) {
	if e, ok := t.(*schema.EnumType); ok {
		if s := enumSchema(e); s != pgdb.Schema {
			return pgx.Identifier{s, e.T}.Sanitize(), nil
		}
		return pgx.Identifier{e.T}.Sanitize(), nil
	}
	s, err := postgres.FormatType(t)
	if err != nil {
		return "", fmt.Errorf("revert: %w", err)
	}
	return s, nil
}

// tableSQL names a table as the down's statements do: unqualified in
// public (the URL's search_path may bind it to another schema).
func tableSQL(sch, name string) string {
	if sch == pgdb.Schema {
		return pgx.Identifier{name}.Sanitize()
	}
	return pgx.Identifier{sch, name}.Sanitize()
}

func textArray(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return "ARRAY[" + strings.Join(q, ", ") + "]::text[]"
}

func quoted(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

func generated(c *schema.Column) bool {
	for _, a := range c.Attrs {
		if _, ok := a.(*schema.GeneratedExpr); ok {
			return true
		}
	}
	return false
}
