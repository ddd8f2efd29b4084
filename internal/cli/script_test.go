package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ledgerforge/schemactl/internal/apply"
	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/cli"
	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/devdb/devdbtest"
)

// Run with -update to rewrite the expected output inside the scripts:
//
//	go test ./internal/cli -run TestScripts -update
var update = flag.Bool("update", false, "rewrite golden output in testdata/script")

// server is one dev cluster for the package: scripts that need a --dev-url
// database get a fresh one on it.
var server *devdb.Server

func TestMain(m *testing.M) {
	testscript.Main(withServer{m}, map[string]func(){
		"schemactl": func() {
			os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// withServer starts the shared cluster only in the test process, not in the
// re-executed schemactl commands.
type withServer struct{ m *testing.M }

func (w withServer) Run() int {
	defer removeHistoryRepos()
	return devdbtest.Main(w.m, &server)
}

func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join(root, "testdata", "script"),
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			return setupModule(env, root)
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"devdb":     cmdDevDB,
			"sqlfiles":  cmdSQLFiles,
			"increases": cmdIncreases,
			"migration": cmdMigration,
			"replace":   cmdReplace,
			"exits":     cmdExits,
			"sql":       cmdSQL,
			"pwuser":    cmdPasswordUser,
			"holdlock":  cmdHoldLock,
			"sumof":     cmdSumOf,
			"cached":    cmdCached,
			"fixture":   cmdFixture(root),
			"entmodule": cmdEntModule,
			"formatdir": cmdFormatDir(root),
			"file":      cmdFile,
			"sqlfile":   cmdSQLFile,
			"pty":       cmdPty,
			"screen":    cmdScreen,
		},
	})
}

// setupModule makes $WORK a Go module with the fixture's Ent schemas (files
// the script brings itself win) and passes the Go toolchain's caches, so
// entc can compile the schema package offline.
func setupModule(env *testscript.Env, root string) error {
	fixture := filepath.Join(root, "testdata", "fixture")
	err := filepath.WalkDir(fixture, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(fixture, p)
		dst := filepath.Join(env.WorkDir, rel)
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
	if err != nil {
		return err
	}
	if err := writeModule(root, env.WorkDir); err != nil {
		return err
	}
	passGoEnv(env)
	env.Setenv("GOFLAGS", "-mod=mod")
	// git for the --git-base scenarios: an identity, and no user config.
	for k, v := range map[string]string{"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
		"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"} {
		env.Setenv(k, v)
	}
	// NOPG_PATH finds schemactl and go, and no PostgreSQL.
	goBin, err := goBinDir()
	if err != nil {
		return err
	}
	noPG := []string{goBin}
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(d, "schemactl")); err == nil {
			noPG = append(noPG, d)
		}
	}
	env.Setenv("NOPG_PATH", strings.Join(noPG, string(os.PathListSeparator)))
	// PGMAJOR is the installed server's major version: a docker://postgres/
	// dev URL asks for it.
	env.Setenv("PGMAJOR", strconv.Itoa(server.Bin.Major))
	env.Setenv("PATH", goBin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return nil
}

// goBinDir is where the go command that runs the tests lives.
var goBinDir = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "bin"), nil
})

// writeModule makes dir the module example.com/app with this repository's
// requirements and go.sum, so entc and go generate find every module in the
// local cache and never download.
func writeModule(root, dir string) error {
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return err
	}
	mod = regexp.MustCompile(`(?m)^module .*$`).ReplaceAll(mod, []byte("module example.com/app"))
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), mod, 0o644); err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
}

// cmdFixture: fixture NAME replaces the Ent schemas $WORK/ent with those of
// testdata/fixture-NAME (a module of the same shape).
func cmdFixture(root string) func(*testscript.TestScript, bool, []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: fixture NAME")
		}
		src := filepath.Join(root, "testdata", "fixture-"+args[0])
		ts.Check(os.RemoveAll(ts.MkAbs("ent")))
		ts.Check(filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			dst := ts.MkAbs(rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			return os.WriteFile(dst, b, 0o644)
		}))
	}
}

// cmdFormatDir: formatdir NAME DEST copies the migration directory
// testdata/dirformat/NAME (one per directory format, with the atlas.sum
// the Atlas CLI wrote) to DEST.
func cmdFormatDir(root string) func(*testscript.TestScript, bool, []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: formatdir NAME DEST")
		}
		ts.Check(os.CopyFS(ts.MkAbs(args[1]), os.DirFS(filepath.Join(root, "testdata", "dirformat", args[0]))))
	}
}

