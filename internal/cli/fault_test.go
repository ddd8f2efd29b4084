package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
)

// faultDir writes n migration files: file i creates table t<i>, indexes it
// and points a foreign key at t<i-1>, in several statements, so a kill can
// land inside a file.
func faultDir(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := 1; i <= n; i++ {
		var b bytes.Buffer
		fmt.Fprintf(&b, "CREATE TABLE t%d (id bigint PRIMARY KEY, code text NOT NULL, parent bigint);\n", i)
		fmt.Fprintf(&b, "CREATE UNIQUE INDEX t%d_code ON t%d (code);\n", i, i)
		fmt.Fprintf(&b, "INSERT INTO t%d (id, code) SELECT g, 'c' || g FROM generate_series(1, 2000) g;\n", i)
		if i > 1 {
			fmt.Fprintf(&b, "ALTER TABLE t%d ADD CONSTRAINT t%d_parent FOREIGN KEY (parent) REFERENCES t%d (id);\n", i, i, i-1)
		}
		fmt.Fprintf(&b, "COMMENT ON TABLE t%d IS 'file %d';\n", i, i)
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("%03d_t%d.sql", i, i)), b.Bytes(), 0o644))
	}
	schemactl(t, "migrate", "hash", "--dir", "file://"+dir)
	return dir
}

func schemactl(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("schemactl")
	require.NoError(t, err)
	out, err := exec.Command(bin, args...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

func pgDump(t *testing.T, u string) string {
	t.Helper()
	bin, err := devdb.FindBinaries()
	require.NoError(t, err)
	out, err := exec.Command(filepath.Join(bin.Dir, "pg_dump"), "--schema-only", "--no-owner", "--exclude-schema=atlas_schema_revisions", "--dbname", u).Output()
	require.NoError(t, err)
	// \restrict and \unrestrict carry a random key per dump.
	var kept []string
	for _, l := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(l, "\\restrict ") && !strings.HasPrefix(l, "\\unrestrict ") {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// TestApplyKilled: kill -9 at random moments, 30 times. After each kill the
// database sits on a whole-file boundary, a re-run completes, and the final
// schema is the one a clean apply builds.
func TestApplyKilled(t *testing.T) {
	ctx := context.Background()
	dir := faultDir(t, 20)
	clean, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	schemactl(t, "migrate", "apply", "--dir", "file://"+dir, "--url", clean)
	want := pgDump(t, clean)

	bin, err := exec.LookPath("schemactl")
	require.NoError(t, err)
	killedMidway := 0
	for trial := 0; trial < 30; trial++ {
		u, err := server.CreateDatabase(ctx)
		require.NoError(t, err)
		cmd := exec.Command(bin, "migrate", "apply", "--dir", "file://"+dir, "--url", u)
		require.NoError(t, cmd.Start())
		time.Sleep(time.Duration(rand.IntN(400)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()

		conn, err := pgx.Connect(ctx, u)
		require.NoError(t, err)
		var revs, partial, tables int
		err = conn.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE applied <> total) FROM atlas_schema_revisions.atlas_schema_revisions`).Scan(&revs, &partial)
		if err != nil { // killed before the revisions table existed
			revs = 0
		}
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables))
		require.NoError(t, conn.Close(ctx))
		require.Zero(t, partial, "trial %d: a file is half applied", trial)
		require.Equal(t, revs, tables, "trial %d: %d files recorded but %d tables exist", trial, revs, tables)
		if revs > 0 && revs < 20 {
			killedMidway++
		}

		schemactl(t, "migrate", "apply", "--dir", "file://"+dir, "--url", u)
		require.Equal(t, want, pgDump(t, u), "trial %d: the schema differs from a clean apply", trial)
	}
	require.Positive(t, killedMidway, "no kill landed in the middle of the directory")
}

// TestConcurrentApplies: 8 applies at once on one fresh database all
// succeed (they wait for the lock), and each file is applied exactly once.
func TestConcurrentApplies(t *testing.T) {
	ctx := context.Background()
	dir := faultDir(t, 20)
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
			outs[i], errs[i] = exec.Command(bin, "migrate", "apply", "--dir", "file://"+dir, "--url", u, "--lock-timeout", "60s").CombinedOutput()
		}()
	}
	wg.Wait()
	applied := 0
	for i := range 8 {
		require.NoError(t, errs[i], "apply %d: %s", i, outs[i])
		applied += bytes.Count(outs[i], []byte("Applied "))
	}
	require.Equal(t, 20, applied, "every file applied exactly once across the 8 runs")
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var rows, distinct int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT version) FROM atlas_schema_revisions.atlas_schema_revisions WHERE applied = total`).Scan(&rows, &distinct))
	require.Equal(t, 20, rows)
	require.Equal(t, 20, distinct)
}
