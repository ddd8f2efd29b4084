package apply

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/revisions"
)

// The transaction wrappers (txProxy, buffered) rely on the order in which
// Atlas's Executor.Execute calls its driver and its revisions store. These
// tests pin that order, first on Atlas's executor alone, then on what an
// apply commits, so that an Atlas upgrade that changes it fails here rather
// than recording a wrong history.

// recorder logs the calls the executor makes.
type recorder struct{ calls []string }

type recordingStore struct {
	migrate.RevisionReadWriter
	rec *recorder
}

func (s recordingStore) ReadRevision(ctx context.Context, v string) (*migrate.Revision, error) {
	s.rec.calls = append(s.rec.calls, "read "+v)
	return s.RevisionReadWriter.ReadRevision(ctx, v)
}

func (s recordingStore) WriteRevision(ctx context.Context, r *migrate.Revision) error {
	call := fmt.Sprintf("write %s %d/%d partial=%d", r.Version, r.Applied, r.Total, len(r.PartialHashes))
	if r.Error != "" {
		call += " error"
	}
	s.rec.calls = append(s.rec.calls, call)
	return s.RevisionReadWriter.WriteRevision(ctx, r)
}

type recordingConn struct {
	schema.ExecQuerier
	rec *recorder
}

func (c recordingConn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	c.rec.calls = append(c.rec.calls, "exec "+q)
	return c.ExecQuerier.ExecContext(ctx, q, args...)
}

func (c recordingConn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	c.rec.calls = append(c.rec.calls, "query")
	return c.ExecQuerier.QueryContext(ctx, q, args...)
}

// TestExecutorCallOrder: Execute reads the file's revision before writing
// it, runs statements only through the driver's ExecContext, writes the
// revision after each statement, and writes it once more when it returns,
// with the final state (the error if it failed). buffered keeps only that
// last write, and a rollback discards it.
func TestExecutorCallOrder(t *testing.T) {
	for _, tt := range []struct {
		name, file string
		calls      []string
	}{
		{"success", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n", []string{
			"read 1",
			"write 1 0/2 partial=0",
			"exec CREATE TABLE a (id int);",
			"write 1 1/2 partial=1",
			"exec CREATE TABLE b (id int);",
			"write 1 2/2 partial=2",
			"write 1 2/2 partial=0",
		}},
		{"failure", "CREATE TABLE a (id int);\nSELECT 1/0;\n", []string{
			"read 1",
			"write 1 0/2 partial=0",
			"exec CREATE TABLE a (id int);",
			"write 1 1/2 partial=1",
			"exec SELECT 1/0;",
			"write 1 1/2 partial=1 error",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.write("1_x.sql", tt.file)
			store := revisions.New(e.conn.DB, "")
			require.NoError(t, store.Init(e.ctx))
			rec := &recorder{}
			drv, err := postgres.Open(recordingConn{e.conn.DB, rec})
			require.NoError(t, err)
			files := dirFiles(t, e)
			ex, err := migrate.NewExecutor(drv, dirOf(t, e), recordingStore{store, rec})
			require.NoError(t, err)
			rec.calls = nil
			_ = ex.Execute(e.ctx, files[0])
			require.Equal(t, tt.calls, rec.calls)
		})
	}
}

// audit logs every committed write to the revisions table and every
// statement of the test files, each with its transaction, so a test sees
// what an apply committed, and in which transactions.
const audit = `
CREATE SCHEMA audit;
CREATE TABLE audit.log (n serial, what text, xid bigint);
CREATE FUNCTION audit.rev() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit.log (what, xid) VALUES (format('rev %s %s/%s', NEW.version, NEW.applied, NEW.total), txid_current());
  RETURN NEW;
END $$;
CREATE TRIGGER rev AFTER INSERT OR UPDATE ON atlas_schema_revisions.atlas_schema_revisions
  FOR EACH ROW EXECUTE FUNCTION audit.rev();
`

// stmt is a migration statement that logs itself.
func stmt(name string) string {
	return fmt.Sprintf("INSERT INTO audit.log (what, xid) VALUES ('stmt %s', txid_current());\n", name)
}

// committed is the audit log, transactions named A, B, … in order.
func (e *env) committed() []string {
	e.t.Helper()
	rows, err := e.conn.DB.QueryContext(e.ctx, `SELECT what, xid FROM audit.log ORDER BY n`)
	require.NoError(e.t, err)
	defer rows.Close()
	names := map[int64]string{}
	var log []string
	for rows.Next() {
		var (
			what string
			xid  int64
		)
		require.NoError(e.t, rows.Scan(&what, &xid))
		if _, ok := names[xid]; !ok {
			names[xid] = string(rune('A' + len(names)))
		}
		log = append(log, what+" @"+names[xid])
	}
	require.NoError(e.t, rows.Err())
	return log
}

