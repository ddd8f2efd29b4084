//go:build unix

package devdb

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// macOS's way of stopping a dead run's server (no /proc, no pidfd, no
// parent-death signal), run here on a real server: the pid in the
// cluster's postmaster.pid, checked with ps before it is signalled.
func TestStopOrphansWithPS(t *testing.T) {
	root := privateScratch(t)
	ctx := context.Background()
	dead, err := Start(ctx)
	require.NoError(t, err)
	pid, base := dead.PID(), dead.Base()
	dead.dir.Abandon()
	require.True(t, psRunsIn(pid, base), "ps shows the postmaster on the dead run's directory")

	// A postmaster.pid naming a pid that runs something else now (reused)
	// is not signalled.
	other := exec.Command("sleep", "30")
	require.NoError(t, other.Start())
	defer other.Process.Kill()
	stale := filepath.Join(root, runPrefix+"stale")
	require.NoError(t, os.MkdirAll(filepath.Join(stale, "data"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(stale, "data", "postmaster.pid"), []byte(strconv.Itoa(other.Process.Pid)+"\n"+stale+"/data\n"), 0o600))
	stopOrphansPS(stale)
	require.False(t, psRunsIn(other.Process.Pid, stale))
	time.Sleep(50 * time.Millisecond)
	state, err := exec.Command("ps", "-o", "stat=", "-p", strconv.Itoa(other.Process.Pid)).Output()
	require.NoError(t, err)
	require.NotContains(t, string(state), "Z", "the other process still runs")

	stopOrphansPS(base)
	select {
	case <-dead.exited:
	case <-time.After(5 * time.Second):
		t.Fatal("the dead run's postmaster still runs")
	}
	require.False(t, psRunsIn(pid, base))
	sweep(root)
	require.NoDirExists(t, base)
}
