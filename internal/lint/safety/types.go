package safety

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// sqlType is a column type reduced to what decides narrowing and rewrites.
type sqlType struct {
	name  string // PostgreSQL's canonical name, e.g. "character varying"
	size  int    // length or precision; 0 means unlimited or none
	scale int
}

func (t sqlType) String() string {
	switch {
	case t.size > 0 && t.scale > 0:
		return fmt.Sprintf("%s(%d,%d)", t.name, t.size, t.scale)
	case t.size > 0:
		return fmt.Sprintf("%s(%d)", t.name, t.size)
	}
	return t.name
}

// canonical maps parser-internal names to PostgreSQL's display names, as
// the inspected schema spells them.
var canonical = map[string]string{
	"varchar": "character varying", "bpchar": "character", "int8": "bigint", "int4": "integer",
	"int2": "smallint", "float8": "double precision", "float4": "real", "bool": "boolean",
	"timestamptz": "timestamp with time zone", "timestamp": "timestamp without time zone",
	"timetz": "time with time zone", "time": "time without time zone", "decimal": "numeric",
}

func typeOfName(tn *pg_query.TypeName) sqlType {
	name := namesOf(tn.Names)
	if c, ok := canonical[name]; ok {
		name = c
	}
	if len(tn.ArrayBounds) > 0 {
		name += "[]" // as an inspected array column's type reads
	}
	t := sqlType{name: name}
	var mods []int
	for _, m := range tn.Typmods {
		if c := m.GetAConst(); c != nil {
			mods = append(mods, int(c.GetIval().GetIval()))
		}
	}
	if len(mods) > 0 {
		t.size = mods[0]
	}
	if len(mods) > 1 {
		t.scale = mods[1]
	}
	return t
}

var sized = regexp.MustCompile(`^(.*?)\((\d+)(?:,\s*(\d+))?\)$`)

func typeOfColumn(c *schema.Column) sqlType {
	if e, ok := c.Type.Type.(*schema.EnumType); ok {
		return sqlType{name: e.T}
	}
	s, err := postgres.FormatType(c.Type.Type)
	if err != nil {
		s = c.Type.Raw
	}
	if m := sized.FindStringSubmatch(s); m != nil {
		size, _ := strconv.Atoi(m[2])
		scale, _ := strconv.Atoi(m[3])
		return sqlType{name: strings.TrimSpace(m[1]), size: size, scale: scale}
	}
	return sqlType{name: s}
}

var intRank = map[string]int{"smallint": 1, "integer": 2, "bigint": 3, "real": 1, "double precision": 2}

// compareTypes says whether from -> to may lose data and whether PostgreSQL
// rewrites the table for it. Only the binary-compatible widenings are free:
// a longer or unlimited varchar, varchar to text, more numeric precision.
func compareTypes(from, to sqlType) (narrower, rewrite bool) {
	str := func(n string) bool { return n == "character varying" || n == "text" }
	switch {
	case from == to:
		return false, false
	case str(from.name) && str(to.name):
		if to.size == 0 {
			return false, false // unlimited
		}
		return from.size == 0 || to.size < from.size, from.size == 0 || to.size < from.size
	case from.name == "numeric" && to.name == "numeric":
		if to.size == 0 {
			return false, false
		}
		if from.size == 0 || to.size < from.size || to.scale < from.scale {
			return true, true
		}
		return false, to.scale != from.scale
	case intRank[from.name] > 0 && intRank[to.name] > 0 && isFloat(from.name) == isFloat(to.name):
		return intRank[to.name] < intRank[from.name], true
	case from.name == "character" && to.name == "character":
		return to.size < from.size, true
	}
	// Any other change converts every value: a rewrite, which may also fail.
	return to.name == "character" || to.size > 0 && str(to.name), true
}

func isFloat(n string) bool { return n == "real" || n == "double precision" }

func columnType(s *schema.Schema, table, column string) (sqlType, bool) {
	if s == nil {
		return sqlType{}, false
	}
	t, ok := s.Table(table)
	if !ok {
		return sqlType{}, false
	}
	c, ok := t.Column(column)
	if !ok {
		return sqlType{}, false
	}
	return typeOfColumn(c), true
}

func enum(s *schema.Schema, name string) (*schema.EnumType, bool) {
	if s == nil {
		return nil, false
	}
	for _, o := range s.Objects {
		if e, ok := o.(*schema.EnumType); ok && e.T == name {
			return e, true
		}
	}
	return nil, false
}

// indexTable finds the table of an existing index, and whether it is unique.
func indexTable(s *schema.Schema, index string) (string, bool) {
	if s == nil {
		return "", false
	}
	for _, t := range s.Tables {
		for _, i := range t.Indexes {
			if i.Name == index {
				return t.Name, i.Unique
			}
		}
	}
	return "", false
}

var notNullExpr = regexp.MustCompile(`^\(*"?(\w+)"? IS NOT NULL\)*$`)

// hasNotNullCheck: a validated CHECK (col IS NOT NULL) lets SET NOT NULL
// skip the scan (PostgreSQL 12+).
func hasNotNullCheck(s *schema.Schema, table, column string) bool {
	return slices.ContainsFunc(notNullChecks(s, table), func(c notNullCheck) bool { return c.column == column })
}

// notNullCheckColumn is the column a CHECK (col IS NOT NULL) of the
// earlier schema, named name on table, proves, or "".
func notNullCheckColumn(s *schema.Schema, table, name string) string {
	for _, c := range notNullChecks(s, table) {
		if c.name == name {
			return c.column
		}
	}
	return ""
}

// notNullCheck is a CHECK (col IS NOT NULL): its name, and the column.
type notNullCheck struct{ name, column string }

// notNullChecks are table's CHECKs of the form (col IS NOT NULL).
func notNullChecks(s *schema.Schema, table string) []notNullCheck {
	t, ok := lookupTable(s, table)
	if !ok {
		return nil
	}
	var out []notNullCheck
	for _, a := range t.Attrs {
		if c, ok := a.(*schema.Check); ok {
			if m := notNullExpr.FindStringSubmatch(strings.TrimSpace(c.Expr)); m != nil {
				out = append(out, notNullCheck{c.Name, m[1]})
			}
		}
	}
	return out
}

func lookupTable(s *schema.Schema, name string) (*schema.Table, bool) {
	if s == nil {
		return nil, false
	}
	return s.Table(name)
}

// foreignKey finds a foreign key of the earlier schema by table and name.
func foreignKey(s *schema.Schema, table, name string) *schema.ForeignKey {
	t, ok := lookupTable(s, table)
	if !ok {
		return nil
	}
	fk, ok := t.ForeignKey(name)
	if !ok {
		return nil
	}
	return fk
}
