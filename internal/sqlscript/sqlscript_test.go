package sqlscript

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/devdb/devdbtest"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/pgerr"
)

var server *devdb.Server

func TestMain(m *testing.M) { os.Exit(devdbtest.Main(m, &server)) }

// Exec batches a script in one round trip and, when it fails, names the
// failing statement as running them one by one does.
func TestExecBatchIsPrecise(t *testing.T) {
	ctx, c := freshDB(t)
	stmts := []Stmt{{Text: "CREATE TABLE a (id int)", Line: 1}, {Text: "CREATE TABLE b (id int REFERENCES missing (id))", Line: 2}, {Text: "CREATE TABLE c (id int)", Line: 3}}
	err := Exec(ctx, c.DB, stmts, true)
	var se *StmtError
	require.ErrorAs(t, err, &se)
	require.Equal(t, 2, se.Line)
	require.Equal(t, stmts[1].Text, se.Stmt)
	require.Contains(t, pgerr.Message(se.Err), "42P01")
	require.Equal(t, 0, tables(t, c), "nothing of the failed script is left")

	require.NoError(t, Exec(ctx, c.DB, []Stmt{stmts[0], stmts[2]}, true))
	require.Equal(t, 2, tables(t, c))
}

// Batch sends BEGIN, the script and COMMIT at once: a failure leaves
// nothing, and the next script runs (the failed transaction does not
// linger); a script may end in a comment or without a semicolon;
// CONCURRENTLY is refused, as in any transaction.
func TestBatch(t *testing.T) {
	ctx, c := freshDB(t)
	c.DB.SetMaxOpenConns(1) // the next call gets the same session
	err := Batch(ctx, c.DB, "CREATE TABLE a (id int);\nCREATE TABLE b (id int REFERENCES missing (id));\nCREATE TABLE c (id int);")
	require.Contains(t, pgerr.Message(err), "42P01")
	require.Equal(t, 0, tables(t, c))

	require.NoError(t, Batch(ctx, c.DB, "CREATE TABLE a (id int);\nCREATE TABLE b (id int) -- no semicolon, and a comment"))
	require.Equal(t, 2, tables(t, c))

	err = Batch(ctx, c.DB, "CREATE INDEX CONCURRENTLY a_id ON a (id)")
	require.Contains(t, pgerr.Message(err), "25001")
	require.Equal(t, 2, tables(t, c))
}

// Outside a transaction the statements share one session, so a SET holds
// for the next statement, and what ran before a failure stays.
func TestEachOutsideATransaction(t *testing.T) {
	ctx, c := freshDB(t)
	err := Each(ctx, c.DB, []Stmt{
		{Text: "CREATE SCHEMA other", Line: 1},
		{Text: "SET search_path TO other", Line: 2},
		{Text: "CREATE TABLE a (id int)", Line: 3},
		{Text: "CREATE INDEX CONCURRENTLY a_id ON a (id)", Line: 4},
		{Text: "CREATE TABLE b (id int REFERENCES missing (id))", Line: 5},
	}, false)
	var se *StmtError
	require.ErrorAs(t, err, &se)
	require.Equal(t, 5, se.Line)
	var where string
	require.NoError(t, c.DB.QueryRowContext(ctx, "SELECT schemaname FROM pg_tables WHERE tablename = 'a'").Scan(&where))
	require.Equal(t, "other", where, "the SET held for the next statement, and a stays: there was no transaction to roll back")
	var idx int
	require.NoError(t, c.DB.QueryRowContext(ctx, "SELECT count(*) FROM pg_indexes WHERE indexname = 'a_id'").Scan(&idx))
	require.Equal(t, 1, idx, "CONCURRENTLY runs outside a transaction")

	err = Each(ctx, c.DB, []Stmt{{Text: "CREATE INDEX CONCURRENTLY a_id2 ON other.a (id)", Line: 7}}, true)
	require.ErrorAs(t, err, &se)
	require.Equal(t, 7, se.Line)
	require.Contains(t, pgerr.Message(se.Err), "25001", "in a transaction CONCURRENTLY is refused")
}

func tables(t *testing.T, c *pgdb.Conn) int {
	t.Helper()
	var n int
	require.NoError(t, c.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n))
	return n
}

func freshDB(t *testing.T) (context.Context, *pgdb.Conn) {
	t.Helper()
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	c, err := pgdb.ConnectDev(ctx, u)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return ctx, c
}