// cmdFile: file GLOB PATTERN asserts that exactly one file matches GLOB
// and that its content matches the regular expression PATTERN
// (multi-line mode; ! inverts the match).
func cmdFile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: file GLOB PATTERN")
	}
	found, err := filepath.Glob(ts.MkAbs(args[0]))
	ts.Check(err)
	if len(found) != 1 {
		ts.Fatalf("want one file matching %s, have %v", args[0], found)
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	text := ts.ReadFile(found[0])
	if re.MatchString(text) == neg {
		ts.Fatalf("%s: match of %q is %v, want %v\n%s", found[0], args[1], neg, !neg, text)
	}
}

// cmdDevDB: devdb VAR [nonempty] creates a fresh database on the shared
// cluster and stores its URL in $VAR; nonempty leaves a table in it.
func cmdDevDB(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: devdb VAR [nonempty]")
	}
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	ts.Check(err)
	if len(args) > 1 && args[1] == "nonempty" {
		conn, err := pgx.Connect(ctx, u)
		ts.Check(err)
		_, err = conn.Exec(ctx, "CREATE TABLE leftover (id int)")
		ts.Check(err)
		ts.Check(conn.Close(ctx))
	}
	ts.Setenv(args[0], u)
}

// cmdSQLFiles: sqlfiles DIR N asserts DIR holds exactly N .sql files.
func cmdSQLFiles(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: sqlfiles DIR N")
	}
	got := len(sqlNames(ts, args[0]))
	if (fmt.Sprint(got) == args[1]) == neg {
		ts.Fatalf("%s holds %d .sql files; want %s%s", args[0], got, map[bool]string{true: "not "}[neg], args[1])
	}
}

// cmdIncreases: increases DIR asserts the file versions in DIR are unique
// and strictly increasing in file order.
func cmdIncreases(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: increases DIR")
	}
	var versions []string
	for _, n := range sqlNames(ts, args[0]) {
		versions = append(versions, strings.SplitN(n, "_", 2)[0])
	}
	if !slices.IsSorted(versions) || len(slices.Compact(slices.Clone(versions))) != len(versions) {
		ts.Fatalf("versions are not strictly increasing: %v", versions)
	}
}

// cmdMigration: migration NAME PATTERN asserts that the one file
// migrations/<version>_NAME.sql matches the regular expression PATTERN
// (multi-line mode; ! inverts).
func cmdMigration(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: migration NAME PATTERN")
	}
	var found []string
	for _, n := range sqlNames(ts, "migrations") {
		if strings.HasSuffix(n, "_"+args[0]+".sql") {
			found = append(found, n)
		}
	}
	if len(found) != 1 {
		ts.Fatalf("want one migrations/*_%s.sql, have %v", args[0], found)
	}
	re, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)
	text := ts.ReadFile(filepath.Join("migrations", found[0]))
	if re.MatchString(text) == neg {
		ts.Fatalf("%s: match of %q is %v, want %v\n%s", found[0], args[1], neg, !neg, text)
	}
}

// cmdPasswordUser: pwuser VAR makes a role that must log in with a
// password (the dev cluster trusts everyone else) and stores in $VAR a URL
// for it with the wrong password, "wrong-pw".
func cmdPasswordUser(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: pwuser VAR")
	}
	pwOnce.Do(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, server.URL(devdb.AdminDB))
		ts.Check(err)
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "CREATE ROLE pwuser LOGIN PASSWORD 'right-pw'")
		ts.Check(err)
		hba := filepath.Join(server.Base(), "data", "pg_hba.conf")
		b, err := os.ReadFile(hba)
		ts.Check(err)
		ts.Check(os.WriteFile(hba, append([]byte("local all pwuser scram-sha-256\n"), b...), 0o600))
		_, err = conn.Exec(ctx, "SELECT pg_reload_conf()")
		ts.Check(err)
	})
	u, err := url.Parse(server.URL(devdb.AdminDB))
	ts.Check(err)
	u.User = url.UserPassword("pwuser", "wrong-pw")
	ts.Setenv(args[0], u.String())
}

var pwOnce sync.Once

// cmdHoldLock: holdlock URL takes the advisory lock migrate apply takes
// (Atlas's: fnv32 of its name) on URL's database until the script ends.
func cmdHoldLock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: holdlock URL")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, args[0])
	ts.Check(err)
	h := fnv.New32()
	h.Write([]byte(apply.LockName))
	_, err = conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(h.Sum32()))
	ts.Check(err)
	ts.Defer(func() { conn.Close(ctx) })
}

// cmdSumOf: sumof SUMFILE NAME VAR stores in $VAR the hash atlas.sum
// records for NAME without its "h1:": what Atlas's executor (the Atlas CLI)
// writes as a revision's hash.
func cmdSumOf(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: sumof SUMFILE NAME VAR")
	}
	for _, line := range strings.Split(ts.ReadFile(args[0]), "\n") {
		if name, hash, ok := strings.Cut(line, " "); ok && name == args[1] {
			ts.Setenv(args[2], strings.TrimPrefix(hash, "h1:"))
			return
		}
	}
	ts.Fatalf("%s has no entry for %s", args[0], args[1])
}

