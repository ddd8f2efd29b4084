//go:build linux

// Signals, kill -9 and /proc: these scenarios are Linux's (CI's).

package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/killpoint"
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
// soon as the run's cluster directory appears; a run that finishes first is
// retried, so the test proves at least one real interruption. The runs
// work in a scratch root of the test's own, so every directory there is
// theirs, never another test's or another engineer's.
func TestDiffInterrupted(t *testing.T) {
	bin, err := exec.LookPath("schemactl")
	require.NoError(t, err)
	scratch := privateScratch(t)
	work := t.TempDir()
	require.NoError(t, os.CopyFS(work, os.DirFS("../../testdata/fixture")))
	require.NoError(t, writeModule("../..", work))
	require.NoError(t, os.Mkdir(filepath.Join(work, "migrations"), 0o755))

	interrupted := false
	for attempt := 0; attempt < 10 && !interrupted; attempt++ {
		cmd := exec.Command(bin, "migrate", "diff", "init")
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", devdb.ScratchEnv+"="+scratch)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		require.NoError(t, cmd.Start())
		base := waitRunDir(t, scratch, 10*time.Second)
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
		require.Empty(t, tree(t, scratch), "the run removed all it made")
	}
	require.True(t, interrupted, "no run was interrupted before it finished")
}

// privateScratch makes a scratch root for the servers of this test's runs
// (devdb.ScratchEnv), on tmpfs like the real one, and removes it at the end.
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
	return root
}

