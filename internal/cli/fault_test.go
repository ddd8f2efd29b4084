package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
)

// The fault suite: kill -9 at known statements of a long apply, concurrent
// applies, and a failing --tx-mode all batch. It runs with the package's
// tests (make test), on the synthetic history of internal/cli's benchmarks.

// faultTables and faultFiles size the history: 180 files, as a team's
// history of two years (the benchmarks' 400-table history is the same
// length; fewer tables keep the suite within a minute on 2 cores).
const (
	faultTables = 180
	faultFiles  = 180
)

// applyKillPoint is a place to kill an apply: while statement stmt of file (both
// 1-based) runs, in mode. stmt one past the file's last statement is a
// statement appended to it.
type applyKillPoint struct {
	file, stmt int
	mode       string
}

var applyKillPoints = []applyKillPoint{
	{1, 1, "file"},     // the very first statement
	{2, 1, "none"},     // ALTER TYPE ... ADD VALUE, with no transaction
	{3, 2, "file"},     // inside the first table file
	{45, 3, "none"},    // mid-file, statements before it committed
	{90, 1, "file"},    // half way
	{120, 2, "none"},   //
	{150, 99, "file"},  // after the file's last statement
	{179, 250, "none"}, // inside the 500-statement index file
	{179, 400, "file"}, // the same file, rolled back
	{180, 99, "none"},  // the very last statement
}

// lockKey is the advisory lock the statement at point i waits for.
func lockKey(i int) int64 { return 7100 + int64(i) }

// killHistory writes the synthetic history with, at each kill point, a
// statement that waits for an advisory lock the test may hold. It returns
// the directory, the points with stmt made exact, and the number of
// statements of each point's file.
func killHistory(t *testing.T) (string, []applyKillPoint, []int) {
	t.Helper()
	dir := t.TempDir()
	names := syntheticHistory(t, dir, faultTables, faultFiles)
	points := slices.Clone(applyKillPoints)
	totals := make([]int, len(points))
	for i, p := range points {
		name := names[p.file-1]
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		// One statement per line; comment lines belong to the next one.
		var out []string
		n := 0
		for _, l := range strings.SplitAfter(string(b), "\n") {
			if l != "" && !strings.HasPrefix(l, "--") {
				n++
				if n == p.stmt {
					out = append(out, fmt.Sprintf("SELECT pg_advisory_xact_lock(%d);\n", lockKey(i)))
				}
			}
			out = append(out, l)
		}
		if p.stmt > n {
			points[i].stmt = n + 1
			out = append(out, fmt.Sprintf("SELECT pg_advisory_xact_lock(%d);\n", lockKey(i)))
		}
		require.NoError(t, os.WriteFile(name, []byte(strings.Join(out, "")), 0o644))
	}
	for i, p := range points { // after every insertion: two points may share a file
		b, err := os.ReadFile(names[p.file-1])
		require.NoError(t, err)
		stmts, err := migrate.NewLocalFile(filepath.Base(names[p.file-1]), b).Stmts()
		require.NoError(t, err)
		totals[i] = len(stmts)
	}
	schemactl(t, "migrate", "hash", "--dir", "file://"+dir)
	return dir, points, totals
}

