package devdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A run killed with its server still up: the next start stops that server
// (it belongs to the dead run: its data directory is the dead run's) and
// removes the directory. The dead run is simulated by dropping the lock
// and leaving everything else running, as a kill -9 that the server
// survived would.
func TestStartSweepsADeadRunAndItsServer(t *testing.T) {
	root := privateScratch(t)
	ctx := context.Background()
	dead, err := Start(ctx)
	require.NoError(t, err)
	pid, base := dead.PID(), dead.Base()
	require.Equal(t, root, filepath.Dir(base))
	dead.dir.Abandon()
	require.Contains(t, serversIn(base), pid, "the postmaster runs from the dead run's directory")

	s, err := Start(ctx)
	require.NoError(t, err)
	defer s.Stop()
	require.False(t, alive(pid), "the dead run's postmaster was stopped")
	<-dead.exited
	require.NoDirExists(t, base)
	require.NoFileExists(t, base+".lock")
	require.Empty(t, serversIn(base))
	require.ElementsMatch(t, []string{filepath.Base(s.Base()), filepath.Base(s.Base()) + ".lock"}, entries(t, root))

	require.NoError(t, s.Stop())
	require.Empty(t, entries(t, root))
}
