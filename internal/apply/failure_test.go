package apply

import (
	"errors"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

// failing is a history whose third file fails on its second statement,
// after one that would have created a table.
var failing = []string{
	"1_a.sql", "CREATE TABLE a (id int);\n",
	"2_b.sql", "CREATE TABLE b (id int);\n",
	"3_bad.sql", "CREATE TABLE half (id int);\nALTER TABLE nope ADD COLUMN x int;\n",
}

// TestFailure: a file failing in each mode leaves exactly what that mode
// promises, in the schema and in the revisions, and the error names the
// file, line and statement.
func TestFailure(t *testing.T) {
	bad := row{Version: "3", Type: migrate.RevisionTypeExecute, Applied: 1, Total: 2, Partial: 1, Hash: "sum", OperatorIsOur: true,
		Error: `ERROR: relation "nope" does not exist (SQLSTATE 42P01)`, Stmt: "ALTER TABLE nope ADD COLUMN x int;"}
	for _, tt := range []struct {
		mode      string
		committed int
		rows      []row
		tables    []string
	}{
		// Files 1 and 2 commit; 3 rolls back with its revision, as in
		// Atlas, where the executor writes it in the transaction.
		{TxFile, 2, []row{done("0", 1), done("1", 1), done("2", 1)}, []string{"a", "b", "zero"}},
		// The whole batch rolls back: the revisions are as before it.
		{TxAll, 0, []row{done("0", 1)}, []string{"zero"}},
		// Statement by statement: 3's first statement stays, and its
		// revision records how far it got and why it stopped.
		{TxNone, 2, []row{done("0", 1), done("1", 1), done("2", 1), bad}, []string{"a", "b", "half", "zero"}},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			e := newEnv(t)
			e.write("0_zero.sql", "CREATE TABLE zero (id int);\n")
			_, err := e.run(Options{TxMode: tt.mode})
			require.NoError(t, err)
			e.write(failing...)

			res, err := e.run(Options{TxMode: tt.mode})
			var ee *ExecError
			require.ErrorAs(t, err, &ee)
			require.Equal(t, &ExecError{File: "3_bad.sql", Line: 2, Stmt: "ALTER TABLE nope ADD COLUMN x int;", Mode: tt.mode, Err: ee.Err}, ee)
			var pe *pgconn.PgError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, "42P01", pe.Code)
			require.Equal(t, tt.committed, res.Applied)
			require.Equal(t, tt.rows, e.rows())
			require.Equal(t, tt.tables, e.tables())

			// Fixed, the next run starts where the database is and ends
			// with every file recorded as it is now.
			e.write("3_bad.sql", "CREATE TABLE half (id int);\nALTER TABLE half ADD COLUMN x int;\n")
			res, err = e.run(Options{TxMode: tt.mode})
			require.NoError(t, err)
			require.Equal(t, []string{"1_a.sql", "2_b.sql", "3_bad.sql"}[tt.committed:], names(res.Pending))
			require.Equal(t, []row{done("0", 1), done("1", 1), done("2", 1), done("3", 2)}, e.rows())
			require.Equal(t, []string{"a", "b", "half", "zero"}, e.tables())
		})
	}
}

