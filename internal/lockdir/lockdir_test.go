package lockdir

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// helperEnv makes the test binary a directory owner that waits to be
// killed (see TestMain).
const helperEnv = "LOCKDIR_TEST_OWNER"

func TestMain(m *testing.M) {
	if root := os.Getenv(helperEnv); root != "" {
		d, err := New(root, "run-", 0o700)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		if err := os.WriteFile(filepath.Join(d.Path, "data"), []byte("x"), 0o600); err != nil {
			os.Exit(2)
		}
		fmt.Println(d.Path)
		select {} // until killed
	}
	os.Exit(m.Run())
}

func names(t *testing.T, root string) []string {
	t.Helper()
	es, err := os.ReadDir(root)
	require.NoError(t, err)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func TestOwnedDirectoryLifecycle(t *testing.T) {
	root := t.TempDir()
	d, err := New(root, "run-", 0o700)
	require.NoError(t, err)
	require.DirExists(t, d.Path)
	require.FileExists(t, d.Path+".lock")
	require.True(t, Locked(d.Path))

	require.Empty(t, Sweep(root, "run-", nil), "a live owner's directory is never swept")
	require.DirExists(t, d.Path)

	require.NoError(t, d.Remove())
	require.Empty(t, names(t, root), "the directory and its lock are gone")
	require.NoError(t, d.Remove(), "Remove is idempotent")
}

// A kill -9 releases the owner's lock: the next sweep removes its
// directory, and only that.
func TestSweepAfterKill(t *testing.T) {
	root := t.TempDir()
	live, err := New(root, "run-", 0o700)
	require.NoError(t, err)
	defer live.Remove()
	legacy := filepath.Join(root, "run-legacy") // no lock: not provably dead
	require.NoError(t, os.Mkdir(legacy, 0o700))
	other := filepath.Join(root, "other-1")
	require.NoError(t, os.Mkdir(other, 0o700))
	o, err := New(root, "other-", 0o700)
	require.NoError(t, err)
	o.Abandon() // dead, but not of the prefix swept

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+root)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	dead := line[:len(line)-1]
	require.FileExists(t, filepath.Join(dead, "data"))
	require.True(t, Locked(dead))
	require.Empty(t, Sweep(root, "run-", nil), "the owner still lives")

	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	require.False(t, Locked(dead))
	var cleaned []string
	removed := Sweep(root, "run-", func(dir string) { cleaned = append(cleaned, dir) })
	require.Equal(t, []string{dead}, removed)
	require.Equal(t, []string{dead}, cleaned, "cleanup runs on the dead run's directory first")
	require.NoDirExists(t, dead)
	require.NoFileExists(t, dead+".lock")
	require.DirExists(t, live.Path)
	require.DirExists(t, legacy)
	require.DirExists(t, other)
	require.DirExists(t, o.Path)
}

// A lock without its directory (an owner killed between removing the
// directory and its lock, or before making it) is swept too.
func TestSweepLoneLock(t *testing.T) {
	root := t.TempDir()
	d, err := New(root, "run-", 0o700)
	require.NoError(t, err)
	require.NoError(t, os.Remove(d.Path))
	d.Abandon()
	require.Equal(t, []string{d.Path}, Sweep(root, "run-", nil))
	require.Empty(t, names(t, root))
}

// A directory moved into its final place keeps nothing of its lock.
func TestReleaseAfterRename(t *testing.T) {
	root := t.TempDir()
	d, err := New(root, ".tmp-", 0o755)
	require.NoError(t, err)
	final := filepath.Join(root, "entry")
	require.NoError(t, os.Rename(d.Path, final))
	require.NoError(t, d.Release())
	require.Equal(t, []string{"entry"}, names(t, root))
}

// Owners and sweepers at once: no live owner ever loses its directory,
// and once all are done nothing is left.
func TestConcurrentOwnersAndSweeps(t *testing.T) {
	root := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := range 25 {
				d, err := New(root, "run-", 0o700)
				if err != nil {
					errs <- err
					return
				}
				p := filepath.Join(d.Path, "f")
				if err := os.WriteFile(p, []byte{byte(j)}, 0o600); err != nil {
					errs <- fmt.Errorf("owner %d: %w", i, err)
					return
				}
				Sweep(root, "run-", nil)
				if _, err := os.Stat(p); err != nil {
					errs <- fmt.Errorf("owner %d lost its directory: %w", i, err)
					return
				}
				if j%5 == 4 {
					d.Abandon() // dies: the sweepers clean up after it
					continue
				}
				if err := d.Remove(); err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 50 {
				Sweep(root, "run-", nil)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	Sweep(root, "run-", nil)
	require.Empty(t, names(t, root))
}

func TestGlobEscapesThePrefix(t *testing.T) {
	root := t.TempDir()
	d, err := New(root, "a*", 0o700)
	require.NoError(t, err)
	d.Abandon()
	e, err := New(root, "ab", 0o700)
	require.NoError(t, err)
	e.Abandon()
	require.Equal(t, []string{d.Path}, Sweep(root, "a*", nil))
	require.DirExists(t, e.Path)
}
