// Package scripts holds the tests of the repository's shell scripts: the
// pre-commit check and the hook installer, each run for real in a
// temporary git repository.
package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// checkModule writes a small module in a git repository: a package with a
// passing unit test, an "internal/devdb" package and an integration test
// that imports it, this repository's go.mod requirements (for staticcheck,
// pinned as a tool) and scripts/check.sh. edit changes it before the
// commit.
func checkModule(t *testing.T, edit map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	mod, err := os.ReadFile("../go.mod")
	require.NoError(t, err)
	mod = regexp.MustCompile(`(?m)^module .*$`).ReplaceAll(mod, []byte("module example.com/chk"))
	sum, err := os.ReadFile("../go.sum")
	require.NoError(t, err)
	script, err := os.ReadFile("check.sh")
	require.NoError(t, err)
	files := map[string]string{
		"go.mod":                  string(mod),
		"go.sum":                  string(sum),
		"scripts/check.sh":        string(script),
		"calc/calc.go":            "package calc\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n",
		"calc/calc_test.go":       "package calc\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal(\"1+2\")\n\t}\n}\n",
		"internal/devdb/devdb.go": "// Package devdb stands in for the embedded dev database.\npackage devdb\n\n// Ready says it started.\nfunc Ready() bool { return true }\n",
		"store/store.go":          "// Package store needs the database.\npackage store\n",
		"store/store_test.go":     "package store\n\nimport (\n\t\"testing\"\n\n\t\"example.com/chk/internal/devdb\"\n)\n\nfunc TestReady(t *testing.T) {\n\tif !devdb.Ready() {\n\t\tt.Fatal(\"not ready\")\n\t}\n}\n",
	}
	for k, v := range edit {
		files[k] = v
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o755))
	}
	git(t, dir, "init", "-q")
	git(t, dir, "add", "-A")
	return dir
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
	return string(out)
}

// check runs scripts/check.sh in dir with gate as the gate command.
func check(t *testing.T, dir, gate string) (string, int) {
	t.Helper()
	return script(t, dir, "scripts/check.sh", "CHECK_GATE="+gate, "GOFLAGS=-mod=mod")
}

// script runs a bash script in dir with extra environment, and returns its
// output and exit status.
func script(t *testing.T, dir, name string, env ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("bash", name)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return string(out), code
}

var summary = regexp.MustCompile(`(?m)^(static|unit|integration) +(PASS|FAIL) \d+\.\ds$`)

// parts lists the summary lines' "part STATUS".
func parts(out string) []string {
	var got []string
	for _, m := range summary.FindAllStringSubmatch(out, -1) {
		got = append(got, m[1]+" "+m[2])
	}
	return got
}

func TestCheckPassesQuietly(t *testing.T) {
	out, code := check(t, checkModule(t, nil), "echo gate ran")
	require.Equal(t, 0, code, out)
	require.Equal(t, []string{"static PASS", "unit PASS", "integration PASS"}, parts(out))
	require.Equal(t, 3, strings.Count(out, "\n"), "only the summary lines: %s", out)
}

func TestCheckStopsAtTheFailingPart(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  map[string]string
		gate  string
		parts []string
		shows string
	}{
		{"formatting", map[string]string{"calc/calc.go": "package calc\n\n// Add adds.\nfunc Add(a, b int) int {return a+b}\n"}, "true",
			[]string{"static FAIL"}, "calc/calc.go"},
		{"vet", map[string]string{"calc/vet.go": "package calc\n\nimport \"fmt\"\n\n// Show prints.\nfunc Show() { fmt.Printf(\"%d\\n\", \"x\") }\n"}, "true",
			[]string{"static FAIL"}, "Printf format %d has arg \"x\" of wrong type string"},
		{"vet as on Windows", map[string]string{"calc/stop.go": "package calc\n\nimport (\n\t\"os\"\n\t\"syscall\"\n)\n\n// Stop stops.\nfunc Stop() error { return syscall.Kill(os.Getpid(), syscall.SIGTERM) }\n"}, "true",
			[]string{"static FAIL"}, "go vet failed as on GOOS=windows GOARCH=amd64"},
		{"vet as on macOS", map[string]string{"calc/child.go": "package calc\n\nimport \"syscall\"\n\n// Attr dies with its parent.\nvar Attr = syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}\n"}, "true",
			[]string{"static FAIL"}, "go vet failed as on GOOS=darwin GOARCH=arm64"},
		{"unit test", map[string]string{"calc/more_test.go": "package calc\n\nimport \"testing\"\n\nfunc TestWrong(t *testing.T) { t.Fatal(\"wrong sum\") }\n"}, "true",
			[]string{"static PASS", "unit FAIL"}, "wrong sum"},
		{"integration test", map[string]string{"store/more_test.go": "package store\n\nimport \"testing\"\n\nfunc TestDown(t *testing.T) { t.Fatal(\"database down\") }\n"}, "true",
			[]string{"static PASS", "unit PASS", "integration FAIL"}, "database down"},
		{"gate", nil, "sh -c 'echo ENT101 drift; exit 1'",
			[]string{"static PASS", "unit PASS", "integration FAIL"}, "ENT101 drift"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, code := check(t, checkModule(t, c.edit), c.gate)
			require.NotZero(t, code, out)
			require.Equal(t, c.parts, parts(out), out)
			require.Contains(t, out, c.shows)
		})
	}
}

