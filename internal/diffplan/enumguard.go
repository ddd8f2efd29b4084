package diffplan

import (
	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
)

// guardEnums puts before each conversion of a column to an enum type
// (convertToEnums, whose Source names the table and both columns) a guard:
// a DO block that fails, naming the table, the column, how many rows and
// which values, when a row holds a value the type does not have. The cast
// would fail too, but with `invalid input value for enum t: "x"`, one value
// and no table, and only after the conversion has begun.
func guardEnums(conversions []*migrate.Change) []*migrate.Change {
	var out []*migrate.Change
	for _, c := range conversions {
		if g := enumGuard(c.Source); g != nil {
			out = append(out, g)
		}
		out = append(out, c)
	}
	return out
}

func enumGuard(src schema.Change) *migrate.Change {
	m, ok := src.(*schema.ModifyTable)
	if !ok || len(m.Changes) != 1 {
		return nil
	}
	mc, ok := m.Changes[0].(*schema.ModifyColumn)
	if !ok {
		return nil
	}
	e, ok := mc.To.Type.Type.(*schema.EnumType)
	if !ok {
		return nil
	}
	return castGuard{Table: m.T, Column: mc.To.Name, Schema: schemaName(e.Schema), Type: e.T, Values: e.Values}.Change()
}
