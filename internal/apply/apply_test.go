package apply

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/devdb/devdbtest"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

var server *devdb.Server

func TestMain(m *testing.M) { os.Exit(devdbtest.Main(m, &server)) }

// env is one fresh database and one migration directory.
type env struct {
	t    *testing.T
	ctx  context.Context
	url  string
	conn *pgdb.Conn
	path string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	conn, err := pgdb.Connect(ctx, u)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return &env{t: t, ctx: ctx, url: u, conn: conn, path: t.TempDir()}
}

// write writes name/content pairs into the directory and rehashes it.
func (e *env) write(nameContent ...string) {
	e.t.Helper()
	for i := 0; i < len(nameContent); i += 2 {
		require.NoError(e.t, os.WriteFile(filepath.Join(e.path, nameContent[i]), []byte(nameContent[i+1]), 0o644))
	}
	d, err := migdir.Open(e.path)
	require.NoError(e.t, err)
	require.NoError(e.t, d.Hash())
}

// run applies the directory with o.
func (e *env) run(o Options) (*Result, error) {
	e.t.Helper()
	d, err := migdir.Open(e.path)
	require.NoError(e.t, err)
	o.Dir = d
	if o.LockTimeout == 0 {
		o.LockTimeout = 10 * time.Second
	}
	return Run(e.ctx, e.conn, o)
}

// exec runs SQL on the database, outside any apply.
func (e *env) exec(q string) {
	e.t.Helper()
	_, err := e.conn.DB.ExecContext(e.ctx, q)
	require.NoError(e.t, err)
}

// row is a revision as the tests compare it: the hash is "sum" when it is
// the file's atlas.sum entry as the directory is now.
type row struct {
	Version       string
	Type          migrate.RevisionType
	Applied       int
	Total         int
	Error, Stmt   string
	Partial       int
	Hash          string
	OperatorIsOur bool
}

func (e *env) rows() []row {
	e.t.Helper()
	revs, err := revisions.New(e.conn.DB, "").ReadRevisions(e.ctx)
	require.NoError(e.t, err)
	d, err := migdir.Open(e.path)
	require.NoError(e.t, err)
	sum, err := d.Migrate().Checksum()
	require.NoError(e.t, err)
	byVersion := map[string]string{}
	files, err := d.Files()
	require.NoError(e.t, err)
	for _, f := range files {
		h, err := sum.SumByName(f.Name())
		require.NoError(e.t, err)
		byVersion[f.Version()] = h
	}
	rows := []row{}
	for _, r := range revs {
		hash := r.Hash
		if hash != "" && hash == byVersion[r.Version] {
			hash = "sum"
		}
		rows = append(rows, row{Version: r.Version, Type: r.Type, Applied: r.Applied, Total: r.Total, Error: r.Error,
			Stmt: r.ErrorStmt, Partial: len(r.PartialHashes), Hash: hash, OperatorIsOur: r.OperatorVersion == Operator})
	}
	return rows
}

// done is the row of a fully applied file of n statements.
func done(version string, n int) row {
	return row{Version: version, Type: migrate.RevisionTypeExecute, Applied: n, Total: n, Hash: "sum", OperatorIsOur: true}
}

