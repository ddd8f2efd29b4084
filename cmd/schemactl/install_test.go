package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"

	"github.com/ledgerforge/schemactl/internal/devdb"
)

// The install path of the README and docs/adopting.md, as a team takes it:
// its own Ent module (testdata/install/shop.txtar: two entities, an empty
// migrations/) gets schemactl with `go get -tool`, then runs `go tool
// schemactl …` with no flags. The replace stands in for the published
// version; everything else is what a user's go command does, with
// -mod=readonly (the default) for `go tool`, so a requirement `go get -tool`
// failed to add would fail here as it would for them.
//
// It runs offline, from the module cache (GOPROXY=off: a proxy that
// answers 403 for the replaced path, as this machine's does, fails `go get`
// where a 404 would not), and the module's go.sum is seeded with this
// checkout's, the lines a user's `go get` takes from the checksum database. The first `go tool schemactl` links the tool for this module
// (about 10-25 s on two cores with a warm build cache; the phases are
// logged).
func TestInstallAsGoTool(t *testing.T) {
	if _, err := devdb.FindBinaries(); err != nil {
		t.Fatalf("the gate needs the PostgreSQL server binaries: %v (run scripts/ensure-postgres.sh)", err)
	}
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	dir := t.TempDir()
	ar, err := txtar.ParseFile("../../testdata/install/shop.txtar")
	require.NoError(t, err)
	for _, f := range ar.Files {
		p := filepath.Join(dir, f.Name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, f.Data, 0o644))
	}
	ourSum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	require.NoError(t, err)
	appendFile(t, filepath.Join(dir, "go.sum"), ourSum)
	appendFile(t, filepath.Join(dir, "go.mod"), []byte("\nreplace github.com/ledgerforge/schemactl => "+root+"\n"))
	before := readModFile(t, filepath.Join(dir, "go.mod"))

	env := installEnv(t)
	run := func(want int, name string, args ...string) string {
		t.Helper()
		start := time.Now()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else {
			require.NoError(t, err)
		}
		t.Logf("%s %s: exit %d, %.1fs", name, strings.Join(args, " "), code, time.Since(start).Seconds())
		require.Equal(t, want, code, "%s %s:\n%s", name, strings.Join(args, " "), out)
		return string(out)
	}

	// 1. go get -tool: the tool directive, and the requirements it needs.
	run(0, "go", "get", "-tool", "github.com/ledgerforge/schemactl/cmd/schemactl")
	after := readModFile(t, filepath.Join(dir, "go.mod"))
	require.True(t, slices.ContainsFunc(after.Tool, func(tl *modfile.Tool) bool {
		return tl.Path == "github.com/ledgerforge/schemactl/cmd/schemactl"
	}), "go.mod has no tool directive for schemactl")
	ours := readModFile(t, filepath.Join(root, "go.mod"))
	require.Equal(t, ours.Go.Version, after.Go.Version, "go get -tool raises the module's go line to schemactl's (docs/adopting.md says so)")
	// The requirements it adds are the tool's (pg_query_go among them),
	// never one of this repository's test libraries.
	had := map[string]bool{}
	for _, r := range before.Require {
		had[r.Mod.Path] = true
	}
	var added []string
	for _, r := range after.Require {
		if !had[r.Mod.Path] {
			added = append(added, r.Mod.Path)
		}
	}
	require.Contains(t, added, "github.com/pganalyze/pg_query_go/v6")
	for _, m := range added {
		require.NotContains(t, testLibraries, m, "go get -tool added a test library to the user's go.mod")
	}

	// 2. The first migration from the Ent schema, with no flags: the
	// defaults are ent/schema and migrations/.
	out := run(0, "go", "tool", "schemactl", "migrate", "diff", "init")
	require.Regexp(t, `(?m)^Wrote migrations/\d{14}_init\.sql$`, out)
	files, err := filepath.Glob(filepath.Join(dir, "migrations", "*_init.sql"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	sql, err := os.ReadFile(files[0])
	require.NoError(t, err)
	require.Contains(t, string(sql), `CREATE TABLE "customers"`)
	require.Contains(t, string(sql), `CREATE TABLE "orders"`)
	require.FileExists(t, filepath.Join(dir, "migrations", "atlas.sum"))

	// 3. The gate passes on it.
	out = run(0, "go", "tool", "schemactl", "migrate", "lint")
	require.Regexp(t, `(?m)^2 models, 2 tables, 0 enum types, 1 migration file: 0 findings$`, out)

	// 4. It reads this module's schema: a field added without a migration
	// fails the gate (exit 1 through go tool, which keeps the status),
	// and migrate diff writes what it asks for.
	order := filepath.Join(dir, "ent", "schema", "order.go")
	src, err := os.ReadFile(order)
	require.NoError(t, err)
	edited := strings.Replace(string(src), `field.Time("placed_at"),`, `field.Time("placed_at"),`+"\n\t\t"+`field.String("note").Optional(),`, 1)
	require.NotEqual(t, string(src), edited)
	require.NoError(t, os.WriteFile(order, []byte(edited), 0o644))
	out = run(1, "go", "tool", "schemactl", "migrate", "lint")
	require.Regexp(t, regexp.MustCompile(`ENT111\s+column "orders"\."note"`), out)
	require.Contains(t, out, "ent/schema/order.go")
	run(0, "go", "tool", "schemactl", "migrate", "diff", "add_note")
	out = run(0, "go", "tool", "schemactl", "migrate", "lint")
	require.Regexp(t, `(?m)^2 models, 2 tables, 0 enum types, 2 migration files: 0 findings$`, out)
}

// installEnv is the test's environment for the user's go commands: no
// workspace, no go command settings of this module's tests, and no
// network.
func installEnv(t *testing.T) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "GOWORK" && k != "GOFLAGS" && k != "GOPROXY" {
			env = append(env, kv)
		}
	}
	return append(env, "GOWORK=off", "GOFLAGS=-mod=readonly", "GOPROXY=off")
}

func readModFile(t *testing.T, name string) *modfile.File {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	f, err := modfile.Parse(name, b, nil)
	require.NoError(t, err)
	return f
}

func appendFile(t *testing.T, name string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.Write(b)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}
