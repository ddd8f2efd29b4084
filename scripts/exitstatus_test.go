package scripts

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// runMake runs make in the repository root with the binary built at bin
// (BIN), and returns its output and exit status.
func runMake(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("make", append([]string{"--no-print-directory", "-C", "..", "BIN=" + bin}, args...)...)
	// Under `make test` this runs inside make: drop the parent's settings,
	// or the child reports itself as make[1] and inherits its flags.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MAKELEVEL=") && !strings.HasPrefix(kv, "MAKEFLAGS=") && !strings.HasPrefix(kv, "MFLAGS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	}
	require.NoError(t, err, "%s", out)
	return string(out), 0
}

// status runs a program and returns its exit status.
func status(t *testing.T, name string, args ...string) int {
	t.Helper()
	err := exec.Command(name, args...).Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

// make's targets run a built schemactl, so its status reaches make's
// caller: `go run` exited 1 for a schemactl that exited 2. GNU make itself
// exits 2 whenever a command fails; the status it reports ("Error N") is
// schemactl's own.
func TestMakeKeepsSchemactlStatus(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "schemactl")

	// Could not run (a bad flag): 2.
	out, code := runMake(t, bin, "lint", "ARGS=--no-such-flag")
	require.Equal(t, 2, code, out)
	require.Contains(t, out, "Error: unknown flag: --no-such-flag")
	require.Regexp(t, regexp.MustCompile(`(?m)^make: \*\*\* \[Makefile:\d+: lint\] Error 2$`), out)
	require.FileExists(t, bin)
	require.Equal(t, 2, status(t, bin, "migrate", "lint", "--no-such-flag"))

	// Findings (a file edited after atlas.sum was written): 1.
	dir := t.TempDir()
	file := filepath.Join(dir, "20260101000000_a.sql")
	require.NoError(t, os.WriteFile(file, []byte("CREATE TABLE a (id int);\n"), 0o644))
	require.Equal(t, 0, status(t, bin, "migrate", "hash", "--dir", "file://"+dir))
	require.NoError(t, os.WriteFile(file, []byte("CREATE TABLE b (id int);\n"), 0o644))
	out, code = runMake(t, bin, "validate", "ARGS=--dir file://"+dir)
	require.Equal(t, 2, code, out)
	require.Regexp(t, regexp.MustCompile(`(?m)^make: \*\*\* \[Makefile:\d+: validate\] Error 1$`), out)
	require.Equal(t, 1, status(t, bin, "migrate", "validate", "--dir", "file://"+dir))
}

// The binary is a file target: built once, rebuilt when a Go source, go.mod
// or go.sum changes, and not for other files.
func TestMakeRebuildsOnlyForGoSources(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "schemactl")
	out, code := runMake(t, bin, bin)
	require.Equal(t, 0, code, out)
	fi, err := os.Stat(bin)
	require.NoError(t, err)
	out, code = runMake(t, bin, bin)
	require.Equal(t, 0, code, out)
	again, err := os.Stat(bin)
	require.NoError(t, err)
	require.Equal(t, fi.ModTime(), again.ModTime(), "not rebuilt: %s", out)

	// make -q: 0 up to date, 1 would rebuild; -W pretends a file changed.
	for file, stale := range map[string]bool{
		"":                                      false,
		"./cmd/schemactl/main.go":               true,
		"./internal/cli/root.go":                true,
		"go.mod":                                true,
		"go.sum":                                true,
		"README.md":                             false,
		"./internal/cli/script_test.go":         false,
		"./testdata/fixture/ent/schema/user.go": false,
	} {
		args := []string{"-q", bin}
		if file != "" {
			args = append([]string{"-W", file}, args...)
		}
		out, code := runMake(t, bin, args...)
		require.Equal(t, map[bool]int{false: 0, true: 1}[stale], code, "%s: %s", file, out)
	}
}

// check.sh's gate runs the built binary too: the gate's own status is the
// script's.
func TestCheckKeepsTheGateStatus(t *testing.T) {
	for _, want := range []int{1, 2} {
		dir := checkModule(t, map[string]string{
			"cmd/schemactl/main.go": "// Command schemactl stands in for the gate.\npackage main\n\nimport \"os\"\n\nfunc main() { os.Exit(" + string(rune('0'+want)) + ") }\n",
		})
		out, code := script(t, dir, "scripts/check.sh", "GOFLAGS=-mod=mod")
		require.Equal(t, want, code, out)
		require.Equal(t, []string{"static PASS", "unit PASS", "integration FAIL"}, parts(out), out)
	}
}
