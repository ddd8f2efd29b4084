package diffplan

import (
	"fmt"
	"strconv"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// castGuard describes a column whose values are about to be cast to an
// enum type: the guard fails, naming the rows, when some do not cast.
type castGuard struct {
	Table  *schema.Table // the table as it is when the guard runs
	Column string        // the column's name then
	Array  bool          // an array of the enum type: each element is cast
	Schema string        // the enum type's schema ("" or public: unqualified)
	Type   string        // the enum type's name, for the message
	Values []string      // the values the type will have
}

// guardTag names the dollar quote around the DO block's body.
const guardTag = "guard"

// Change is the guard as a statement: a DO block that counts the rows
// holding a value the enum type will not have and, when there are some,
// raises an error naming the table, the column, the count and (up to ten
// of) the values, with a hint (past ten values, ", ..."). It goes before the statements that change
// the type, in their transaction: PostgreSQL's own error for a value that
// does not cast ("invalid input value for enum") names neither the table
// nor the column, and comes after the earlier statements of the file
// already ran. When the guard fails its transaction rolls back: the
// schema is as it was.
//
// The message is passed to RAISE as arguments, never in its format
// string, so a name holding '%' is printed as it is.
func (g castGuard) Change() *migrate.Change {
	col := quote(g.Column)
	table := ident(g.Table.Schema, g.Table.Name)
	allowed := "ARRAY[" + literals(g.Values) + "]::text[]"
	// The offending rows and (up to ten of) their values, in one scan: each
	// element of an array is cast, a row counts once.
	query := fmt.Sprintf("SELECT count(*), array_agg(DISTINCT quote_literal(r.%s::text)) INTO n, found\n    FROM %s AS r WHERE r.%s::text <> ALL (%s);",
		col, table, col, allowed)
	if g.Array {
		query = fmt.Sprintf("SELECT count(DISTINCT r.ctid), array_agg(DISTINCT quote_literal(e.v)) INTO n, found\n    FROM %s AS r CROSS JOIN LATERAL unnest(r.%s::text[]) AS e(v) WHERE e.v <> ALL (%s);",
			table, col, allowed)
	}
	body := fmt.Sprintf(`
DECLARE
  n bigint;
  found text[];
BEGIN
  %s
  IF n > 0 THEN
    RAISE EXCEPTION '%%: %% row(s) hold a value that enum type %% will not have: %%', %s, n, %s,
      array_to_string(found[1:10], ', ') || CASE WHEN cardinality(found) > 10 THEN ', ...' ELSE '' END
      USING HINT = 'update or delete those rows (or keep the values in the schema), then apply the migration again';
  END IF;
END
`, query, literal(g.object(quote)), literal(g.typeName(quote)))
	// The values and names are data inside the block: a dollar quote
	// they happen to hold would end it early.
	dollar := "$" + guardTag + "$"
	for i := 1; strings.Contains(body, dollar); i++ {
		dollar = fmt.Sprintf("$%s%d$", guardTag, i)
	}
	return &migrate.Change{
		Cmd: "DO " + dollar + body + dollar,
		// The comment is a "--" line: %q keeps a newline in a name from
		// ending it.
		Comment: fmt.Sprintf("guard: fail, changing nothing, if %s holds a value enum type %s will not have", g.object(strconv.Quote), g.typeName(strconv.Quote)),
	}
}

// object names the column in the guard's message (names quoted by
// quote): table "users" column "status", the table qualified outside
// public.
func (g castGuard) object(quote func(string) string) string {
	name := quote(g.Table.Name)
	if s := g.Table.Schema; s != nil && s.Name != "" && s.Name != pgdb.Schema {
		name = quote(s.Name) + "." + name
	}
	return "table " + name + " column " + quote(g.Column)
}

func (g castGuard) typeName(quote func(string) string) string {
	if g.Schema != "" && g.Schema != pgdb.Schema {
		return quote(g.Schema) + "." + quote(g.Type)
	}
	return quote(g.Type)
}

// literal quotes s as an SQL string constant.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// literals is a comma-separated list of SQL string constants.
func literals(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = literal(v)
	}
	return strings.Join(q, ", ")
}
