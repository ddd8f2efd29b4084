package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/desired"
	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/replaycache"
	"github.com/ledgerforge/schemactl/internal/states"
)

// The benchmark harness: every schemactl figure runs the command end to
// end as a process (dev database start included), beside the floor, which
// is psql streaming the same files into a fresh database on a running
// server plus one inspection of the result: what PostgreSQL itself needs.
// `make bench` runs it and prints one table of medians and ratios
// (internal/benchtable); docs/performance.md has the figures.

// BenchmarkDomain: this repository's 24-entity domain.
func BenchmarkDomain(b *testing.B) {
	repo := copyRepo(b)
	benchCase(b, repo)
	b.Run("lint-newfile", func(b *testing.B) {
		// The cache holds the directory and the Ent schema; a new file
		// (a data migration) replays on top of the cached prefix.
		env := privateCache(b, repo)
		warmCache(b, repo, env)
		saved := filepath.Join(b.TempDir(), "saved")
		copyDir(b, cacheOf(env), saved)
		name := filepath.Join(repo, "migrations", "29990101000000_emails.sql")
		write(b, name, "-- normalise the emails\nUPDATE users SET email = lower(email);\n")
		run(b, repo, "migrate", "hash")
		defer func() { os.Remove(name); run(b, repo, "migrate", "hash") }()
		for b.Loop() {
			b.StopTimer()
			copyDir(b, saved, cacheOf(env))
			b.StartTimer()
			runProcess(b, repo, env, "migrate", "lint")
		}
	})
}

// BenchmarkHistory: the synthetic history of n tables in filesFor(n)
// files (180 at 400, one of them 500 statements long), and its n models.
func BenchmarkHistory(b *testing.B) {
	for _, n := range []int{50, 100, 200, 400} {
		b.Run(fmt.Sprintf("tables=%d", n), func(b *testing.B) {
			benchCase(b, historyRepo(b, n))
		})
	}
}

// benchCase measures the floor and every command on repo.
func benchCase(b *testing.B, repo string) {
	files := sqlFiles(b, repo)
	b.Run("floor", func(b *testing.B) {
		bin, err := devdb.FindBinaries()
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			b.StopTimer()
			u := freshDB(b)
			args := []string{"-q", "-X", "-v", "ON_ERROR_STOP=1", "--dbname", u}
			for _, f := range files {
				args = append(args, "-f", f)
			}
			b.StartTimer()
			if out, err := exec.Command(filepath.Join(bin.Dir, "psql"), args...).CombinedOutput(); err != nil {
				b.Fatalf("psql: %v: %s", err, out)
			}
			conn, err := pgdb.ConnectDev(context.Background(), u)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := conn.Inspect(context.Background()); err != nil {
				b.Fatal(err)
			}
			conn.Close()
		}
	})
	for _, c := range []struct {
		name string
		args []string
	}{
		{"validate-cold", []string{"migrate", "validate", "--no-cache"}},
		{"validate", []string{"migrate", "validate"}},
		{"lint-cold", []string{"migrate", "lint", "--no-cache"}},
		{"lint", []string{"migrate", "lint"}},
		{"diff", []string{"migrate", "diff", "--check"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			env := privateCache(b, repo)
			warmCache(b, repo, env)
			runProcess(b, repo, env, c.args...)
			benchProcess(b, repo, env, c.args...)
		})
	}
	b.Run("apply", func(b *testing.B) {
		env := privateCache(b, repo)
		var peak int64
		for b.Loop() {
			b.StopTimer()
			u := freshDB(b)
			b.StartTimer()
			peak = max(peak, runProcess(b, repo, env, "migrate", "apply", "--url", u))
		}
		b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
	})
	benchDown(b, repo)
	b.Run("devdb", func(b *testing.B) {
		// The dev database as the commands start it: from the cached
		// cluster holding the directory.
		env := privateCache(b, repo)
		warmCache(b, repo, env)
		b.Setenv(cachedir.Env, cacheRoot(env))
		archive := cachedCluster(b, repo)
		ctx := context.Background()
		for b.Loop() {
			s, err := devdb.StartFrom(ctx, archive)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			s.Stop()
			b.StartTimer()
		}
	})
}

// benchProcess times schemactl args in repo and reports the child's peak
// memory.
func benchProcess(b *testing.B, repo string, env []string, args ...string) {
	var peak int64
	for b.Loop() {
		peak = max(peak, runProcess(b, repo, env, args...))
	}
	// B/op counts only this process; the command's peak memory is here.
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
}

