package diffplan

import (
	"context"
	"strings"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

var day = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// Concurrent index changes of an existing table leave the transaction:
// the drops first, in a file of their own (as Atlas orders them: before
// the table's other changes), then the rest, then the creations (they
// index a column the rest adds). A new table's index is created plainly, in the transaction. The
// files apply as Atlas applies them, and nothing is left to plan.
func TestPlanConcurrentIndexes(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE t (a int, b int); CREATE INDEX t_b ON t (b);`)
	want, _ := inspect(t, `CREATE TABLE t (a int, b int, c int); CREATE INDEX t_a ON t (a); CREATE UNIQUE INDEX t_c ON t (c);
CREATE TABLE u (x int); CREATE INDEX u_x ON u (x);`)
	files, skipped, err := Plan(ctx, conn.Driver, nil, cur, want, "idx", nil, day, Policy{ConcurrentAdd: true, ConcurrentDrop: true})
	require.NoError(t, err)
	require.Empty(t, skipped)
	require.Equal(t, []migdir.NewFile{
		{Name: "20300101000000_idx_drop_indexes.sql", Data: []byte(`-- atlas:txmode none

-- Drop index "t_b" from table: "t"
DROP INDEX CONCURRENTLY "t_b";
`)},
		{Name: "20300101000001_idx.sql", Data: []byte(`-- Modify "t" table
ALTER TABLE "t" ADD COLUMN "c" integer NULL;
-- Create "u" table
CREATE TABLE "u" ("x" integer NULL);
-- Create index "u_x" to table: "u"
CREATE INDEX "u_x" ON "u" ("x");
`)},
		{Name: "20300101000002_idx_create_indexes.sql", Data: []byte(`-- atlas:txmode none

-- Create index "t_a" to table: "t"
CREATE INDEX CONCURRENTLY "t_a" ON "t" ("a");
-- Create index "t_c" to table: "t"
CREATE UNIQUE INDEX CONCURRENTLY "t_c" ON "t" ("c");
`)},
	}, files)
	applyFiles(t, conn, files)
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, Policy{ConcurrentAdd: true, ConcurrentDrop: true})
	require.NoError(t, err)
	require.Empty(t, again)
}

// Index changes alone are one file, outside a transaction; with only add
// set, a drop stays in a transaction file of its own making.
func TestPlanConcurrentIndexesOnly(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE t (a int, b int); CREATE INDEX t_b ON t (b);`)
	want, _ := inspect(t, `CREATE TABLE t (a int, b int); CREATE INDEX t_a ON t (a);`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "", nil, day, Policy{ConcurrentAdd: true, ConcurrentDrop: true})
	require.NoError(t, err)
	require.Equal(t, []migdir.NewFile{{Name: "20300101000000.sql", Data: []byte(`-- atlas:txmode none

-- Drop index "t_b" from table: "t"
DROP INDEX CONCURRENTLY "t_b";
-- Create index "t_a" to table: "t"
CREATE INDEX CONCURRENTLY "t_a" ON "t" ("a");
`)}}, files)

	files, _, err = Plan(ctx, conn.Driver, nil, cur, want, "add", nil, day, Policy{ConcurrentAdd: true})
	require.NoError(t, err)
	require.Equal(t, []migdir.NewFile{
		{Name: "20300101000000_add.sql", Data: []byte("-- Drop index \"t_b\" from table: \"t\"\nDROP INDEX \"t_b\";\n")},
		{Name: "20300101000001_add_create_indexes.sql", Data: []byte("-- atlas:txmode none\n\n-- Create index \"t_a\" to table: \"t\"\nCREATE INDEX CONCURRENTLY \"t_a\" ON \"t\" (\"a\");\n")},
	}, files)
	applyFiles(t, conn, files)
}

// Skipped kinds are left out and returned. A schema only the directory
// has is the drop_schema kind as a whole, not drop_table: Atlas would drop
// it with CASCADE, whatever drop_table says.
func TestPlanSkips(t *testing.T) {
	ctx := context.Background()
	const before = `CREATE SCHEMA old; CREATE TABLE old.x (id int); CREATE TABLE old.y (id int);
CREATE TABLE t (a int, b int, c int); CREATE TABLE gone (id int);`
	cur, conn := inspect(t, before)
	want, _ := inspect(t, `CREATE TABLE t (a int, c bigint, d int); CREATE TABLE n (id int);`)
	files, skipped, err := Plan(ctx, conn.Driver, nil, cur, want, "s", nil, day,
		Policy{Skip: map[string]bool{"drop_schema": true, "drop_table": true, "drop_column": true, "modify_column": true}})
	require.NoError(t, err)
	require.Equal(t, []Skipped{
		{"drop_schema", `schema "old"`},
		{"drop_table", `table "gone"`},
		{"drop_column", `column "t"."b"`},
		{"modify_column", `column "t"."c"`},
	}, skipped)
	require.Len(t, files, 1)
	require.Equal(t, `-- Modify "t" table
ALTER TABLE "t" ADD COLUMN "d" integer NULL;
-- Create "n" table
CREATE TABLE "n" ("id" integer NULL);
`, string(files[0].Data))

	cur, conn = inspect(t, before)
	files, skipped, err = Plan(ctx, conn.Driver, nil, cur, want, "s", nil, day, Policy{Skip: map[string]bool{"drop_table": true, "add_table": true, "modify_table": true}})
	require.NoError(t, err)
	require.Equal(t, []Skipped{{"drop_table", `table "gone"`}, {"modify_table", `table "t"`}, {"add_table", `table "n"`}}, skipped)
	require.Len(t, files, 1)
	require.Equal(t, "-- Drop \"x\" table: the desired state no longer declares it, and its rows go with it\n-- atlas:nolint DS102\nDROP TABLE \"old\".\"x\";\n-- Drop \"y\" table: the desired state no longer declares it, and its rows go with it\n-- atlas:nolint DS102\nDROP TABLE \"old\".\"y\";\n", string(files[0].Data))

	// All of it skipped: nothing to write.
	files, skipped, err = Plan(ctx, conn.Driver, nil, cur, want, "s", nil, day, Policy{Skip: map[string]bool{"drop_schema": true, "drop_table": true, "add_table": true, "modify_table": true}})
	require.NoError(t, err)
	require.Empty(t, files)
	require.Len(t, skipped, 4)
}

// applyFiles runs files as Atlas's executor does: a file in one
// transaction, or statement by statement under `-- atlas:txmode none`.
func applyFiles(t *testing.T, conn *pgdb.Conn, files []migdir.NewFile) {
	t.Helper()
	ctx := context.Background()
	for _, f := range files {
		lf := migrate.NewLocalFile(f.Name, f.Data)
		if !strings.HasPrefix(string(f.Data), txNone+"\n") {
			_, err := conn.DB.ExecContext(ctx, "BEGIN;\n"+string(f.Data)+"COMMIT;")
			require.NoError(t, err, f.Name)
			continue
		}
		stmts, err := lf.Stmts()
		require.NoError(t, err)
		for _, s := range stmts {
			_, err := conn.DB.ExecContext(ctx, s)
			require.NoError(t, err, "%s: %s", f.Name, s)
		}
	}
}
