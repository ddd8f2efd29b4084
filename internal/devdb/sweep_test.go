//go:build unix

package devdb

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// privateScratch points the servers this test starts at a directory of its
// own, so that it sees only its own runs, not other test runs'.
func privateScratch(t *testing.T) string {
	t.Helper()
	parent := "/dev/shm"
	if _, err := os.Stat(parent); err != nil {
		parent = os.TempDir()
	}
	root, err := os.MkdirTemp(parent, "sctest-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(root, 0o755)) // the server account must reach it
	t.Cleanup(func() { os.RemoveAll(root) })
	t.Setenv(ScratchEnv, root)
	return root
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// A live run's directory and server survive any number of sweeps.
func TestSweepSparesALiveRun(t *testing.T) {
	root := privateScratch(t)
	ctx := context.Background()
	live, err := Start(ctx)
	require.NoError(t, err)
	defer live.Stop()
	u, err := live.CreateDatabase(ctx)
	require.NoError(t, err)

	sweep(root)
	other, err := Start(ctx) // sweeps too
	require.NoError(t, err)
	require.NoError(t, other.Stop())

	require.DirExists(t, live.Base())
	require.NoError(t, syscall.Kill(live.PID(), 0))
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err, "the live server still answers")
	require.NoError(t, conn.Close(ctx))
	require.NoError(t, live.Stop())
	require.Empty(t, entries(t, root))
}

// A directory without a lock (left by a schemactl before locks, or not
// schemactl's) is not provably dead: it is left alone.
func TestSweepLeavesUnlockedDirectories(t *testing.T) {
	root := privateScratch(t)
	legacy := filepath.Join(root, runPrefix+"1234")
	require.NoError(t, os.Mkdir(legacy, 0o700))
	sweep(root)
	require.DirExists(t, legacy)
}

// Only initdb and postgres on a data directory inside the dead run's
// directory are its servers.
func TestDataDirIn(t *testing.T) {
	dir := "/dev/shm/schemactl-devdb-1"
	for _, tt := range []struct {
		argv []string
		want bool
	}{
		{[]string{"/usr/lib/postgresql/15/bin/postgres", "-D", dir + "/data", "-k", dir + "/sock"}, true},
		{[]string{"postgres", "--single", "-D", dir + "/initdb", "template1"}, true},
		{[]string{"/usr/bin/initdb", "--pgdata", dir + "/initdb", "--username", "postgres"}, true},
		{[]string{"initdb", "--pgdata=" + dir + "/initdb"}, true},
		{[]string{"postgres", "-D", "/dev/shm/schemactl-devdb-12/data"}, false}, // another run
		{[]string{"postgres", "-D", "/var/lib/postgresql/15/main"}, false},
		{[]string{"ls", "-D", dir + "/data"}, false},
		{[]string{"postgres", "-k", dir + "/sock"}, false},
		{[]string{"postgres: checkpointer "}, false},
		{nil, false},
	} {
		require.Equal(t, tt.want, dataDirIn(tt.argv, dir), "%q", tt.argv)
	}
}