// runProcess runs schemactl args in repo with env and returns its peak RSS
// in KiB; any exit status but 0 fails the benchmark.
func runProcess(b *testing.B, repo string, env []string, args ...string) int64 {
	bin, err := exec.LookPath("schemactl")
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = repo
	cmd.Env = env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	peak, done := make(chan int64), make(chan struct{})
	go func() { peak <- watchPeak(cmd.Process.Pid, done) }()
	err = cmd.Wait()
	close(done)
	p := <-peak
	if err != nil {
		b.Fatalf("schemactl %v: %v\n%s", args, err, out.String())
	}
	return p
}

// watchPeak samples the process's own high-water RSS (VmHWM) until it
// exits. The kernel's rusage would instead report the largest process of
// the tree, the dev server included.
func watchPeak(pid int, done <-chan struct{}) int64 {
	var peak int64
	for {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			break
		}
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kb)
				peak = max(peak, kb)
			}
		}
		select {
		case <-done:
			return peak
		case <-time.After(5 * time.Millisecond):
		}
	}
	return peak
}

// privateCache is an environment whose schemactl cache is b's own, so that
// one benchmark's entries never serve another; the template cluster and
// the Ent graphs are shared.
func privateCache(b *testing.B, repo string) []string {
	shared, err := cachedir.Dir()
	if err != nil {
		b.Fatal(err)
	}
	own := b.TempDir()
	links, _ := filepath.Glob(filepath.Join(shared, "*"))
	for _, l := range links {
		if b := filepath.Base(l); b == "replay-v1" || b == "realm-v1" {
			continue
		}
		if err := os.Symlink(l, filepath.Join(own, filepath.Base(l))); err != nil {
			b.Fatal(err)
		}
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, cachedir.Env+"=") })
	return append(env, cachedir.Env+"="+own, "GOFLAGS=-mod=mod")
}

func cacheRoot(env []string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, cachedir.Env+"="); ok {
			return v
		}
	}
	return ""
}

func cacheOf(env []string) string { return filepath.Join(cacheRoot(env), "replay-v1") }

// warmCache stores the replayed directory and the normalised Ent schema of
// repo in env's cache, whatever they cost to build (the commands store only
// states that took 30 ms or more).
func warmCache(b *testing.B, repo string, env []string) {
	b.Setenv(cachedir.Env, cacheRoot(env))
	files := repoFiles(b, repo)
	b.Chdir(repo) // entc loads the schema from within its module
	ctx := context.Background()
	e, err := states.Open(ctx, states.Options{Prefix: files})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.Replay(ctx, files); err != nil {
		b.Fatal(err)
	}
	if _, _, err := e.Desired(ctx, desired.EntSources(filepath.Join("ent", "schema"))...); err != nil {
		b.Fatal(err)
	}
	if err := e.Close(); err != nil {
		b.Fatal(err)
	}
}

func repoFiles(b *testing.B, repo string) []migrate.File {
	dir, err := migdir.Open("file://" + filepath.Join(repo, "migrations"))
	if err != nil {
		b.Fatal(err)
	}
	files, err := dir.Files()
	if err != nil {
		b.Fatal(err)
	}
	return files
}

// cachedCluster is the archive of the replay cache entry holding all of
// repo's migrations (cachedir.Env must point at the cache).
func cachedCluster(b *testing.B, repo string) string {
	files := repoFiles(b, repo)
	bin, err := devdb.FindBinaries()
	if err != nil {
		b.Fatal(err)
	}
	store, err := replaycache.Open(bin.Major)
	if err != nil {
		b.Fatal(err)
	}
	e, err := store.Find(states.RunningSums(files))
	if err != nil || e == nil || e.Files != len(files) {
		b.Fatalf("no cache entry holding the %d files of %s: %v", len(files), repo, err)
	}
	e.Release()
	return e.Cluster
}

func freshDB(b testing.TB) string {
	u, err := server.CreateDatabase(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return u
}

func sqlFiles(b *testing.B, repo string) []string {
	files, err := filepath.Glob(filepath.Join(repo, "migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no migrations in %s: %v", repo, err)
	}
	return files
}

// historyRepos keeps each size's repository for the whole run: -count
// calls the benchmark again, and writing 400 models costs seconds.
var historyRepos = map[int]string{}

func historyRepo(b *testing.B, n int) string {
	if dir, ok := historyRepos[n]; ok {
		return dir
	}
	dir, err := os.MkdirTemp("", "schemactl-bench-*")
	if err != nil {
		b.Fatal(err)
	}
	populateHistoryRepo(b, dir, n)
	historyRepos[n] = dir
	return dir
}

// removeHistoryRepos runs once the benchmarks are done.
func removeHistoryRepos() {
	for _, dir := range historyRepos {
		os.RemoveAll(dir)
	}
}

// copyRepo copies this repository's tracked files, so that a benchmark may
// add a migration file.
func copyRepo(b *testing.B) string {
	dir := b.TempDir()
	out, err := exec.Command("git", "-C", "../..", "ls-files", "-z").Output()
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		body, err := os.ReadFile(filepath.Join("../..", f))
		if err != nil {
			b.Fatal(err)
		}
		write(b, filepath.Join(dir, f), string(body))
	}
	return dir
}

