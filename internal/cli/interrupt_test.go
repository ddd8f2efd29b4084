package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestDevDBInterrupted: Ctrl-C stops the embedded server and removes its
// directory; no process is left.
func TestDevDBInterrupted(t *testing.T) {
	bin, err := exec.LookPath("schemactl")
	require.NoError(t, err)
	cmd := exec.Command(bin, "devdb")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	u, err := url.Parse(strings.TrimSpace(line))
	require.NoError(t, err)
	sock := u.Query().Get("host")
	base := filepath.Dir(sock)
	require.DirExists(t, base)
	conn, err := pgx.Connect(context.Background(), u.String())
	require.NoError(t, err, "the printed URL works")
	require.NoError(t, conn.Close(context.Background()))
	require.NotEmpty(t, processesUsing(t, base), "postgres runs from %s", base)

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	require.NoError(t, cmd.Wait())
	require.NoDirExists(t, base)
	require.Empty(t, processesUsing(t, base))
}

// TestDiffInterrupted: an interrupt in the middle of migrate diff stops and
// removes the dev database and writes nothing. The interrupt is sent as
// soon as the cluster directory appears; a run that finishes first is
// retried, so the test proves at least one real interruption.
func TestDiffInterrupted(t *testing.T) {
	bin, err := exec.LookPath("schemactl")
	require.NoError(t, err)
	work := t.TempDir()
	require.NoError(t, os.CopyFS(work, os.DirFS("../../testdata/fixture")))
	require.NoError(t, writeModule("../..", work))
	require.NoError(t, os.Mkdir(filepath.Join(work, "migrations"), 0o755))

	interrupted := false
	for attempt := 0; attempt < 10 && !interrupted; attempt++ {
		before := devdbDirs(t)
		cmd := exec.Command(bin, "migrate", "diff", "init")
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		require.NoError(t, cmd.Start())
		base := waitNewDir(t, before, 10*time.Second)
		require.NoError(t, cmd.Process.Signal(os.Interrupt))
		err := cmd.Wait()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			require.Equal(t, 2, exit.ExitCode(), stderr.String())
			require.Contains(t, stderr.String(), "interrupted")
			interrupted = true
			entries, err := os.ReadDir(filepath.Join(work, "migrations"))
			require.NoError(t, err)
			require.Empty(t, entries, "nothing written")
		} else {
			require.NoError(t, err)
			require.NoError(t, os.RemoveAll(filepath.Join(work, "migrations")))
			require.NoError(t, os.Mkdir(filepath.Join(work, "migrations"), 0o755))
		}
		if base != "" {
			require.NoDirExists(t, base)
			require.Empty(t, processesUsing(t, base))
		}
	}
	require.True(t, interrupted, "no run was interrupted before it finished")
}

func devdbDirs(t *testing.T) map[string]bool {
	matches, err := filepath.Glob(filepath.Join(scratch(), "schemactl-devdb-*"))
	require.NoError(t, err)
	m := map[string]bool{}
	for _, d := range matches {
		m[d] = true
	}
	return m
}

func scratch() string {
	if _, err := os.Stat("/dev/shm"); err == nil {
		return "/dev/shm"
	}
	return os.TempDir()
}

func waitNewDir(t *testing.T, before map[string]bool, timeout time.Duration) string {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		for d := range devdbDirs(t) {
			if !before[d] {
				return d
			}
		}
	}
	return ""
}

// processesUsing lists pids whose command line mentions dir.
func processesUsing(t *testing.T, dir string) []string {
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var pids []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || e.Name() == "self" {
			continue
		}
		if strings.Contains(string(b), dir) && pidAlive(e.Name()) {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

func pidAlive(s string) bool {
	pid, err := strconv.Atoi(s)
	return err == nil && syscall.Kill(pid, 0) == nil
}