// Code split by platform passes the cross-platform vet, and so does a
// package using pg_query, whose functions need cgo, which that vet has
// not.
func TestCheckVetsOtherPlatforms(t *testing.T) {
	dir := checkModule(t, map[string]string{
		"calc/stop_unix.go":    "//go:build unix\n\npackage calc\n\nimport (\n\t\"os\"\n\t\"syscall\"\n)\n\n// Stop stops.\nfunc Stop() error { return syscall.Kill(os.Getpid(), syscall.SIGTERM) }\n",
		"calc/stop_windows.go": "package calc\n\nimport \"os\"\n\n// Stop stops.\nfunc Stop() error { p, _ := os.FindProcess(os.Getpid()); return p.Kill() }\n",
		"sql/sql.go":           "// Package sql parses.\npackage sql\n\nimport pg_query \"github.com/pganalyze/pg_query_go/v6\"\n\n// Stmts counts statements.\nfunc Stmts(s string) int {\n\tt, err := pg_query.Parse(s)\n\tif err != nil {\n\t\treturn 0\n\t}\n\treturn len(t.Stmts)\n}\n",
	})
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	require.NoError(t, err)
	out, code := check(t, dir, "true")
	require.Equal(t, 0, code, out)
	require.Equal(t, []string{"static PASS", "unit PASS", "integration PASS"}, parts(out))
	after, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	require.NoError(t, err)
	require.Equal(t, string(mod), string(after), "the vet's go.mod is a temporary copy")
}

// install runs scripts/install-hooks.sh in dir.
func install(t *testing.T, dir string) (string, int) {
	t.Helper()
	return script(t, dir, "scripts/install-hooks.sh")
}

func hookRepo(t *testing.T) string {
	dir := t.TempDir()
	script, err := os.ReadFile("install-hooks.sh")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "scripts"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scripts", "install-hooks.sh"), script, 0o755))
	git(t, dir, "init", "-q")
	return dir
}

func TestHooksInstallOnce(t *testing.T) {
	dir := hookRepo(t)
	hook := filepath.Join(dir, ".git", "hooks", "pre-commit")
	out, code := install(t, dir)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "installed")
	first, err := os.ReadFile(hook)
	require.NoError(t, err)
	require.Contains(t, string(first), "check")
	fi, err := os.Stat(hook)
	require.NoError(t, err)
	require.NotZero(t, fi.Mode()&0o111, "executable")

	out, code = install(t, dir)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "already installed")
	second, err := os.ReadFile(hook)
	require.NoError(t, err)
	require.Equal(t, string(first), string(second))
}

func TestHooksLeaveAForeignHookAlone(t *testing.T) {
	dir := hookRepo(t)
	hook := filepath.Join(dir, ".git", "hooks", "pre-commit")
	mine := "#!/bin/sh\necho my own checks\n"
	require.NoError(t, os.WriteFile(hook, []byte(mine), 0o755))
	out, code := install(t, dir)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "was not written by schemactl; left it alone")
	got, err := os.ReadFile(hook)
	require.NoError(t, err)
	require.Equal(t, mine, string(got))
}