// tables lists the public tables.
func (e *env) tables() []string {
	e.t.Helper()
	rows, err := e.conn.DB.QueryContext(e.ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	require.NoError(e.t, err)
	defer rows.Close()
	names := []string{}
	for rows.Next() {
		var n string
		require.NoError(e.t, rows.Scan(&n))
		names = append(names, n)
	}
	require.NoError(e.t, rows.Err())
	return names
}

// revisionsTableExists reports whether the apply created the revisions
// table.
func (e *env) revisionsTableExists() bool {
	e.t.Helper()
	ok, err := revisions.New(e.conn.DB, "").Exists(e.ctx)
	require.NoError(e.t, err)
	return ok
}

func names(files []migrate.File) []string {
	n := []string{}
	for _, f := range files {
		n = append(n, f.Name())
	}
	return n
}

var three = []string{
	"1_a.sql", "CREATE TABLE a (id int);\n",
	"2_b.sql", "CREATE TABLE b (id int);\nALTER TABLE b ADD COLUMN x int;\n",
	"3_c.sql", "CREATE TABLE c (id int);\n",
}

// TestModes: every mode applies the same files to the same rows, and a
// second run finds nothing to do.
func TestModes(t *testing.T) {
	for _, mode := range []string{"", TxFile, TxAll, TxNone} {
		t.Run("mode="+mode, func(t *testing.T) {
			e := newEnv(t)
			e.write(three...)
			var seen []string
			res, err := e.run(Options{TxMode: mode, OnFile: func(f migrate.File, i, n int) {
				seen = append(seen, fmt.Sprintf("%s %d/%d", f.Name(), i, n))
			}})
			require.NoError(t, err)
			require.Equal(t, []string{"1_a.sql", "2_b.sql", "3_c.sql"}, names(res.Pending))
			require.Equal(t, 3, res.Applied)
			require.Equal(t, []string{"1_a.sql 0/3", "2_b.sql 1/3", "3_c.sql 2/3"}, seen)
			require.Equal(t, []row{done("1", 1), done("2", 2), done("3", 1)}, e.rows())
			require.Equal(t, []string{"a", "b", "c"}, e.tables())

			res, err = e.run(Options{TxMode: mode})
			require.NoError(t, err)
			require.Empty(t, res.Pending)
			require.Equal(t, 3, len(e.rows()))
		})
	}
}

// TestN: N files at a time, in each mode, continue where the last run
// stopped.
func TestN(t *testing.T) {
	for _, mode := range []string{TxFile, TxAll, TxNone} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			e.write(three...)
			res, err := e.run(Options{TxMode: mode, N: 2})
			require.NoError(t, err)
			require.Equal(t, 2, res.Applied)
			require.Equal(t, []row{done("1", 1), done("2", 2)}, e.rows())
			res, err = e.run(Options{TxMode: mode, N: 2})
			require.NoError(t, err)
			require.Equal(t, []string{"3_c.sql"}, names(res.Pending))
			require.Equal(t, []row{done("1", 1), done("2", 2), done("3", 1)}, e.rows())
		})
	}
}

// TestDryRun writes nothing, not even the revisions table, also with
// --baseline.
func TestDryRun(t *testing.T) {
	e := newEnv(t)
	e.write(three...)
	res, err := e.run(Options{DryRun: true})
	require.NoError(t, err)
	require.Equal(t, []string{"1_a.sql", "2_b.sql", "3_c.sql"}, names(res.Pending))
	require.Zero(t, res.Applied)
	require.False(t, e.revisionsTableExists())

	e.exec(`CREATE TABLE a (id int)`)
	res, err = e.run(Options{DryRun: true, Baseline: "1"})
	require.NoError(t, err)
	require.Equal(t, []string{"2_b.sql", "3_c.sql"}, names(res.Pending))
	require.False(t, e.revisionsTableExists())
}

// TestBaseline adopts a database built by hand: the baseline row as Atlas
// writes it, then the files after it.
func TestBaseline(t *testing.T) {
	for _, mode := range []string{TxFile, TxAll, TxNone} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			e.write(three...)
			e.exec(`CREATE TABLE a (id int); CREATE TABLE b (id int, x int)`)
			_, err := e.run(Options{TxMode: mode})
			var nc *migrate.NotCleanError
			require.ErrorAs(t, err, &nc)
			require.False(t, e.revisionsTableExists(), "a refused apply creates nothing")

			_, err = e.run(Options{TxMode: mode, Baseline: "9"})
			require.ErrorContains(t, err, `baseline version "9" not found`)

			res, err := e.run(Options{TxMode: mode, Baseline: "2"})
			require.NoError(t, err)
			require.Equal(t, []string{"3_c.sql"}, names(res.Pending))
			require.Equal(t, []row{
				{Version: "2", Type: migrate.RevisionTypeBaseline, OperatorIsOur: true},
				done("3", 1),
			}, e.rows())
			require.Equal(t, []string{"a", "b", "c"}, e.tables())

			// The baseline is recorded once; --baseline again is a no-op.
			res, err = e.run(Options{TxMode: mode, Baseline: "2"})
			require.NoError(t, err)
			require.Empty(t, res.Pending)
		})
	}
}