// TestFailureMessage: one line naming the file, line and statement, what
// the mode left behind, and for 55P04 what to do.
func TestFailureMessage(t *testing.T) {
	enum := []string{
		"1_type.sql", "CREATE TYPE state AS ENUM ('open');\n",
		"2_add.sql", "ALTER TYPE state ADD VALUE 'closed';\n",
		"3_use.sql", "-- a comment\n\nCREATE TABLE orders (status state DEFAULT 'closed');\n",
	}
	e := newEnv(t)
	e.write(enum...)
	_, err := e.run(Options{TxMode: TxAll})
	require.EqualError(t, err, `apply: 3_use.sql:3: statement "CREATE TABLE orders (status state DEFAULT 'closed');" failed: ERROR: unsafe use of new value "closed" of enum type state (SQLSTATE 55P04); --tx-mode all rolled back the whole batch: nothing was applied; a value added by ALTER TYPE ADD VALUE cannot be used in the same transaction: apply with --tx-mode file`)
	require.Empty(t, e.rows())
	// In file mode the split works: each value commits with its file.
	_, err = e.run(Options{})
	require.NoError(t, err)
	require.Equal(t, []row{done("1", 1), done("2", 1), done("3", 1)}, e.rows())

	// The value and its use in one file fail in file mode too.
	e = newEnv(t)
	e.write("1_type.sql", "CREATE TYPE state AS ENUM ('open');\n", "2_both.sql", "ALTER TYPE state ADD VALUE 'closed';\nSELECT 'closed'::state;\n")
	_, err = e.run(Options{})
	require.EqualError(t, err, `apply: 2_both.sql:2: statement "SELECT 'closed'::state;" failed: ERROR: unsafe use of new value "closed" of enum type state (SQLSTATE 55P04); a value added by ALTER TYPE ADD VALUE cannot be used in the same transaction: use it in a later file`)
	require.Equal(t, []row{done("1", 1)}, e.rows())

	e = newEnv(t)
	e.write(failing...)
	_, err = e.run(Options{TxMode: TxNone})
	require.EqualError(t, err, `apply: 3_bad.sql:2: statement "ALTER TABLE nope ADD COLUMN x int;" failed: ERROR: relation "nope" does not exist (SQLSTATE 42P01); the statements before it stay applied, and a re-run resumes at this one`)
}

// TestDirectives: a file's txmode overrides --tx-mode as in Atlas, and what
// Atlas refuses is refused before anything is written. A txmode that no
// --tx-mode could honour (a bad value, twice) is a malformed file: the
// directory check refuses it wherever it sits, as validate does. One that
// only conflicts with --tx-mode all is refused, as Atlas does, when the
// file is about to run.
func TestDirectives(t *testing.T) {
	concurrently := "-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n"
	for _, tt := range []struct {
		name, global, file, err string
		malformed               bool
	}{
		{"none under all", TxAll, concurrently, `apply: cannot set txmode directive to "none" in "2_idx.sql" when txmode "all" is set globally`, false},
		{"file under all", TxAll, "-- atlas:txmode file\n\nCREATE INDEX a_id ON a (id);\n", `apply: cannot set txmode directive to "file" in "2_idx.sql" when txmode "all" is set globally`, false},
		{"all in a file", TxFile, "-- atlas:txmode all\n\nCREATE INDEX a_id ON a (id);\n", `apply: refusing to apply: 2_idx.sql:1: txmode "all" is not allowed in a file (it is --tx-mode all); use "file"`, true},
		{"repeated", TxNone, "-- atlas:txmode none\n-- atlas:txmode none\n\nCREATE INDEX a_id ON a (id);\n", `apply: refusing to apply: 2_idx.sql:2: atlas:txmode repeated (first on line 1): keep one`, true},
		{"unknown", TxFile, "-- atlas:txmode never\n\nCREATE INDEX a_id ON a (id);\n", `apply: refusing to apply: 2_idx.sql:1: unknown txmode "never": want none or file`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.write("1_a.sql", "CREATE TABLE a (id int);\n", "2_idx.sql", tt.file)
			_, err := e.run(Options{TxMode: tt.global})
			require.EqualError(t, err, tt.err)
			require.False(t, e.revisionsTableExists())
			require.Empty(t, e.tables())
			if tt.malformed {
				// Refused whatever is pending, as validate refuses it.
				_, err = e.run(Options{TxMode: tt.global, N: 1})
				require.EqualError(t, err, tt.err)
				require.False(t, e.revisionsTableExists())
				return
			}
			var te *TxModeError
			require.ErrorAs(t, err, &te)
			require.Equal(t, "2_idx.sql", te.File)

			// With N, only the files about to run are checked, as Atlas
			// reads only those.
			_, err = e.run(Options{TxMode: tt.global, N: 1})
			require.NoError(t, err)
			require.Equal(t, []row{done("1", 1)}, e.rows())
		})
	}
}

// TestTxModeFor pins Atlas's txmodeFor, which still guards the files that
// reach the executor.
func TestTxModeFor(t *testing.T) {
	for _, tt := range []struct {
		ds        []string
		mode, err string
	}{
		{nil, "", ""},
		{[]string{"none"}, "none", ""},
		{[]string{"file"}, "file", ""},
		{[]string{"all"}, "", `txmode "all" is not allowed in file directive "f.sql". Use "file" instead`},
		{[]string{"none", "none"}, "", `multiple txmode values found in file "f.sql": ["none" "none"]`},
		{[]string{"never"}, "", `unknown txmode "never" found in file directive "f.sql"`},
	} {
		m, err := txmodeFor("f.sql", tt.ds)
		if tt.err != "" {
			require.EqualError(t, err, tt.err)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tt.mode, m)
	}
}

