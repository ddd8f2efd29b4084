package main

import (
	"os"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// What `go install …/cmd/schemactl@v` and `go get -tool` compile into a
// user's build is `go list -deps` of this package, and nothing else. The
// repository also holds the billing domain schemactl's own gate checks
// (ent/) and the tests' helpers and libraries: none of them may be in that
// list, or every user would compile (and `go get -tool` would require)
// them. Listed for each platform users install on, with cgo on as it is
// for them (cross-listing turns it off, which drops pg_query's files).

// testLibraries are the modules or packages this repository uses in tests
// and tools only.
var testLibraries = []string{
	"github.com/stretchr/testify",
	"github.com/rogpeppe/go-internal/testscript",
	"github.com/creack/pty",
	"honnef.co/go/tools",
	"golang.org/x/perf",
}

type listed struct {
	path     string
	standard bool
	imports  []string
}

// goList runs `go list -deps` on this command for goos.
func goList(t *testing.T, goos string, args ...string) []listed {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=1")
	out, err := cmd.Output()
	var stderr string
	if e, ok := err.(*exec.ExitError); ok {
		stderr = string(e.Stderr)
	}
	require.NoError(t, err, "go list %s: %s", strings.Join(args, " "), stderr)
	var pkgs []listed
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		f := strings.Split(line, "\t")
		require.Len(t, f, 3, "go list line %q", line)
		pkgs = append(pkgs, listed{path: f[0], standard: f[1] == "true", imports: strings.Fields(f[2])})
	}
	return pkgs
}

// forbidden says why p must not be part of the command's build, or "".
func forbidden(module string, p listed) string {
	own := p.path == module || strings.HasPrefix(p.path, module+"/")
	rel := strings.TrimPrefix(strings.TrimPrefix(p.path, module), "/")
	switch {
	case own && (rel == "ent" || strings.HasPrefix(rel, "ent/")):
		return "this repository's billing domain (ent/), which the tool never needs"
	case own && rel != "cmd/schemactl" && !strings.HasPrefix(rel, "internal/"):
		return "not the tool's code (only cmd/schemactl and internal/ are)"
	case own && strings.HasSuffix(path.Base(rel), "test"):
		return "a test helper package"
	case own && slices.Contains(p.imports, "testing"):
		return "imports package testing: test code compiled into the tool"
	case !p.standard:
		for _, lib := range testLibraries {
			if p.path == lib || strings.HasPrefix(p.path, lib+"/") {
				return "a library this repository uses only in tests and tools (" + lib + ")"
			}
		}
	}
	return ""
}

// chain is the import path from the command to target, for the message.
func chain(pkgs []listed, from, target string) string {
	imports := map[string][]string{}
	for _, p := range pkgs {
		imports[p.path] = p.imports
	}
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == target {
			var steps []string
			for s := target; s != ""; s = prev[s] {
				steps = append([]string{s}, steps...)
			}
			return strings.Join(steps, " -> ")
		}
		for _, next := range imports[cur] {
			if _, seen := prev[next]; !seen {
				prev[next] = cur
				queue = append(queue, next)
			}
		}
	}
	return target
}

func TestCommandBuildsOnlyTheTool(t *testing.T) {
	out, err := exec.Command("go", "list", "-m").Output()
	require.NoError(t, err)
	module := strings.TrimSpace(string(out))
	self := module + "/cmd/schemactl"
	for _, goos := range []string{"linux", "darwin", "windows"} {
		pkgs := goList(t, goos, "-deps", "-f", "{{.ImportPath}}\t{{.Standard}}\t{{join .Imports \" \"}}", ".")
		require.Equal(t, self, pkgs[len(pkgs)-1].path, "go list -deps ends with the command itself")
		var bad []string
		for _, p := range pkgs {
			if why := forbidden(module, p); why != "" {
				bad = append(bad, "  "+chain(pkgs, self, p.path)+": "+why)
			}
		}
		require.Empty(t, bad, "GOOS=%s: `go list -deps ./cmd/schemactl` holds packages a user's build must not compile:\n%s", goos, strings.Join(bad, "\n"))
		// The check itself sees what it must: the tool's own packages.
		require.True(t, slices.ContainsFunc(pkgs, func(p listed) bool { return p.path == module+"/internal/cli" }), "GOOS=%s: internal/cli not listed", goos)
	}
}

// The rules catch what they are for, on the packages of this repository
// that the command must not build.
func TestForbiddenNamesTheRepositorysOtherPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-m").Output()
	require.NoError(t, err)
	module := strings.TrimSpace(string(out))
	for _, tc := range []struct {
		path    string
		imports []string
		want    string
	}{
		{path: module + "/ent", want: "billing domain"},
		{path: module + "/ent/schema", want: "billing domain"},
		{path: module + "/ent/enttest", want: "billing domain"},
		{path: module + "/scripts", want: "not the tool's code"},
		{path: module + "/internal/devdb/devdbtest", want: "test helper"},
		{path: module + "/internal/lint", imports: []string{"context", "testing"}, want: "imports package testing"},
		{path: "github.com/stretchr/testify/require", want: "only in tests"},
		{path: "github.com/rogpeppe/go-internal/testscript", want: "only in tests"},
		{path: "github.com/creack/pty", want: "only in tests"},
		{path: module + "/internal/cli"},
		{path: module + "/internal/entsrc", imports: []string{"entgo.io/ent/entc/gen"}},
		{path: "github.com/rogpeppe/go-internal/lockedfile"},
		{path: "entgo.io/ent/schema"},
	} {
		got := forbidden(module, listed{path: tc.path, imports: tc.imports})
		if tc.want == "" {
			require.Empty(t, got, tc.path)
		} else {
			require.Contains(t, got, tc.want, tc.path)
		}
	}
}
