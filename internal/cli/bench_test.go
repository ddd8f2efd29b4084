package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
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
