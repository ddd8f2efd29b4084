package scripts

import (
	"os"
	"os/exec"
	"testing"
)

// BenchmarkMakeCheck: `make check`'s script on this repository, warm: the
// build cache, the test cache and the replay cache hold the previous run,
// as they do before a commit that changed nothing the tests read. Target:
// 15 s. (After a change, the packages it touches re-run; see
// docs/performance.md for what dominates then.)
func BenchmarkMakeCheck(b *testing.B) {
	run := func() {
		cmd := exec.Command("bash", "scripts/check.sh")
		cmd.Dir = ".."
		cmd.Env = os.Environ()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("make check: %v\n%s", err, out)
		}
	}
	run() // warm
	for b.Loop() {
		run()
	}
}