func write(b testing.TB, name, body string) {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
		b.Fatal(err)
	}
}

// copyDir replaces dst with a copy of src.
func copyDir(b *testing.B, src, dst string) {
	if err := os.RemoveAll(dst); err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		b.Fatalf("cp: %v: %s", err, out)
	}
}

// BenchmarkGate400: the gate on the synthetic 400-entity schema and its
// history, with a warm Go build cache (the first, unmeasured run fills it):
//
//   - cold: schemactl's cache holds nothing of the project: no load, no
//     built driver, no replayed state, no inspected schema (the dev
//     database template, made once per machine and PostgreSQL version,
//     stays);
//   - warm: a second run.
//
// peak-tree-MiB is the highest sum of the resident memory of schemactl and
// every process it starts but the PostgreSQL server (go build, the Ent
// driver, the go commands and helper program Ent's loader runs);
// peak-pg-MiB that of the server's processes.
func BenchmarkGate400(b *testing.B) {
	repo := historyRepo(b, 400)
	env := privateCache(b, repo)
	runTree(b, repo, env, "migrate", "lint") // the Go build cache
	b.Run("cold", func(b *testing.B) {
		var peak, pg int64
		for b.Loop() {
			b.StopTimer()
			for _, p := range []string{"replay-v1", "realm-v1", "entload-v1"} {
				os.RemoveAll(filepath.Join(cacheRoot(env), p))
			}
			b.StartTimer()
			t, p := runTree(b, repo, env, "migrate", "lint")
			peak, pg = max(peak, t), max(pg, p)
		}
		b.ReportMetric(float64(peak)/1024, "peak-tree-MiB")
		b.ReportMetric(float64(pg)/1024, "peak-pg-MiB")
	})
	b.Run("warm", func(b *testing.B) {
		runTree(b, repo, env, "migrate", "lint")
		var peak, pg int64
		for b.Loop() {
			t, p := runTree(b, repo, env, "migrate", "lint")
			peak, pg = max(peak, t), max(pg, p)
		}
		b.ReportMetric(float64(peak)/1024, "peak-tree-MiB")
		b.ReportMetric(float64(pg)/1024, "peak-pg-MiB")
	})
}

// runTree runs schemactl args in repo with env and returns the peak sum of
// the resident memory (KiB) of its process tree without the PostgreSQL
// server, and of the server's processes.
func runTree(b *testing.B, repo string, env []string, args ...string) (tree, pg int64) {
	bin, err := exec.LookPath("schemactl")
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = repo
	cmd.Env = env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	type peaks struct{ tree, pg int64 }
	res := make(chan peaks)
	go func() {
		var p peaks
		for {
			t, s := treeRSS(cmd.Process.Pid)
			p.tree, p.pg = max(p.tree, t), max(p.pg, s)
			select {
			case <-done:
				res <- p
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	err = cmd.Wait()
	close(done)
	p := <-res
	if err != nil {
		b.Fatalf("schemactl %v: %v\n%s", args, err, out.String())
	}
	return p.tree, p.pg
}

// treeRSS sums VmRSS over pid and its descendants, the PostgreSQL
// server's processes apart.
func treeRSS(pid int) (tree, pg int64) {
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p))
		if err != nil {
			continue
		}
		var rss int64
		name := ""
		for _, l := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
				fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &rss)
			}
			if v, ok := strings.CutPrefix(l, "Name:"); ok {
				name = strings.TrimSpace(v)
			}
		}
		if name == "postgres" || name == "initdb" {
			pg += rss
		} else {
			tree += rss
		}
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", p))
		for _, t := range tasks {
			b, _ := os.ReadFile(t)
			for _, f := range strings.Fields(string(b)) {
				var c int
				if _, err := fmt.Sscan(f, &c); err == nil {
					queue = append(queue, c)
				}
			}
		}
	}
	return tree, pg
}