// TestBaselineThenFailure: the baseline revision is written before the
// batch, as Atlas writes it, and stays when the batch rolls back.
func TestBaselineThenFailure(t *testing.T) {
	e := newEnv(t)
	e.write(three...)
	e.write("4_bad.sql", "CREATE TABLE d (id int);\nSELECT 1/0;\n")
	e.exec(`CREATE TABLE a (id int)`)
	res, err := e.run(Options{TxMode: TxAll, Baseline: "1"})
	var ee *ExecError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, "4_bad.sql", ee.File)
	require.Zero(t, res.Applied)
	require.Equal(t, []row{{Version: "1", Type: migrate.RevisionTypeBaseline, OperatorIsOur: true}}, e.rows())
	require.Equal(t, []string{"a"}, e.tables())
}

// TestChangedHistory: an applied file edited afterwards stops the apply
// before anything runs.
func TestChangedHistory(t *testing.T) {
	e := newEnv(t)
	e.write(three[:2]...)
	_, err := e.run(Options{})
	require.NoError(t, err)
	e.write("1_a.sql", "CREATE TABLE a (id bigint);\n", three[2], three[3])
	_, err = e.run(Options{})
	require.ErrorIs(t, err, ErrHistoryChanged)
	require.ErrorContains(t, err, "1_a.sql was applied with hash")
	require.Equal(t, []string{"a"}, e.tables())
}

// TestAddedBeforeApplied: a file added before applied ones changes their
// atlas.sum entries (each hashes the files before it) but not the files:
// the apply reports the added file as out of order, as Atlas does, not the
// applied ones as changed.
func TestAddedBeforeApplied(t *testing.T) {
	e := newEnv(t)
	e.write(three[0], three[1], three[4], three[5])
	_, err := e.run(Options{})
	require.NoError(t, err)
	e.write(three[2], three[3])
	_, err = e.run(Options{})
	require.NotErrorIs(t, err, ErrHistoryChanged)
	var nonLinear *migrate.HistoryNonLinearError
	require.ErrorAs(t, err, &nonLinear)
	require.ErrorContains(t, err, "migration file 2_b.sql was added out of order")
	require.Equal(t, []string{"a", "c"}, e.tables())
}

// TestBadMode: an unknown --tx-mode is refused before anything is written.
func TestBadMode(t *testing.T) {
	e := newEnv(t)
	e.write(three...)
	_, err := e.run(Options{TxMode: "sometimes"})
	require.EqualError(t, err, `apply: unknown tx-mode "sometimes"`)
	require.False(t, e.revisionsTableExists())
}

// TestLocked: another holder of Atlas's lock makes the apply give up after
// the timeout, having written nothing.
func TestLocked(t *testing.T) {
	e := newEnv(t)
	e.write(three...)
	other, err := pgdb.Connect(e.ctx, e.url)
	require.NoError(t, err)
	defer other.Close()
	unlock, err := Lock(e.ctx, other, time.Second)
	require.NoError(t, err)
	defer unlock()
	_, err = e.run(Options{LockTimeout: 50 * time.Millisecond})
	require.ErrorContains(t, err, `another apply or down holds the lock "atlas_migrate_execute"`)
	require.False(t, e.revisionsTableExists())
}

// TestConcurrentRuns: applies racing on one database, from one process
// (under -race, this is what checks the package's shared state), take
// turns on Atlas's lock: none fails, and each file runs exactly once.
func TestConcurrentRuns(t *testing.T) {
	e := newEnv(t)
	e.write(three...)
	d, err := migdir.Open(e.path)
	require.NoError(t, err)
	const n = 6
	var (
		wg      sync.WaitGroup
		errs    [n]error
		applied [n]int
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := pgdb.Connect(e.ctx, e.url)
			if err != nil {
				errs[i] = err
				return
			}
			defer conn.Close()
			res, err := Run(e.ctx, conn, Options{Dir: d, LockTimeout: time.Minute, TxMode: []string{TxFile, TxAll, TxNone}[i%3]})
			if res != nil {
				applied[i] = res.Applied
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	total := 0
	for i := range n {
		require.NoError(t, errs[i], "run %d", i)
		total += applied[i]
	}
	require.Equal(t, 3, total)
	require.Equal(t, []row{done("1", 1), done("2", 2), done("3", 1)}, e.rows())
}
