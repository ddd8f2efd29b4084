package diffplan

import (
	"context"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/migdir"
)

// An index of an existing table rebuilt in place (made unique, given a
// predicate) is swapped outside a transaction: the new definition built
// concurrently beside the old, the old dropped concurrently, the new
// renamed. With other changes, the swap follows the concurrent creations.
// The files apply on rows and leave nothing to plan.
func TestPlanSwapsRebuiltIndexes(t *testing.T) {
	ctx := context.Background()
	const before = `CREATE TABLE t (a int, b int); CREATE INDEX t_a ON t (a); CREATE INDEX t_b ON t (b);
INSERT INTO t SELECT i, i FROM generate_series(1, 20) AS i;`
	cur, conn := inspect(t, before)
	want, _ := inspect(t, `CREATE TABLE t (a int, b int); CREATE UNIQUE INDEX t_a ON t (a); CREATE INDEX t_b ON t (b) WHERE b > 0;`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "swap", nil, day, safe)
	require.NoError(t, err)
	require.Equal(t, []migdir.NewFile{{Name: "20300101000000_swap.sql", Data: []byte(`-- atlas:txmode none

-- Build the new definition of index "t_a" of table: "t" beside the old one
CREATE UNIQUE INDEX CONCURRENTLY "t_a_ccnew" ON "t" ("a");
-- Drop the old definition of index "t_a" of table: "t"
DROP INDEX CONCURRENTLY "t_a";
-- Give the new definition of index "t_a" its name
ALTER INDEX "t_a_ccnew" RENAME TO "t_a";
-- Build the new definition of index "t_b" of table: "t" beside the old one
CREATE INDEX CONCURRENTLY "t_b_ccnew" ON "t" ("b") WHERE (b > 0);
-- Drop the old definition of index "t_b" of table: "t"
DROP INDEX CONCURRENTLY "t_b";
-- Give the new definition of index "t_b" its name
ALTER INDEX "t_b_ccnew" RENAME TO "t_b";
`)}}, files)
	applyFiles(t, conn, files)
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, safe)
	require.NoError(t, err)
	require.Empty(t, again)

	// With a column added: the swap after the concurrent creation.
	cur, conn = inspect(t, before)
	want, _ = inspect(t, `CREATE TABLE t (a int, b int, c int); CREATE UNIQUE INDEX t_a ON t (a); CREATE INDEX t_b ON t (b); CREATE INDEX t_c ON t (c);`)
	files, _, err = Plan(ctx, conn.Driver, nil, cur, want, "swap", nil, day, safe)
	require.NoError(t, err)
	require.Len(t, files, 2)
	require.Equal(t, "20300101000001_swap_create_indexes.sql", files[1].Name)
	require.Regexp(t, `(?s)CREATE INDEX CONCURRENTLY "t_c".*CREATE UNIQUE INDEX CONCURRENTLY "t_a_ccnew".*DROP INDEX CONCURRENTLY "t_a";.*ALTER INDEX "t_a_ccnew" RENAME TO "t_a";\n\z`, string(files[1].Data))
	applyFiles(t, conn, files)

	// Either concurrent setting off: Atlas's plain rebuild.
	p := safe
	p.ConcurrentDrop = false
	files, _, err = Plan(ctx, conn.Driver, nil, cur, want, "swap", nil, day, p)
	require.NoError(t, err)
	require.Contains(t, string(files[0].Data), "DROP INDEX \"t_a\";\n")
	require.NotContains(t, string(files[len(files)-1].Data), "ccnew")
}

// A duplicate stops the unique build; the old index is still there and
// valid, and the invalid copy is left, as PostgreSQL leaves it.
func TestPlanSwapKeepsOldIndexOnDuplicates(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE t (a int); CREATE INDEX t_a ON t (a); INSERT INTO t VALUES (1), (1);`)
	want, _ := inspect(t, `CREATE TABLE t (a int); CREATE UNIQUE INDEX t_a ON t (a);`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "", nil, day, safe)
	require.NoError(t, err)
	require.Len(t, files, 1)
	stmts, err := migrate.NewLocalFile(files[0].Name, files[0].Data).Stmts()
	require.NoError(t, err)
	_, err = conn.DB.ExecContext(ctx, stmts[0])
	require.ErrorContains(t, err, "could not create unique index")
	var valid bool
	require.NoError(t, conn.DB.QueryRowContext(ctx, `SELECT indisvalid FROM pg_index WHERE indexrelid = 't_a'::regclass`).Scan(&valid))
	require.True(t, valid)
}

func TestSwapName(t *testing.T) {
	require.Equal(t, "t_a_ccnew", swapName("t_a"))
	long := strings.Repeat("i", 62)
	a, b := swapName(long+"a"), swapName(long+"b")
	require.LessOrEqual(t, len(a), 63)
	require.NotEqual(t, a, b)
	require.True(t, strings.HasSuffix(a, "_ccnew"))
}