// auditEnv is a database with file 0 applied (so the audit schema does not
// make it unclean) and the audit installed, with files 1 (one statement)
// and 2 (two) to apply; file2 replaces file 2.
func auditEnv(t *testing.T, file2 string) *env {
	e := newEnv(t)
	e.write("0_zero.sql", "SELECT 1;\n")
	_, err := e.run(Options{})
	require.NoError(t, err)
	e.exec(audit)
	if file2 == "" {
		file2 = stmt("2.1") + stmt("2.2")
	}
	e.write("1_one.sql", stmt("1.1"), "2_two.sql", file2)
	return e
}

// TestCommitOrder: what each mode commits, and in which transaction.
func TestCommitOrder(t *testing.T) {
	for _, tt := range []struct {
		mode string
		log  []string
	}{
		// One transaction per file, its revision written once, in it.
		{TxFile, []string{"stmt 1.1 @A", "rev 1 1/1 @A", "stmt 2.1 @B", "stmt 2.2 @B", "rev 2 2/2 @B"}},
		// One transaction for the batch, one revision write per file.
		{TxAll, []string{"stmt 1.1 @A", "rev 1 1/1 @A", "stmt 2.1 @A", "stmt 2.2 @A", "rev 2 2/2 @A"}},
		// Every statement and every revision write commits on its own:
		// the start, after each statement, and at the end.
		{TxNone, []string{
			"rev 1 0/1 @A", "stmt 1.1 @B", "rev 1 1/1 @C", "rev 1 1/1 @D",
			"rev 2 0/2 @E", "stmt 2.1 @F", "rev 2 1/2 @G", "stmt 2.2 @H", "rev 2 2/2 @I", "rev 2 2/2 @J",
		}},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			e := auditEnv(t, "")
			_, err := e.run(Options{TxMode: tt.mode})
			require.NoError(t, err)
			require.Equal(t, tt.log, e.committed())
		})
	}
}

// TestCommitOrderFailure: file 2 fails on its second statement. What a
// rolled-back transaction did, its revision writes included, is gone.
func TestCommitOrderFailure(t *testing.T) {
	for _, tt := range []struct {
		mode string
		log  []string
	}{
		{TxFile, []string{"stmt 1.1 @A", "rev 1 1/1 @A"}},
		{TxAll, nil},
		{TxNone, []string{
			"rev 1 0/1 @A", "stmt 1.1 @B", "rev 1 1/1 @C", "rev 1 1/1 @D",
			"rev 2 0/2 @E", "stmt 2.1 @F", "rev 2 1/2 @G", "rev 2 1/2 @H",
		}},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			e := auditEnv(t, stmt("2.1")+"SELECT 1/0;\n")
			_, err := e.run(Options{TxMode: tt.mode})
			require.Error(t, err)
			require.Equal(t, tt.log, e.committed())
		})
	}
}

// TestCommitOrderResume: a file half applied with no transaction resumes at
// its failed statement, in one transaction with its revision in file and
// all mode.
func TestCommitOrderResume(t *testing.T) {
	for _, tt := range []struct {
		mode string
		log  []string
	}{
		{TxFile, []string{"stmt 2.2 @A", "rev 2 2/2 @A"}},
		{TxAll, []string{"stmt 2.2 @A", "rev 2 2/2 @A"}},
		{TxNone, []string{"rev 2 1/2 @A", "stmt 2.2 @B", "rev 2 2/2 @C", "rev 2 2/2 @D"}},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			e := auditEnv(t, stmt("2.1")+"SELECT 1/0;\n")
			_, err := e.run(Options{TxMode: TxNone})
			require.Error(t, err)
			e.exec(`TRUNCATE audit.log`)
			e.write("2_two.sql", stmt("2.1")+stmt("2.2"))
			_, err = e.run(Options{TxMode: tt.mode})
			require.NoError(t, err)
			require.Equal(t, tt.log, e.committed())
			require.Equal(t, []row{done("0", 1), done("1", 1), done("2", 2)}, e.rows())
		})
	}
}

func dirOf(t *testing.T, e *env) migrate.Dir {
	t.Helper()
	d, err := migrate.NewLocalDir(e.path)
	require.NoError(t, err)
	return d
}

func dirFiles(t *testing.T, e *env) []migrate.File {
	t.Helper()
	files, err := dirOf(t, e).Files()
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}
