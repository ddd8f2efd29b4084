package replay

import (
	"context"
	"errors"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/pgerr"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
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
	var b, s *sqlscript.StmtError
	require.True(t, errors.As(errBatch, &b), "%v", errBatch)
	require.True(t, errors.As(errStmt, &s), "%v", errStmt)
	require.Equal(t, s.Line, b.Line)
	require.Equal(t, 5, b.Line)
	require.Equal(t, s.Stmt, b.Stmt)
	require.Equal(t, pgerr.Message(s.Err), pgerr.Message(b.Err))
	require.Contains(t, pgerr.Message(b.Err), "22P02")

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
	var se *sqlscript.StmtError
	require.ErrorAs(t, err, &se)
	require.Contains(t, pgerr.Message(se.Err), "25001")
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