func schemactl(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("schemactl")
	require.NoError(t, err)
	out, err := exec.Command(bin, args...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

// pgDump is the database as text: with full, every schema and every row
// (byte for byte what is there); without, the schema outside the
// revisions table (what a clean apply must reproduce).
func pgDump(t *testing.T, u string, full bool) string {
	t.Helper()
	bin, err := devdb.FindBinaries()
	require.NoError(t, err)
	args := []string{"--no-owner", "--dbname", u}
	if !full {
		args = append(args, "--schema-only", "--exclude-schema=atlas_schema_revisions")
	}
	out, err := exec.Command(filepath.Join(bin.Dir, "pg_dump"), args...).Output()
	require.NoError(t, err)
	return stripRestrict(string(out))
}

// stripRestrict drops \restrict and \unrestrict, which carry a random key
// per dump.
func stripRestrict(s string) string {
	var kept []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "\\restrict ") && !strings.HasPrefix(l, "\\unrestrict ") {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// revisionRow is a revision as the fault tests check it.
type revisionRow struct {
	version         string
	applied, total  int
	partial         int
	hash, errorText string
}

func readRevisions(t *testing.T, u string) []revisionRow {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var exists bool
	require.NoError(t, conn.QueryRow(ctx, `SELECT to_regclass('atlas_schema_revisions.atlas_schema_revisions') IS NOT NULL`).Scan(&exists))
	if !exists {
		return nil
	}
	rows, err := conn.Query(ctx, `SELECT version, applied, total, coalesce(jsonb_array_length(partial_hashes), 0), hash, coalesce(error, '') FROM atlas_schema_revisions.atlas_schema_revisions ORDER BY version`)
	require.NoError(t, err)
	defer rows.Close()
	var revs []revisionRow
	for rows.Next() {
		var r revisionRow
		require.NoError(t, rows.Scan(&r.version, &r.applied, &r.total, &r.partial, &r.hash, &r.errorText))
		revs = append(revs, r)
	}
	require.NoError(t, rows.Err())
	return revs
}

// wantRevisions is every file of dir before file n (1-based) fully applied,
// recorded with its atlas.sum hash and statement count.
func wantRevisions(t *testing.T, dir string, n int) []revisionRow {
	t.Helper()
	d, err := migrate.NewLocalDir(dir)
	require.NoError(t, err)
	files, err := d.Files()
	require.NoError(t, err)
	sum, err := d.Checksum()
	require.NoError(t, err)
	var want []revisionRow
	for _, f := range files[:n-1] {
		stmts, err := f.Stmts()
		require.NoError(t, err)
		h, err := sum.SumByName(f.Name())
		require.NoError(t, err)
		want = append(want, revisionRow{version: f.Version(), applied: len(stmts), total: len(stmts), hash: h})
	}
	return want
}

// TestApplyKilled: kill -9 while a known statement runs (it waits for an
// advisory lock the test holds), at ten points of a 180-file apply, in file
// and none mode. After each kill the revisions say exactly how far the
// apply got (whole files in file mode; the statements before the one
// killed in none mode); a re-run completes, the schema is the one a clean
// apply builds, and every revision records its file.
func TestApplyKilled(t *testing.T) {
	ctx := context.Background()
	dir, points, totals := killHistory(t)
	bin, err := exec.LookPath("schemactl")
	require.NoError(t, err)

	clean, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	schemactl(t, "migrate", "apply", "--dir", "file://"+dir, "--url", clean)
	want := pgDump(t, clean, false)
	all := wantRevisions(t, dir, faultFiles+1)
	require.Equal(t, all, readRevisions(t, clean))

	for i, p := range points {
		u, err := server.CreateDatabase(ctx)
		require.NoError(t, err)
		holder, err := pgx.Connect(ctx, u)
		require.NoError(t, err)
		_, err = holder.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockKey(i))
		require.NoError(t, err)

		cmd := exec.Command(bin, "migrate", "apply", "--dir", "file://"+dir, "--url", u, "--tx-mode", p.mode)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		require.NoError(t, cmd.Start())
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		pid, ok := waitForLockWaiter(t, holder, lockKey(i), exited)
		require.True(t, ok, "point %d (%+v): the apply exited before reaching it: %s", i, p, &out)
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		<-exited
		// The server finds the client gone only when the statement ends:
		// end it now, as the statement that was running.
		_, err = holder.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid)
		require.NoError(t, err)
		require.NoError(t, holder.Close(ctx))

		got := readRevisions(t, u)
		before := wantRevisions(t, dir, p.file)
		if p.mode == "none" {
			// The killed file's revision holds the statements before the
			// one killed, without an error (nothing failed).
			partial := wantRevisions(t, dir, p.file+1)[p.file-1]
			partial.applied, partial.partial = p.stmt-1, p.stmt-1
			require.Equal(t, totals[i], partial.total)
			before = append(before, partial)
		}
		require.Equal(t, before, got, "point %d (%+v): the revisions after the kill", i, p)

		schemactl(t, "migrate", "apply", "--dir", "file://"+dir, "--url", u, "--tx-mode", p.mode)
		require.Equal(t, all, readRevisions(t, u), "point %d (%+v): the revisions after the re-run", i, p)
		require.Equal(t, want, pgDump(t, u, false), "point %d (%+v): the schema differs from a clean apply", i, p)
	}
}

// waitForLockWaiter waits until a backend waits for the advisory lock key
// (the apply reached the kill point) and returns its pid; false if the
// apply exited first.
func waitForLockWaiter(t *testing.T, conn *pgx.Conn, key int64, exited <-chan struct{}) (int, bool) {
	t.Helper()
	for {
		var pid int
		err := conn.QueryRow(context.Background(), `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid = $1 AND objsubid = 1`, key).Scan(&pid)
		if err == nil {
			return pid, true
		}
		require.ErrorIs(t, err, pgx.ErrNoRows)
		select {
		case <-exited:
			return 0, false
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestConcurrentApplies: 8 applies at once on one fresh database all
// succeed (they wait for the lock), and each file is applied exactly once.
func TestConcurrentApplies(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	syntheticHistory(t, dir, faultTables, faultFiles)
	schemactl(t, "migrate", "hash", "--dir", "file://"+dir)
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	bin, err := exec.LookPath("schemactl")
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	outs := make([][]byte, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = exec.Command(bin, "migrate", "apply", "--dir", "file://"+dir, "--url", u, "--lock-timeout", "5m").CombinedOutput()
		}()
	}
	wg.Wait()
	applied := 0
	for i := range 8 {
		require.NoError(t, errs[i], "apply %d: %s", i, outs[i])
		applied += bytes.Count(outs[i], []byte("Applied "))
	}
	require.Equal(t, faultFiles, applied, "every file applied exactly once across the 8 runs")
	require.Equal(t, wantRevisions(t, dir, faultFiles+1), readRevisions(t, u))
}

// TestTxModeAllFailingLastFile: with part of the history applied, a
// --tx-mode all batch whose last file fails leaves the schema and the
// revisions table byte for byte as they were, and names the file.
func TestTxModeAllFailingLastFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	syntheticHistory(t, dir, faultTables, faultFiles)
	schemactl(t, "migrate", "hash", "--dir", "file://"+dir)
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	schemactl(t, "migrate", "apply", "--dir", "file://"+dir, "--url", u, fmt.Sprint(faultFiles-20))
	before := pgDump(t, u, true)

	last := filepath.Join(dir, fmt.Sprintf("%d_broken.sql", 20250101000000+faultFiles))
	require.NoError(t, os.WriteFile(last, []byte("CREATE TABLE broken (id int);\nALTER TABLE missing ADD COLUMN x int;\n"), 0o644))
	schemactl(t, "migrate", "hash", "--dir", "file://"+dir)
	bin, err := exec.LookPath("schemactl")
	require.NoError(t, err)
	out, err := exec.Command(bin, "migrate", "apply", "--dir", "file://"+dir, "--url", u, "--tx-mode", "all").CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out)
	require.Equal(t, 2, exit.ExitCode())
	require.Contains(t, string(out), "Error: apply: "+filepath.Base(last)+`:2: statement "ALTER TABLE missing ADD COLUMN x int;" failed`)
	require.NotContains(t, string(out), "Applied ")
	require.Equal(t, before, pgDump(t, u, true))

	// The fix applies the whole batch.
	require.NoError(t, os.WriteFile(last, []byte("CREATE TABLE broken (id int);\n"), 0o644))
	schemactl(t, "migrate", "hash", "--dir", "file://"+dir)
	out2 := schemactl(t, "migrate", "apply", "--dir", "file://"+dir, "--url", u, "--tx-mode", "all")
	require.Equal(t, 21, strings.Count(out2, "Applied "))
	require.Equal(t, wantRevisions(t, dir, faultFiles+2), readRevisions(t, u))
}
