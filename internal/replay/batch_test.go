package replay

import (
	"context"
	"errors"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// Batched replay must report a failure exactly as statement-by-statement
// replay does: the same line, statement and PostgreSQL error, and leave
// nothing of the file behind.
func TestBatchedReplayIsPrecise(t *testing.T) {
	ctx := context.Background()
	srv, err := devdb.Start(ctx)
	require.NoError(t, err)
	defer srv.Stop()
	conn := func() *pgdb.Conn {
		u, err := srv.CreateDatabase(ctx)
		require.NoError(t, err)
		c, err := pgdb.ConnectDev(ctx, u)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		return c
	}
	f := migrate.NewLocalFile("2_bad.sql", []byte("CREATE TABLE a (id int);\n\n-- a comment\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nINSERT INTO a VALUES ('x');\nCREATE TABLE b (id int);\n"))

	batched, byStmt := conn(), conn()
	errBatch := File(ctx, batched.DB, f)
	errStmt := fileByStatement(ctx, byStmt.DB, f)
	var b, s *StmtError
	require.True(t, errors.As(errBatch, &b), "%v", errBatch)
	require.True(t, errors.As(errStmt, &s), "%v", errStmt)
	require.Equal(t, s.Line, b.Line)
	require.Equal(t, 5, b.Line)
	require.Equal(t, s.Stmt, b.Stmt)
	require.Equal(t, Message(s.Err), Message(b.Err))
	require.Contains(t, Message(b.Err), "22P02")

	var n int
	require.NoError(t, batched.DB.QueryRowContext(ctx, "SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'b')").Scan(&n))
	require.Zero(t, n, "the failed file left nothing behind")

	// And a good file, batched, applies whole.
	good := migrate.NewLocalFile("1_ok.sql", []byte("CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"))
	require.NoError(t, File(ctx, batched.DB, good))
	require.NoError(t, batched.DB.QueryRowContext(ctx, "SELECT count(*) FROM pg_tables WHERE tablename IN ('a', 'b')").Scan(&n))
	require.Equal(t, 2, n)
	require.True(t, batchable(good))
	require.False(t, batchable(migrate.NewLocalFile("3.sql", []byte("-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY i ON a (id);\n"))))
}

// A lone CONCURRENTLY in a transactional file fails, as it does when the
// file is applied: the batch runs inside an explicit transaction.
func TestBatchKeepsTheTransaction(t *testing.T) {
	ctx, c := freshDB(t)
	require.NoError(t, File(ctx, c.DB, migrate.NewLocalFile("1.sql", []byte("CREATE TABLE a (id int);\n"))))
	err := File(ctx, c.DB, migrate.NewLocalFile("2.sql", []byte("CREATE INDEX CONCURRENTLY a_id ON a (id);\n")))
	var se *StmtError
	require.ErrorAs(t, err, &se)
	require.Contains(t, Message(se.Err), "25001")
}

// Exec batches a script in one round trip and, when it fails, names the
// failing statement as running them one by one does.
func TestExecBatchIsPrecise(t *testing.T) {
	ctx, c := freshDB(t)
	stmts := []Stmt{{"CREATE TABLE a (id int)", 1}, {"CREATE TABLE b (id int REFERENCES missing (id))", 2}, {"CREATE TABLE c (id int)", 3}}
	err := Exec(ctx, c.DB, stmts, true)
	var se *StmtError
	require.ErrorAs(t, err, &se)
	require.Equal(t, 2, se.Line)
	require.Equal(t, stmts[1].Text, se.Stmt)
	require.Contains(t, Message(se.Err), "42P01")
	var n int
	require.NoError(t, c.DB.QueryRowContext(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n))
	require.Zero(t, n, "nothing of the failed script is left")

	require.NoError(t, Exec(ctx, c.DB, []Stmt{stmts[0], stmts[2]}, true))
	require.NoError(t, c.DB.QueryRowContext(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n))
	require.Equal(t, 2, n)
}

// freshDB starts a server of the test's own and connects to a fresh
// database on it; both go at the end of the test.
func freshDB(t *testing.T) (context.Context, *pgdb.Conn) {
	t.Helper()
	ctx := context.Background()
	srv, err := devdb.Start(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Stop() })
	u, err := srv.CreateDatabase(ctx)
	require.NoError(t, err)
	c, err := pgdb.ConnectDev(ctx, u)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return ctx, c
}
