package diffplan

import (
	"context"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// Names with '%', quotes and a dollar quote, values with quotes and the
// guard's own dollar quote: the block still parses, passes when every
// value casts, and names them as they are when one does not.
func TestCastGuardQuotes(t *testing.T) {
	ctx := context.Background()
	const table, column = `we%ird"t`, `c$guard$`
	ident := func(s string) string { return pgx.Identifier{s}.Sanitize() }
	_, conn := inspect(t, "CREATE TABLE "+ident(table)+" ("+ident(column)+" text, arr text[]);\n"+
		"INSERT INTO "+ident(table)+" VALUES ('it''s', '{it''s,$guard$}'), ('$guard$', NULL)")
	g := castGuard{Table: schema.NewTable(table).SetSchema(schema.New("public")), Column: column, Type: `mo"od`, Values: []string{"it's", "$guard$"}}
	c := g.Change()
	require.Contains(t, c.Cmd, "DO $guard1$")
	require.Equal(t, `guard: fail, changing nothing, if table "we%ird\"t" column "c$guard$" holds a value enum type "mo\"od" will not have`, c.Comment)
	_, err := conn.DB.ExecContext(ctx, c.Cmd)
	require.NoError(t, err)

	g.Values = []string{"it's"}
	_, err = conn.DB.ExecContext(ctx, g.Change().Cmd)
	require.EqualError(t, err, `ERROR: table "we%ird""t" column "c$guard$": 1 row(s) hold a value that enum type "mo""od" will not have: '$guard$' (SQLSTATE P0001)`)

	a := castGuard{Table: g.Table, Column: "arr", Array: true, Type: "mood", Values: []string{"it's"}}
	_, err = conn.DB.ExecContext(ctx, a.Change().Cmd)
	require.EqualError(t, err, `ERROR: table "we%ird""t" column "arr": 1 row(s) hold a value that enum type "mood" will not have: '$guard$' (SQLSTATE P0001)`)
	a.Values = append(a.Values, "$guard$")
	_, err = conn.DB.ExecContext(ctx, a.Change().Cmd)
	require.NoError(t, err)
}
