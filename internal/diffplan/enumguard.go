package diffplan

import (
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
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

// guardedValues is how many of the values that do not cast the guard's
// message lists (the count is complete).
const guardedValues = 10

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
	table, col := ident(m.T.Schema, m.T.Name), pgx.Identifier{mc.To.Name}.Sanitize()
	labels := make([]string, len(e.Values))
	for i, v := range e.Values {
		labels[i] = quoteString(v)
	}
	// Rows whose value the type lacks; NULL casts to NULL.
	where := fmt.Sprintf("%s IS NOT NULL AND %s::text <> ALL (ARRAY[%s]::text[])", col, col, strings.Join(labels, ", "))
	if len(labels) == 0 {
		where = col + " IS NOT NULL"
	}
	body := fmt.Sprintf(`DECLARE
  n bigint;
  d bigint;
  vals text;
BEGIN
  SELECT count(*), count(DISTINCT %[3]s::text) INTO n, d FROM %[1]s WHERE %[2]s;
  IF n > 0 THEN
    SELECT string_agg(quote_literal(v), ', ' ORDER BY v) INTO vals
      FROM (SELECT DISTINCT %[3]s::text AS v FROM %[1]s WHERE %[2]s ORDER BY 1 LIMIT %[4]d) AS s;
    RAISE EXCEPTION 'cannot convert column %%.%% to enum type %%: %% row(s) hold values the type does not have: %%',
      %[6]s, %[5]s, %[7]s, n, vals || CASE WHEN d > %[4]d THEN ', ...' ELSE '' END
      USING ERRCODE = 'check_violation', HINT = 'update or delete those rows (or add the values to the type), then apply again';
  END IF;
END`, table, where, col, guardedValues, quoteString(pgx.Identifier{mc.To.Name}.Sanitize()), quoteString(table), quoteString(ident(e.Schema, e.T)))
	tag := "$guard$"
	for i := 1; strings.Contains(body, tag); i++ {
		tag = fmt.Sprintf("$guard%d$", i)
	}
	return &migrate.Change{
		Cmd:     "DO " + tag + "\n" + body + "\n" + tag,
		Comment: fmt.Sprintf("Stop if a row of table %q holds a value enum type %q does not have", m.T.Name, e.T),
	}
}