// TestDirectiveNone: a `txmode none` file runs outside any transaction in
// file mode (CREATE INDEX CONCURRENTLY needs that), statement by statement,
// with its revision written after each one.
func TestDirectiveNone(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int, y int);\n",
		"2_idx.sql", "-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY a_id ON a (id);\nCREATE INDEX CONCURRENTLY a_nope ON nope (id);\n",
		"3_b.sql", "CREATE TABLE b (id int);\n")
	res, err := e.run(Options{})
	var ee *ExecError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, TxNone, ee.Mode)
	require.Equal(t, 4, ee.Line)
	require.Equal(t, 1, res.Applied)
	rows := e.rows()
	require.Len(t, rows, 2)
	require.Equal(t, 1, rows[1].Applied)
	require.Equal(t, 2, rows[1].Total)
	require.NotEmpty(t, rows[1].Error)

	e.write("2_idx.sql", "-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY a_id ON a (id);\nCREATE INDEX CONCURRENTLY a_y ON a (y);\n")
	res, err = e.run(Options{})
	require.NoError(t, err)
	require.Equal(t, []string{"2_idx.sql", "3_b.sql"}, names(res.Pending))
	require.Equal(t, []row{done("1", 1), done("2", 2), done("3", 1)}, e.rows())

	// --tx-mode none with a `txmode file` file: that file gets a
	// transaction of its own, committed after it.
	e = newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int);\n",
		"2_tx.sql", "-- atlas:txmode file\n\nCREATE TABLE t (id int);\nSELECT 1/0;\n",
		"3_tx.sql", "-- atlas:txmode file\n\nCREATE TABLE u (id int);\n")
	_, err = e.run(Options{TxMode: TxNone})
	require.ErrorAs(t, err, &ee)
	require.Equal(t, TxFile, ee.Mode)
	require.Equal(t, []row{done("1", 1)}, e.rows())
	require.Equal(t, []string{"a"}, e.tables())
	e.write("2_tx.sql", "-- atlas:txmode file\n\nCREATE TABLE t (id int);\n")
	_, err = e.run(Options{TxMode: TxNone})
	require.NoError(t, err, "two txmode file files in a row each commit")
	require.Equal(t, []row{done("1", 1), done("2", 1), done("3", 1)}, e.rows())
}

// TestResume: a file left half applied in none mode resumes at the failed
// statement in every mode, and an edit to a statement that already ran is
// refused.
func TestResume(t *testing.T) {
	for _, mode := range []string{TxFile, TxAll, TxNone} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			e.write("1_a.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nSELECT 1/0;\n")
			_, err := e.run(Options{TxMode: TxNone})
			require.Error(t, err)

			e.write("1_a.sql", "CREATE TABLE a (id int);\nCREATE TABLE b_renamed (id int);\nSELECT 1;\n")
			_, err = e.run(Options{TxMode: mode})
			var hc migrate.HistoryChangedError
			require.ErrorAs(t, err, &hc)
			require.ErrorContains(t, err, "apply: 1_a.sql: ")
			require.Equal(t, 2, hc.Stmt)

			e.write("1_a.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nSELECT 1;\n")
			_, err = e.run(Options{TxMode: mode})
			require.NoError(t, err)
			require.Equal(t, []row{done("1", 3)}, e.rows())
			require.Equal(t, []string{"a", "b"}, e.tables())
		})
	}
}

// TestResumeLongerFile: a half-applied file fixed by adding statements (or
// removing ones that never ran) is recorded with its new total and hash, so
// neither this tool nor Atlas reads a lie afterwards.
func TestResumeLongerFile(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int);\nSELECT 1/0;\n")
	_, err := e.run(Options{TxMode: TxNone})
	require.Error(t, err)
	e.write("1_a.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE TABLE c (id int);\n", "2_d.sql", "CREATE TABLE d (id int);\n")
	_, err = e.run(Options{TxMode: TxNone})
	require.NoError(t, err)
	require.Equal(t, []row{done("1", 3), done("2", 1)}, e.rows())
	// The history is the directory's: a later run has nothing to do.
	res, err := e.run(Options{})
	require.NoError(t, err)
	require.Empty(t, res.Pending)

	// Shorter than what already ran: a change to the history.
	e = newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nSELECT 1/0;\n")
	_, err = e.run(Options{TxMode: TxNone})
	require.Error(t, err)
	e.write("1_a.sql", "CREATE TABLE a (id int);\n")
	_, err = e.run(Options{TxMode: TxNone})
	var hc migrate.HistoryChangedError
	require.ErrorAs(t, err, &hc)
	require.Equal(t, 2, hc.Stmt)
}

