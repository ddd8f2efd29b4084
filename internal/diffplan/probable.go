package diffplan

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// Probable is a drop and a create that look like one rename the plan does
// not make: the plan drops the old object, with its data, and creates the
// new one empty. Which pairs are probable renames:
//
//   - a column dropped and a column added in the same table, of compatible
//     types (compatible);
//   - a table dropped and a table created in the same schema, with the
//     same column names of compatible types, whatever their indexes and
//     constraints are named (Ent derives those names from the table's);
//   - an enum type dropped and one created in the same schema with the same
//     values in the same order;
//   - an enum value removed and one added at the same position of a type
//     both states hold.
//
// An object with two candidates gives two Probables (Others counts the
// rest); the choice is the user's, never guessed.
type Probable struct {
	Rename
	// Type is the type of a column as PostgreSQL writes it, "" otherwise.
	Type string
	// Others counts the other Probables that share the old or the new
	// object: more than 0 means ambiguous.
	Others int
	hint   string
}

// Hint is the Ent schema change that keeps the old name without any
// migration, or "" (an enum value has none).
func (p Probable) Hint() string { return p.hint }

// ProbableRenames lists the probable renames between current (with p's
// renames applied) and desired, in a stable order: tables, columns, enum
// types, enum values. A kind of drop p skips loses no data and is left
// out. p's renames must have passed CheckRenames.
func ProbableRenames(current, desired *schema.Realm, p Policy) []Probable {
	current, _ = applyRenames(current, p.Renames)
	var out []Probable
	for _, cs := range current.Schemas {
		ds, ok := desired.Schema(cs.Name)
		if !ok {
			continue
		}
		sch := cs.Name
		if sch == "public" {
			sch = ""
		}
		if !p.Skip["drop_table"] {
			for _, t := range cs.Tables {
				if has(ds.Table(t.Name)) {
					continue
				}
				for _, n := range ds.Tables {
					if !has(cs.Table(n.Name)) && sameShape(t, n) {
						out = append(out, Probable{Rename: Rename{Kind: RenameTable, Schema: sch, Object: t.Name, To: n.Name},
							hint: fmt.Sprintf("entsql.Annotation{Table: %q}", t.Name)})
					}
				}
			}
		}
		if !p.Skip["drop_column"] {
			for _, t := range cs.Tables {
				dt, ok := ds.Table(t.Name)
				if !ok {
					continue
				}
				for _, c := range t.Columns {
					if has(dt.Column(c.Name)) {
						continue
					}
					for _, n := range dt.Columns {
						if !has(t.Column(n.Name)) && compatible(c.Type, n.Type) {
							out = append(out, Probable{Rename: Rename{Kind: RenameColumn, Schema: sch, Object: t.Name, Member: c.Name, To: n.Name},
								Type: typeName(c.Type), hint: fmt.Sprintf("field.%s(%q%s).StorageKey(%q)", entField(n.Type), n.Name, entArgs(n.Type), c.Name)})
						}
					}
				}
			}
		}
		for _, e := range enumsOf(cs) {
			de := enumIn(ds, e.T)
			if de == nil {
				for _, n := range enumsOf(ds) {
					if enumIn(cs, n.T) == nil && slices.Equal(e.Values, n.Values) {
						out = append(out, Probable{Rename: Rename{Kind: RenameType, Schema: sch, Object: e.T, To: n.T},
							hint: fmt.Sprintf("SchemaType(map[string]string{dialect.Postgres: %q})", e.T)})
					}
				}
				continue
			}
			for i, v := range e.Values {
				if i < len(de.Values) && !slices.Contains(de.Values, v) && !slices.Contains(e.Values, de.Values[i]) {
					out = append(out, Probable{Rename: Rename{Kind: RenameValue, Schema: sch, Object: e.T, Member: v, To: de.Values[i]}})
				}
			}
		}
	}
	// A column or value is named by its table's or type's name in the
	// directory, as --rename takes it.
	for _, r := range p.Renames {
		for i, o := range out {
			if o.Schema == r.Schema && o.Object == r.To && (r.Kind == RenameTable && o.Kind == RenameColumn || r.Kind == RenameType && o.Kind == RenameValue) {
				out[i].Object = r.Object
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Probable) int { return order[a.Kind] - order[b.Kind] })
	for i := range out {
		for j := range out {
			a, b := out[i].Rename, out[j].Rename
			if i != j && a.Kind == b.Kind && a.Schema == b.Schema && (a.Member == "" || a.Object == b.Object) &&
				(a.Old() == b.Old() || a.To == b.To) {
				out[i].Others++
			}
		}
	}
	return out
}

func enumsOf(s *schema.Schema) []*schema.EnumType {
	var out []*schema.EnumType
	for _, o := range s.Objects {
		if e, ok := o.(*schema.EnumType); ok {
			out = append(out, e)
		}
	}
	return out
}

// sameShape: the same column names, each of compatible types.
func sameShape(a, b *schema.Table) bool {
	if len(a.Columns) != len(b.Columns) || len(a.Columns) == 0 {
		return false
	}
	for _, c := range a.Columns {
		n, ok := b.Column(c.Name)
		if !ok || !compatible(c.Type, n.Type) {
			return false
		}
	}
	return true
}

// compatible reports whether a column of type a renamed and retyped to b
// keeps its values as PostgreSQL converts them: two text types (varchar of
// any length, char, text), two integer types, two enum types, a text type
// and an enum type (Ent's enum field, stored as varchar or as a native
// enum), or the same type up to its length, precision or scale
// (numeric(10,2) and numeric(12,4)).
func compatible(a, b *schema.ColumnType) bool {
	if a == nil || b == nil {
		return false
	}
	fa, fb := family(a.Type), family(b.Type)
	switch {
	case fa != "" && fb != "":
		return fa == fb || fa != "integer" && fb != "integer" // text and enum
	case fa != "" || fb != "":
		return false
	}
	return baseType(a) != "" && baseType(a) == baseType(b)
}

func family(t schema.Type) string {
	switch t.(type) {
	case *schema.StringType:
		return "text"
	case *schema.EnumType:
		return "enum"
	case *schema.IntegerType:
		return "integer"
	}
	return ""
}

var modifiers = regexp.MustCompile(`\([^)]*\)`)

// baseType is a type without its length, precision or scale.
func baseType(c *schema.ColumnType) string {
	return strings.Join(strings.Fields(modifiers.ReplaceAllString(typeName(c), "")), " ")
}

func typeName(c *schema.ColumnType) string {
	if e, ok := c.Type.(*schema.EnumType); ok {
		return e.T
	}
	if s, err := postgres.FormatType(c.Type); err == nil {
		return s
	}
	return c.Raw
}

// entField is the Ent field constructor of a column type (Ent's own
// PostgreSQL mapping: field.Int is bigint, field.Int32 integer).
func entField(c *schema.ColumnType) string {
	switch t := c.Type.(type) {
	case *schema.StringType:
		return "String"
	case *schema.EnumType:
		return "Enum"
	case *schema.IntegerType:
		switch t.T {
		case "smallint":
			return "Int16"
		case "integer":
			return "Int32"
		}
		return "Int"
	case *schema.BoolType:
		return "Bool"
	case *schema.TimeType:
		return "Time"
	case *schema.FloatType, *schema.DecimalType:
		return "Float"
	case *schema.UUIDType:
		return "UUID"
	case *schema.JSONType:
		return "JSON"
	case *schema.BinaryType:
		return "Bytes"
	}
	return "Other"
}

// entArgs is what follows the name in entField's constructor, when it
// takes more.
func entArgs(c *schema.ColumnType) string {
	switch entField(c) {
	case "UUID", "JSON", "Other":
		return ", …"
	}
	return ""
}
