package cli_test

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// BenchmarkLatest100: the review of the last 100 files of the 270-version
// golang-migrate history (gmHistory: 540 files, no Ent schema) under its own
// atlas.hcl, the command scripts/bench-vs-atlas.sh runs beside Atlas's CLI:
//
//	schemactl migrate lint --env bench --latest 100
//
// It exits 1: the policy makes the destructive, data-dependent and
// incompatible findings errors, and the history has some.
//
//   - cold: --no-cache, every file replayed;
//   - warm: the replay cache holds the 170 files before the reviewed ones,
//     as after any earlier run on the same history.
func BenchmarkLatest100(b *testing.B) {
	repo := gmRepo(b)
	env := privateCache(b, repo)
	lint := []string{"--env", "bench", "migrate", "lint", "--latest", "100"}
	b.Run("cold", func(b *testing.B) {
		args := slices.Concat(lint, []string{"--no-cache"})
		runFindings(b, repo, env, args...) // the Go build cache, if anything
		for b.Loop() {
			runFindings(b, repo, env, args...)
		}
	})
	b.Run("warm", func(b *testing.B) {
		runFindings(b, repo, env, lint...)
		for b.Loop() {
			runFindings(b, repo, env, lint...)
		}
	})
}

// gmRepo is a directory holding the golang-migrate history, hashed.
func gmRepo(b *testing.B) string {
	dir := b.TempDir()
	gmHistory(b, dir, gmVersions)
	run(b, dir, "--env", "bench", "migrate", "hash")
	return dir
}

// runFindings runs schemactl args in repo with env, which must exit 0 or 1
// (a report, not a failure).
func runFindings(b *testing.B, repo string, env []string, args ...string) {
	bin, err := exec.LookPath("schemactl")
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = repo
	cmd.Env = env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	var exit *exec.ExitError
	if err := cmd.Run(); err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		b.Fatalf("schemactl %v: %v\n%s", args, err, out.String())
	}
}