// TestUnstartedRevision: a revision recording nothing applied (statement 1
// failed with no transaction, or an older schemactl wrote it after a
// rollback) is replaced by the file as it is now, inside the transaction;
// if that fails too, the old row stays as it was.
func TestUnstartedRevision(t *testing.T) {
	for _, mode := range []string{TxFile, TxAll, TxNone} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			e.write("1_a.sql", "SELECT 1/0;\nCREATE TABLE a (id int);\n")
			_, err := e.run(Options{TxMode: TxNone})
			require.Error(t, err)
			stale := e.rows()
			require.Equal(t, 0, stale[0].Applied)

			e.write("1_a.sql", "SELECT 1/0;\nCREATE TABLE a (id int);\nSELECT 2;\n")
			_, err = e.run(Options{TxMode: mode})
			require.Error(t, err)
			if mode != TxNone {
				// The stale row's hash is no longer the file's: compare it raw.
				require.Equal(t, 2, e.rows()[0].Total, "the rolled-back attempt left the row as it was")
			}

			e.write("1_a.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nSELECT 2;\n")
			_, err = e.run(Options{TxMode: mode})
			require.NoError(t, err)
			require.Equal(t, []row{done("1", 3)}, e.rows())
		})
	}
}

// TestTxModeErrorIsTyped: the directive checks return *TxModeError, so the
// CLI can tell a bad directory from a failed statement.
func TestTxModeErrorIsTyped(t *testing.T) {
	_, err := txModes([]migrate.File{migrate.NewLocalFile("1_a.sql", []byte("-- atlas:txmode x\n\nSELECT 1;\n"))}, TxFile)
	var te *TxModeError
	require.True(t, errors.As(err, &te))
}

// TestLegacyErrorRevision: older schemactl versions wrote an error revision
// with nothing applied after a rolled-back transaction. After a failed
// --tx-mode all batch it hid the files before it (or made them "added out
// of order"). Such a row records nothing applied: pending files are read
// without it, and the file it names runs afresh.
func TestLegacyErrorRevision(t *testing.T) {
	legacy := func(e *env, version string) {
		require.NoError(t, revisions.New(e.conn.DB, "").Init(e.ctx))
		require.NoError(t, revisions.New(e.conn.DB, "").WriteRevision(e.ctx, &migrate.Revision{Version: version, Description: "c",
			Type: migrate.RevisionTypeExecute, Total: 2, Hash: "stale", Error: "boom", ErrorStmt: "SELECT 1/0;", OperatorVersion: Operator}))
	}
	files := []string{
		"1_a.sql", "CREATE TABLE a (id int);\n",
		"2_b.sql", "CREATE TABLE b (id int);\n",
		"3_c.sql", "CREATE TABLE c (id int);\nALTER TABLE c ADD COLUMN x int;\n",
	}
	for _, tt := range []struct {
		name    string
		applied int // files applied before the legacy row was written
	}{{"fresh database", 0}, {"after file 1", 1}} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.write(files...)
			if tt.applied > 0 {
				_, err := e.run(Options{N: tt.applied})
				require.NoError(t, err)
			}
			legacy(e, "3")
			d, err := migdir.Open(e.path)
			require.NoError(t, err)
			st, err := ReadStatus(e.ctx, e.conn, d, "")
			require.NoError(t, err)
			require.Equal(t, []string{"1_a.sql", "2_b.sql", "3_c.sql"}[tt.applied:], st.Pending)
			require.Equal(t, "boom", st.LastError)

			res, err := e.run(Options{TxMode: TxAll})
			require.NoError(t, err)
			require.Equal(t, []string{"1_a.sql", "2_b.sql", "3_c.sql"}[tt.applied:], names(res.Pending))
			require.Equal(t, []row{done("1", 1), done("2", 1), done("3", 2)}, e.rows())
			require.Equal(t, []string{"a", "b", "c"}, e.tables())
		})
	}
}

