package diffplan

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/sqlparse"
)

// A table whose entity is gone and a column dropped alone, or beside an
// added column of another kind, carry the directive that lets the review
// pass them; a probable rename (a compatible column added, a table of the
// same shape created) does not, so the review still stops it.
func TestMarkDrops(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE a (id int, x int, y int); CREATE TABLE b (id int, n text); CREATE TABLE c (id int);
CREATE TABLE d (id int, v text); CREATE TABLE f (id int, n int);`)
	want, _ := inspect(t, `CREATE TABLE a (id int); CREATE TABLE b (id int, m text);
CREATE TABLE e (id int, v text); CREATE TABLE f (id int, at timestamptz);`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "drops", nil, day, Policy{})
	require.NoError(t, err)
	require.Len(t, files, 1)
	f, err := sqlparse.Parse(files[0].Name, files[0].Data)
	require.NoError(t, err)
	silenced := map[string][]string{}
	for _, s := range f.Stmts {
		silenced[s.Text] = s.Nolint
	}
	require.Equal(t, []string{"DS103"}, silenced[`ALTER TABLE "a" DROP COLUMN "x", DROP COLUMN "y"`], string(files[0].Data))
	require.Nil(t, silenced[`ALTER TABLE "b" DROP COLUMN "n", ADD COLUMN "m" text NULL`], string(files[0].Data))
	require.Equal(t, []string{"DS102"}, silenced[`DROP TABLE "c"`], string(files[0].Data))
	require.Nil(t, silenced[`DROP TABLE "d"`], string(files[0].Data))
	require.Equal(t, []string{"DS103"}, silenced[`ALTER TABLE "f" DROP COLUMN "n", ADD COLUMN "at" timestamptz NULL`], string(files[0].Data))
	require.Contains(t, string(files[0].Data), "-- Drop \"c\" table: the desired state no longer declares it, and its rows go with it\n-- atlas:nolint DS102\nDROP TABLE \"c\";\n")
}
