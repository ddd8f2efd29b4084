package diffplan

import (
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// castRetyped gives each column a reverse plan retypes an explicit
// conversion, `USING "c"::type`. Without one, PostgreSQL converts only
// through an assignment cast: there is none from text to jsonb (42804,
// "cannot be cast automatically"), and one to varchar(n) fails on a longer
// value where the explicit cast cuts it. The down's value check
// (internal/revert, ValuesKept) counts the values that `"c"::type` does not
// keep, so with the same cast a check that passes is a statement that runs,
// and --force converts as the check said it would. Enum conversions have
// their own statement (convertToEnums), serial changes Atlas's.
func castRetyped(changes []schema.Change) {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		for _, mc := range mt.Changes {
			m, ok := mc.(*schema.ModifyColumn)
			if !ok || !m.Change.Is(schema.ChangeType) || holds[*postgres.ConvertUsing](m.Extra) || ownCast(m.From) || ownCast(m.To) {
				continue
			}
			t, err := postgres.FormatType(m.To.Type.Type)
			if err != nil {
				continue // Atlas fails on it when it plans
			}
			m.Extra = append(m.Extra, &postgres.ConvertUsing{X: quote(m.To.Name) + "::" + t})
		}
	}
}

// ownCast: an enum column (or an array of one), or a serial, whose type
// change Atlas or convertColumn write their own way.
func ownCast(c *schema.Column) bool {
	if e, _ := enumOf(c); e != nil {
		return true
	}
	_, serial := c.Type.Type.(*postgres.SerialType)
	return serial
}