// TestBaselineOverUnstartedRevision: a database whose only revision records
// nothing applied has no history: --baseline records its baseline.
func TestBaselineOverUnstartedRevision(t *testing.T) {
	e := newEnv(t)
	e.write(three...)
	e.exec(`CREATE TABLE a (id int)`)
	require.NoError(t, revisions.New(e.conn.DB, "").Init(e.ctx))
	require.NoError(t, revisions.New(e.conn.DB, "").WriteRevision(e.ctx, &migrate.Revision{Version: "2", Description: "b",
		Type: migrate.RevisionTypeExecute, Total: 2, Hash: "stale", Error: "boom", OperatorVersion: Operator}))
	res, err := e.run(Options{Baseline: "1"})
	require.NoError(t, err)
	require.Equal(t, []string{"2_b.sql", "3_c.sql"}, names(res.Pending))
	require.Equal(t, []row{{Version: "1", Type: migrate.RevisionTypeBaseline, OperatorIsOur: true}, done("2", 2), done("3", 1)}, e.rows())
}

// TestCommitFailure: a deferred constraint fails at commit, not at a
// statement: the file (file mode) or the batch (all mode) rolls back, with
// its revisions, and the error names the file or the batch.
func TestCommitFailure(t *testing.T) {
	deferred := []string{
		"1_p.sql", "CREATE TABLE p (id int PRIMARY KEY);\n",
		"2_c.sql", "CREATE TABLE c (p int REFERENCES p DEFERRABLE INITIALLY DEFERRED);\nINSERT INTO c VALUES (1);\n",
	}
	for _, tt := range []struct {
		mode, err string
		rows      []row
		tables    []string
	}{
		{TxFile, `apply: 2_c.sql: commit: ERROR: insert or update on table "c" violates foreign key constraint "c_p_fkey" (SQLSTATE 23503)`,
			[]row{done("1", 1)}, []string{"p"}},
		{TxAll, `apply: --tx-mode all: commit: ERROR: insert or update on table "c" violates foreign key constraint "c_p_fkey" (SQLSTATE 23503); the whole batch was rolled back: nothing was applied`,
			[]row{}, []string{}},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			e := newEnv(t)
			e.write(deferred...)
			res, err := e.run(Options{TxMode: tt.mode})
			require.EqualError(t, err, tt.err)
			require.Equal(t, len(tt.rows), res.Applied)
			require.Equal(t, tt.rows, e.rows())
			require.Equal(t, tt.tables, e.tables())
		})
	}
}

// A concurrent unique index that fails on duplicates: the error says which
// key (PostgreSQL's DETAIL) and that the INVALID index it left must be
// dropped before a re-run, which otherwise fails on "already exists".
func TestFailedConcurrentIndex(t *testing.T) {
	e := newEnv(t)
	e.write("1_t.sql", "CREATE TABLE t (id int, b int);\nINSERT INTO t VALUES (1, 7), (2, 7);\n")
	e.write("2_idx.sql", "-- atlas:txmode none\n\nCREATE UNIQUE INDEX CONCURRENTLY \"t_b\" ON t (b);\n")
	_, err := e.run(Options{TxMode: TxFile})
	var ee *ExecError
	require.ErrorAs(t, err, &ee)
	require.Contains(t, err.Error(), `(detail: Key (b)=(7) is duplicated.)`)
	require.Contains(t, err.Error(), "a re-run resumes at this one, after `DROP INDEX CONCURRENTLY \"t_b\"` (a failed concurrent build leaves the index behind, INVALID)")
}

func TestConcurrentIndexName(t *testing.T) {
	for stmt, want := range map[string]string{
		`CREATE INDEX CONCURRENTLY "a" ON t (x)`:         `"a"`,
		`create unique index concurrently b on t (x)`:    "b",
		`CREATE INDEX CONCURRENTLY IF NOT EXISTS c ON t`: "",
		`CREATE INDEX c ON t (x)`:                        "",
		`DROP INDEX CONCURRENTLY "a"`:                    "",
	} {
		got, ok := concurrentIndex(stmt)
		require.Equal(t, want, got, stmt)
		require.Equal(t, want != "", ok, stmt)
	}
}
