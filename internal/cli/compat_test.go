package cli_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ledgerforge/schemactl/internal/report"
)

// TestCompat is the compatibility suite: each testdata/compat/NAME.txtar
// runs schemactl on a copy of the fixture module testdata/compat/NAME, a
// small Ent project that reproduces one pattern of real projects (an older
// Ent, names over 63 bytes, several schema packages…), and asserts exactly
// the findings it must give. testdata/compat/README.md lists them.
//
// A fixture is its own Go module with a complete go.sum, and the go
// command runs with -mod=readonly: a fixture whose go.sum lacks an entry
// fails instead of being repaired from the network, and after the modules
// (and the toolchain a fixture declares) are first downloaded into
// GOMODCACHE, nothing is fetched again.
//
//	go test ./internal/cli -run TestCompat            # the suite
//	go test ./internal/cli -run TestCompat/ent012     # one fixture
//	go test ./internal/cli -run TestCompat -update    # rewrite cmp goldens
func TestCompat(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "testdata", "compat")
	testscript.Run(t, testscript.Params{
		Dir:                 dir,
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup:               setupCompat,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"fixture":  func(ts *testscript.TestScript, neg bool, args []string) { cmdCompatModule(ts, neg, args, dir) },
			"findings": cmdFindings,
			"exits":    cmdExits,
			"replace":  cmdReplace,
			"sqlfiles": cmdSQLFiles,
		},
	})
}

// setupCompat passes the Go toolchain's caches and the schemactl cache,
// and makes the go command read-only on go.mod and go.sum.
func setupCompat(env *testscript.Env) error {
	passGoEnv(env)
	env.Setenv("GOFLAGS", "-mod=readonly")
	goBin, err := goBinDir()
	if err != nil {
		return err
	}
	env.Setenv("PATH", goBin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return nil
}

// cmdCompatModule: fixture NAME copies the fixture module testdata/compat/NAME
// into the working directory (files the script brings itself win).
func cmdCompatModule(ts *testscript.TestScript, neg bool, args []string, dir string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: fixture NAME")
	}
	src := filepath.Join(dir, args[0])
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		dst := ts.MkAbs(rel)
		if _, err := os.Stat(dst); err == nil {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	ts.Check(err)
}

// cmdFindings: findings ['CODE OBJECT'...] asserts that the JSON report on
// the last command's stdout holds exactly these findings, as many times as
// listed and in any order (none when no argument is given).
func cmdFindings(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("usage: findings ['CODE OBJECT'...]")
	}
	var r report.Report
	if err := json.Unmarshal([]byte(ts.ReadFile("stdout")), &r); err != nil {
		ts.Fatalf("stdout is not a JSON report: %v", err)
	}
	got := make([]string, 0, len(r.Findings))
	for _, f := range r.Findings {
		got = append(got, f.Code+" "+f.Object)
	}
	want := slices.Clone(args)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		ts.Fatalf("findings differ\nhave:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	if r.Summary.Findings != len(r.Findings) {
		ts.Fatalf("summary counts %d findings, the report lists %d", r.Summary.Findings, len(r.Findings))
	}
}