// waitRunDir waits for a server directory to appear in scratch.
func waitRunDir(t *testing.T, scratch string, timeout time.Duration) string {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		matches, err := filepath.Glob(filepath.Join(scratch, "schemactl-devdb-*"))
		require.NoError(t, err)
		for _, d := range matches {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
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

// A killed run's kill point, the cache it starts from (seed) and where the
// point leaves litter that the next run must remove.
type killPoint struct {
	name   string
	seed   []string // parts of a full cache present before the run
	litter string   // "scratch", "cache" or "work"
}

// The points, in the order a run reaches them (internal/killpoint).
var killPoints = []killPoint{
	{"devdb.initdb", []string{"graph"}, "scratch"},   // initdb running
	{"devdb.single", []string{"graph"}, "scratch"},   // postgres --single dropping the postgres database
	{"devdb.template", []string{"graph"}, "cache"},   // the template written in the cache, not yet renamed into place
	{"entload.dir", []string{"template"}, "work"},    // the driver's scratch package made in the module, before it is built and run
	{"entload.cache", []string{"template"}, "cache"}, // the load written, not yet renamed into place
	{"devdb.copy", []string{"template", "graph"}, "scratch"},
	{"devdb.start", []string{"template", "graph"}, "scratch"},             // postgres started, not yet ready
	{"devdb.extract", []string{"template", "graph", "replay"}, "scratch"}, // a cache entry unpacked
	{"states.replay", []string{"template", "graph"}, "scratch"},           // a migration file replayed
	{"states.normalise", []string{"template", "graph"}, "scratch"},        // the Ent schema's DDL executed
	{"devdb.snapshot", []string{"template", "graph"}, "cache"},            // storing: the server stopped, its archive not written
	{"replaycache.put", []string{"template", "graph"}, "cache"},           // the entry written, not yet renamed into place
	{"realmcache.put", []string{"template", "graph"}, "cache"},            // an inspected schema written, not yet renamed into place
}

// TestKilledRunsLeaveNothing: kill -9 at each point (the run kills itself
// there, see internal/killpoint), then one ordinary run: the scratch root,
// the cache and the work tree are as a run without a kill leaves them, and
// no server of the dead run still runs.
func TestKilledRunsLeaveNothing(t *testing.T) {
	bin, err := exec.LookPath("schemactl")
	require.NoError(t, err)
	work := t.TempDir()
	require.NoError(t, os.CopyFS(work, os.DirFS("../../testdata/fixture")))
	require.NoError(t, writeModule("../..", work))
	require.NoError(t, os.Mkdir(filepath.Join(work, "migrations"), 0o755))

	// run runs the command in work with its servers in scratch and its
	// cache in cache, killed at point (when not ""), and returns how it
	// ended.
	run := func(scratch, cache, point string, args ...string) (*os.ProcessState, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", devdb.ScratchEnv+"="+scratch, cachedir.Env+"="+cache,
			"SCHEMACTL_CACHE_STORE_AFTER=0s", killpoint.Env+"="+point) // store every state: the snapshot points are reached
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		_ = cmd.Run()
		return cmd.ProcessState, out.String()
	}
	lint := func(scratch, cache string) {
		t.Helper()
		ps, out := run(scratch, cache, "", "migrate", "lint")
		require.Equal(t, 0, ps.ExitCode(), out)
	}
	scratch := privateScratch(t) // for the runs without a kill
	setup := t.TempDir()
	ps, out := run(scratch, setup, "", "migrate", "diff", "init")
	require.Equal(t, 0, ps.ExitCode(), out)
	workBaseline := tree(t, work)
	require.Empty(t, tree(t, scratch))

	// A full cache, and its parts for the seeds: a run from the template
	// and the graph stores exactly one entry.
	full := t.TempDir()
	seedCache(t, setup, full, "template", "graph")
	lint(scratch, full)
	parts := map[string][]string{
		"template": globOne(t, full, "pg*-template-*"),
		"graph":    {filepath.Join(full, "entload-v1")},
		"replay":   {filepath.Join(full, "replay-v1")},
	}
	require.Len(t, globOne(t, full, "replay-v1/pg*/*/meta.json"), 1)

	// The baseline of a seed: what one run without a kill leaves.
	baselines := map[string][]string{}
	baseline := func(seed []string) []string {
		key := strings.Join(seed, "+")
		if b, ok := baselines[key]; ok {
			return b
		}
		cache := t.TempDir()
		seedFrom(t, parts, cache, seed)
		lint(scratch, cache)
		baselines[key] = tree(t, cache)
		require.Empty(t, tree(t, scratch), "a run without a kill leaves nothing in scratch")
		require.Equal(t, workBaseline, tree(t, work))
		return baselines[key]
	}

	for _, p := range killPoints {
		t.Run(p.name, func(t *testing.T) {
			want := baseline(p.seed)
			scratch := privateScratch(t)
			cache := t.TempDir()
			seedFrom(t, parts, cache, p.seed)
			before := tree(t, cache)
			t.Cleanup(func() { // should this test fail
				left, _ := filepath.Glob(filepath.Join(work, ".schemactl-load-*"))
				for _, p := range left {
					os.RemoveAll(p)
				}
			})

			ps, out := run(scratch, cache, p.name, "migrate", "lint")
			ws, _ := ps.Sys().(syscall.WaitStatus)
			require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "the run must die at %s: %s\n%s", p.name, ps, out)
			switch p.litter {
			case "scratch":
				require.NotEmpty(t, tree(t, scratch), "the killed run left its server directory")
			case "cache":
				require.NotEqual(t, before, tree(t, cache), "the killed run left something in the cache")
				require.True(t, slices.ContainsFunc(tree(t, cache), func(p string) bool {
					return strings.HasPrefix(filepath.Base(p), ".tmp-") || strings.HasPrefix(filepath.Base(p), ".template-")
				}), "the killed run left a scratch directory in the cache: %v", tree(t, cache))
			case "work":
				left, _ := filepath.Glob(filepath.Join(work, ".schemactl-load-*"))
				require.NotEmpty(t, left, "the killed run left its scratch package in the module")
			}

			lint(scratch, cache) // the one ordinary run
			require.Empty(t, tree(t, scratch), "scratch root")
			require.Empty(t, processesUsing(t, scratch), "no server of the dead run survives")
			require.Equal(t, want, tree(t, cache), "cache")
			require.Equal(t, workBaseline, tree(t, work), "work tree")
		})
	}
}

// seedFrom copies the named parts of a full cache into cache.
func seedFrom(t *testing.T, parts map[string][]string, cache string, seed []string) {
	t.Helper()
	for _, name := range seed {
		for _, src := range parts[name] {
			// cp -a keeps the modes PostgreSQL insists on.
			out, err := exec.Command("cp", "-a", src, filepath.Join(cache, filepath.Base(src))).CombinedOutput()
			require.NoError(t, err, "%s", out)
		}
	}
}

// seedCache copies the template and the graph cache of src into dst.
func seedCache(t *testing.T, src, dst string, names ...string) {
	t.Helper()
	parts := map[string][]string{"template": globOne(t, src, "pg*-template-*"), "graph": {filepath.Join(src, "entload-v1")}}
	seedFrom(t, parts, dst, names)
}

func globOne(t *testing.T, dir, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	require.NoError(t, err)
	require.Len(t, m, 1, "%s in %s", pattern, dir)
	return m
}

// tree lists the paths under dir, relative to it. A template cluster
// counts as one entry: its files are PostgreSQL's, and it appears whole.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, rel)
		if d.IsDir() && strings.Contains(d.Name(), "-template-") && !strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		return nil
	})
	require.NoError(t, err)
	return out
}