// cmdSQLFile: sqlfile URL GLOB runs the one file matching GLOB on URL's
// database as one simple query (one transaction), as a tool like
// golang-migrate runs a down file the way schemactl never does; ! expects
// it to fail, and writes the error to stderr.
func cmdSQLFile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: [!] sqlfile URL GLOB")
	}
	found, err := filepath.Glob(ts.MkAbs(args[1]))
	ts.Check(err)
	if len(found) != 1 {
		ts.Fatalf("want one file matching %s, have %v", args[1], found)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, args[0])
	ts.Check(err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, ts.ReadFile(found[0]), pgx.QueryExecModeSimpleProtocol)
	switch {
	case neg && err == nil:
		ts.Fatalf("%s applied", args[1])
	case neg:
		// For stderr to match: the server's message.
		fmt.Fprintln(ts.Stderr(), err)
	default:
		ts.Check(err)
	}
}

// cmdSQL: sql URL QUERY runs QUERY and prints its rows to stdout, one per
// line, columns separated by |.
func cmdSQL(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: sql URL QUERY")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, args[0])
	ts.Check(err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, args[1], pgx.QueryExecModeSimpleProtocol)
	ts.Check(err)
	var out strings.Builder
	for rows.Next() {
		vals, err := rows.Values()
		ts.Check(err)
		cells := make([]string, len(vals))
		for i, v := range vals {
			cells[i] = fmt.Sprint(v)
			if b, ok := v.(bool); ok {
				cells[i] = map[bool]string{true: "t", false: "f"}[b]
			}
		}
		out.WriteString(strings.Join(cells, "|") + "\n")
	}
	ts.Check(rows.Err())
	_, _ = ts.Stdout().Write([]byte(out.String()))
}

// cmdEntModule: entmodule NAME copies the Ent module testdata/entload/NAME
// (with its own go.mod, go.sum and Ent version) to $WORK/NAME.
func cmdEntModule(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: entmodule NAME")
	}
	src, err := filepath.Abs(filepath.Join("..", "..", "testdata", "entload", args[0]))
	ts.Check(err)
	ts.Check(os.CopyFS(ts.MkAbs(args[0]), os.DirFS(src)))
}

// cmdCached: cached N asserts the replay cache in $SCHEMACTL_CACHE_DIR has
// an entry holding the first N migration files (! asserts it has none).
func cmdCached(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: cached N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	metas, err := filepath.Glob(filepath.Join(ts.Getenv(cachedir.Env), "replay-v1", "pg*", "*", "meta.json"))
	ts.Check(err)
	found := false
	for _, p := range metas {
		var m struct{ Files int }
		b, err := os.ReadFile(p)
		ts.Check(err)
		ts.Check(json.Unmarshal(b, &m))
		found = found || m.Files == want
	}
	if found == neg {
		ts.Fatalf("cache entry holding %d files: found %v, want %v (%d entries)", want, found, !neg, len(metas))
	}
}

// cmdExits: exits N PROG ARGS... runs PROG like exec and asserts its exit
// status is exactly N: findings (1) and failures (2) must never be confused.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	var exit *exec.ExitError
	if err := ts.Exec(args[1], args[2:]...); errors.As(err, &exit) {
		got = exit.ExitCode()
	} else if err != nil {
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// cmdReplace: replace FILE OLD NEW replaces the one occurrence of OLD in
// FILE (Go-quoted strings, so \n and \t work): one perturbation per line.
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	unquote := func(s string) string {
		u, err := strconv.Unquote(`"` + strings.ReplaceAll(s, `"`, `\"`) + `"`)
		ts.Check(err)
		return u
	}
	old, repl := unquote(args[1]), unquote(args[2])
	text := ts.ReadFile(args[0])
	if n := strings.Count(text, old); n != 1 {
		ts.Fatalf("%s: %q occurs %d times, want once", args[0], old, n)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.Replace(text, old, repl, 1)), 0o644))
}

func sqlNames(ts *testscript.TestScript, dir string) []string {
	entries, err := os.ReadDir(ts.MkAbs(dir))
	ts.Check(err)
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	return names
}

// passGoEnv gives a script the go command's caches and settings (and
// schemactl's cache dir), so that it builds offline from what is cached.
func passGoEnv(env *testscript.Env) {
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT", "GOPROXY", "GONOSUMDB", "GOTOOLCHAIN", cachedir.Env} {
		if v := os.Getenv(k); v != "" {
			env.Setenv(k, v)
		}
	}
	home, _ := os.UserHomeDir()
	for k, fallback := range map[string]string{"GOCACHE": filepath.Join(home, ".cache", "go-build"), "GOMODCACHE": filepath.Join(home, "go", "pkg", "mod")} {
		if env.Getenv(k) == "" {
			env.Setenv(k, fallback)
		}
	}
}
