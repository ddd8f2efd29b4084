package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ledgerforge/schemactl/internal/devdb"
)

// BenchmarkDiffNoChanges: `schemactl migrate diff --check` on this
// repository's 24-entity domain, end to end as a process: embedded dev
// database start, Ent graph (cached after the first run), replay and
// normalisation side by side, plan. Target: 1.0 s.
func BenchmarkDiffNoChanges(b *testing.B) {
	runBench(b, "migrate", "diff", "--check")
}

// BenchmarkLintDomain: the gate, `schemactl migrate lint`, on this
// repository, end to end as a process. Target: 0.8 s.
func BenchmarkLintDomain(b *testing.B) {
	runBench(b, "migrate", "lint")
}

// BenchmarkLintSynthetic: the gate on synthetic schemas of growing size; its
// time must grow linearly with the number of tables.
func BenchmarkLintSynthetic(b *testing.B) {
	for _, n := range []int{50, 100, 200, 400} {
		b.Run(fmt.Sprintf("tables=%d", n), func(b *testing.B) {
			dir := syntheticRepo(b, n)
			runBenchIn(b, dir, "migrate", "lint")
		})
	}
}

// BenchmarkValidate: `schemactl migrate validate` on this repository.
func BenchmarkValidate(b *testing.B) {
	runBench(b, "migrate", "validate")
}

func runBench(b *testing.B, args ...string) { runBenchIn(b, "../..", args...) }

func runBenchIn(b *testing.B, dir string, args ...string) {
	bin, err := exec.LookPath("schemactl")
	if err != nil {
		b.Fatal(err)
	}
	var peak int64
	for b.Loop() {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		peak = max(peak, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
	}
	// B/op above counts only this process; the child's peak memory is here.
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
}

// applyHistory writes 200 files creating 400 tables (two per file, with a
// unique index, a foreign key and a CHECK each), and hashes them.
func applyHistory(b *testing.B) (dir string, files []string) {
	b.Helper()
	dir = b.TempDir()
	for i := 0; i < 200; i++ {
		var sb strings.Builder
		for j := 2 * i; j < 2*i+2; j++ {
			fmt.Fprintf(&sb, "CREATE TABLE t%d (id bigint PRIMARY KEY, code varchar(64) NOT NULL, amount integer NOT NULL DEFAULT 0 CHECK (amount >= 0), parent bigint%s);\n",
				j, map[bool]string{true: fmt.Sprintf(" REFERENCES t%d (id)", j-1)}[j > 0])
			fmt.Fprintf(&sb, "CREATE UNIQUE INDEX t%d_code ON t%d (code);\n", j, j)
		}
		name := filepath.Join(dir, fmt.Sprintf("%03d_f.sql", i+1))
		if err := os.WriteFile(name, []byte(sb.String()), 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, name)
	}
	run(b, dir, "migrate", "hash", "--dir", "file://"+dir)
	return dir, files
}

// BenchmarkApply200: `schemactl migrate apply` of 200 files / 400 tables
// into a fresh database (file transaction mode, revisions written as Atlas
// does). Compare with BenchmarkPsql200: target at most 1.5x.
func BenchmarkApply200(b *testing.B) {
	dir, _ := applyHistory(b)
	for b.Loop() {
		b.StopTimer()
		u, err := server.CreateDatabase(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		run(b, dir, "migrate", "apply", "--dir", "file://"+dir, "--url", u)
	}
}

// BenchmarkPsql200: psql streaming the same files into a fresh database,
// the floor.
func BenchmarkPsql200(b *testing.B) {
	_, files := applyHistory(b)
	bin, err := devdb.FindBinaries()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		u, err := server.CreateDatabase(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		args := []string{"-q", "-X", "-v", "ON_ERROR_STOP=1", "--dbname", u}
		for _, f := range files {
			args = append(args, "-f", f)
		}
		b.StartTimer()
		if out, err := exec.Command(filepath.Join(bin.Dir, "psql"), args...).CombinedOutput(); err != nil {
			b.Fatalf("psql: %v: %s", err, out)
		}
	}
}
