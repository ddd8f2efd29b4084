package entload

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/lockdir"
)

// The fixture modules (testdata/entload) pin Ent v0.12.5, v0.13.1 and
// v0.14.5 and declare go1.21.13 and go1.23.0. The first run downloads
// those modules and toolchains through the module proxy and builds them
// (a minute or two); later runs take seconds.
const fixtures = "../../testdata/entload"

// version is the server version the tests plan for.
const serverVersion = 150000

func TestMain(m *testing.M) {
	// A cache of the package's own: the loads and drivers of one run.
	dir, err := os.MkdirTemp("", "entload-test-")
	if err != nil {
		panic(err)
	}
	os.Setenv(cachedir.Env, dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func loadFixture(t *testing.T, dir string, o Options) (*Package, error) {
	t.Helper()
	if o.ServerVersion == 0 {
		o.ServerVersion = serverVersion
	}
	return Load(context.Background(), filepath.Join(fixtures, dir), o)
}

// hashed is Ent's name for a symbol over 63 bytes.
func hashed(name string) string {
	return fmt.Sprintf("%s_%x", name[:30], md5.Sum([]byte(name)))
}

// Each version's own Ent computes the SQL: uint16 is smallint up to Ent
// v0.13 and integer from v0.14; long names are hashed as Ent's migrate
// does; each is built with the toolchain its go.mod declares.
func TestLoadEntVersions(t *testing.T) {
	for _, tc := range []struct{ dir, ent, toolchain, port string }{
		{"v12", "v0.12.5", "go1.21.13", "smallint"},
		{"v13", "v0.13.1", "go1.21.13", "smallint"},
		{"v14", "v0.14.5", "go1.23.0", "integer"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			p, err := loadFixture(t, tc.dir+"/ent/schema", Options{})
			require.NoError(t, err)
			require.Equal(t, tc.ent, p.Ent)
			require.Equal(t, tc.toolchain, p.Toolchain)
			require.Equal(t, "example.com/entload/"+tc.dir+"/ent/schema", p.PkgPath)
			require.False(t, p.Cached)
			require.Equal(t, []Table{{Name: "groups", Type: "Group"}, {Name: "users", Type: "User"}}, p.Tables)
			require.Len(t, p.Schemas, 2)
			require.Equal(t, "Group", p.Schemas[0].Name)
			require.Regexp(t, `/testdata/entload/`+tc.dir+`/ent/schema/group.go:10$`, p.Schemas[0].Pos)
			script := strings.Join(p.Script, ";\n")
			require.Contains(t, script, `"port" `+tc.port+` NOT NULL`)
			require.Contains(t, script, `"status" userstatus NOT NULL`)
			require.Contains(t, script, `"billing_control" character varying(17) NOT NULL`)
			require.Contains(t, script, `CREATE INDEX "`+hashed("user_name_port_status_billing_control_with_a_very_long_index_name")+`" ON "users"`)
			require.Contains(t, script, `CONSTRAINT "`+hashed("users_groups_organisation_membership_with_a_very_long_descriptive_name")+`" FOREIGN KEY`)
			require.Contains(t, p.Enums, Enum{Table: "users", Column: "status", Type: "User", Field: "status", Values: []string{"pending", "active"}, SchemaType: "userstatus"})
			require.Contains(t, p.Enums, Enum{Table: "users", Column: "billing_control", Type: "User", Field: "billing_control", Values: []string{"manual", "automatic"}, SchemaType: "VARCHAR(17)"})

			again, err := loadFixture(t, tc.dir+"/ent/schema", Options{})
			require.NoError(t, err)
			require.True(t, again.Cached)
			again.Cached = false
			require.Equal(t, p, again)
		})
	}
}

// Ent v0.12.5 pins a golang.org/x/tools that does not compile with Go 1.25
// or later (golang/go#74462): built with the installed Go 1.26 the load
// fails; built with the toolchain its go.mod declares (above), it works.
func TestLoadNeedsDeclaredToolchain(t *testing.T) {
	t.Setenv(ToolchainEnv, "local")
	_, err := loadFixture(t, "v12/ent/schema", Options{})
	var le *Error
	require.ErrorAs(t, err, &le)
	require.Regexp(t, `^build schemactl's Ent driver: .*golang.org/x/tools@v0.8.1-.*/tokeninternal.go:\d+:\d+: invalid array length`, le.Msg)
}

// The schemas are the exported struct types that implement ent.Interface,
// as entc/load selects them: other structs, generic types and files the
// build leaves out are not.
func TestLoadSelectsSchemas(t *testing.T) {
	p, err := loadFixture(t, "v14/ent/history", Options{})
	require.NoError(t, err)
	require.Len(t, p.Schemas, 1)
	require.Equal(t, "UserHistory", p.Schemas[0].Name)
	require.Equal(t, []Table{{Name: "user_histories", Type: "UserHistory"}}, p.Tables)

	cs, err := candidates(filepath.Join(fixtures, "v14/ent/history"))
	require.NoError(t, err)
	var names []string
	for _, c := range cs {
		names = append(names, c.name)
	}
	require.Equal(t, []string{"Change", "UserHistory"}, names)
	require.Equal(t, []string{"a", "b"}, buildTags("-mod=mod -tags=a,b"))
	require.Equal(t, []string{"x"}, buildTags("-tags x -v"))
}

// Ent v0.14's views and tables in other PostgreSQL schemas.
func TestLoadViewsAndSchemas(t *testing.T) {
	p, err := loadFixture(t, "v14/ent/realm", Options{})
	require.NoError(t, err)
	require.Equal(t, []Table{{Name: "accounts", Type: "Account"}, {Schema: "audit", Name: "audit_entries", Type: "AuditEntry"}}, p.Tables)
	script := strings.Join(p.Script, ";\n")
	require.Contains(t, script, `CREATE TABLE "accounts" (`)
	require.Contains(t, script, `CREATE TABLE "audit"."audit_entries" (`)
	require.NotContains(t, script, "CREATE SCHEMA")
	require.Equal(t, []View{{Name: "active_accounts", Def: "SELECT id, email FROM accounts WHERE active", Type: "ActiveAccount"}}, p.Views)
}

// A load that fails says why in one line, names the package, and is
// cached: the second run replays it.
func TestLoadErrors(t *testing.T) {
	// The modules the failing fixtures share with v14, in the module cache.
	_, err := loadFixture(t, "v14/ent/schema", Options{})
	require.NoError(t, err)

	t.Run("compile error", func(t *testing.T) {
		_, err := loadFixture(t, "v14/ent/broken", Options{})
		var le *Error
		require.ErrorAs(t, err, &le)
		require.Equal(t, "example.com/entload/v14/ent/broken", le.Package)
		require.Equal(t, "../../testdata/entload/v14/ent/broken/broken.go:14:34: undefined: undefinedName", le.Msg)
		require.False(t, le.Cached)
		require.Equal(t, "entload: ent schema ../../testdata/entload/v14/ent/broken (example.com/entload/v14/ent/broken): "+le.Msg, err.Error())

		_, err = loadFixture(t, "v14/ent/broken", Options{})
		var again *Error
		require.ErrorAs(t, err, &again)
		require.True(t, again.Cached, "a failed load is replayed from the cache")
		require.Equal(t, le.Msg, again.Msg)

		_, err = loadFixture(t, "v14/ent/broken", Options{Retry: true})
		require.ErrorAs(t, err, &again)
		require.False(t, again.Cached, "Retry loads again")
	})
	t.Run("missing go.sum entry", func(t *testing.T) {
		t.Setenv("GOFLAGS", "-mod=readonly") // the user's choice: no go.sum line is added
		_, err := loadFixture(t, "nosum/ent/schema", Options{})
		var le *Error
		require.ErrorAs(t, err, &le)
		require.Equal(t, "../../testdata/entload/nosum/ent/schema/token.go:7:2: missing go.sum entry for module providing package github.com/google/uuid"+
			" (imported by example.com/entload/nosum/ent/schema); to add: go get example.com/entload/nosum/ent/schema", le.Msg)
	})
	t.Run("proxy refuses a module", func(t *testing.T) {
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "forbidden", http.StatusForbidden)
		}))
		defer proxy.Close()
		t.Setenv("GOPROXY", proxy.URL)
		t.Setenv("GOFLAGS", "")
		t.Setenv(ToolchainEnv, "local") // no toolchain download through that proxy
		_, err := loadFixture(t, "unavailable/ent/schema", Options{})
		var le *Error
		require.ErrorAs(t, err, &le)
		require.Equal(t, "example.com/entload/unavailable/ent/schema", le.Package)
		require.Regexp(t, `example.com/forbidden@v1.0.0: reading `+regexp.QuoteMeta(proxy.URL)+`/example.com/forbidden/@v/v1.0.0.(mod|zip): 403 Forbidden`, le.Msg)
		require.NotContains(t, le.Msg, "\n")
	})
	t.Run("go.sum lines added to a copy", func(t *testing.T) {
		// By default the load adds what go.sum lacks, as Ent's own
		// `go run -mod=mod entgo.io/ent/cmd/ent generate` does, but to a
		// copy: the project's go.mod and go.sum stay as they are.
		t.Setenv("GOFLAGS", "")
		sum := filepath.Join(fixtures, "nosum", "go.sum")
		before, err := os.ReadFile(sum)
		require.NoError(t, err)
		p, err := loadFixture(t, "nosum/ent/schema", Options{})
		require.NoError(t, err)
		require.Equal(t, []Table{{Name: "tokens", Type: "Token"}}, p.Tables)
		after, err := os.ReadFile(sum)
		require.NoError(t, err)
		require.Equal(t, string(before), string(after))
	})
	t.Run("not a directory", func(t *testing.T) {
		_, err := loadFixture(t, "v14/missing", Options{})
		require.ErrorIs(t, err, ErrNotDir)
	})
	t.Run("no module", func(t *testing.T) {
		_, err := Load(context.Background(), t.TempDir(), Options{ServerVersion: serverVersion})
		var le *Error
		require.ErrorAs(t, err, &le)
		require.Contains(t, le.Msg, "no go.mod in ")
	})
	t.Run("interrupted", func(t *testing.T) {
		t.Setenv(cachedir.Env, t.TempDir())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Load(ctx, filepath.Join(fixtures, "v14/ent/history"), Options{ServerVersion: serverVersion})
		require.ErrorIs(t, err, context.Canceled)
		p, err := loadFixture(t, "v14/ent/history", Options{})
		require.NoError(t, err)
		require.False(t, p.Cached, "an interrupted load is not cached")
	})
}

// The scratch package a killed run left in the module is swept by the
// next load; a live run's is not.
func TestLoadSweepsLeftovers(t *testing.T) {
	// A copy of its own: the tests of other packages load the fixtures at
	// the same time, each with its scratch package in the module.
	root := t.TempDir()
	require.NoError(t, os.CopyFS(root, os.DirFS(filepath.Join(fixtures, "v14"))))
	dead, err := lockdir.New(root, dirPrefix, 0o755)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dead.Path, "main.go"), []byte("package main\n"), 0o644))
	dead.Abandon()
	live, err := lockdir.New(root, dirPrefix, 0o755)
	require.NoError(t, err)
	defer live.Remove()

	_, err = Load(context.Background(), filepath.Join(root, "ent", "schema"), Options{ServerVersion: serverVersion})
	require.NoError(t, err)
	require.NoDirExists(t, dead.Path)
	require.NoFileExists(t, dead.Path+".lock")
	require.DirExists(t, live.Path)
	left, err := filepath.Glob(filepath.Join(root, dirPrefix+"*"))
	require.NoError(t, err)
	require.Equal(t, []string{live.Path, live.Path + ".lock"}, left, "a load leaves nothing in the module")
}

func TestToolchain(t *testing.T) {
	for _, tc := range []struct{ goLine, toolchain, want string }{
		{"", "", "local"},
		{"1.21", "", "go1.21.0"},
		{"1.21.0", "", "go1.21.0"},
		{"1.21.13", "", "go1.21.13"},
		{"1.22", "", "go1.22.0"},
		{"1.21rc2", "", "go1.21rc2"},
		{"1.20", "", "go1.20"},
		{"1.19", "", "go1.19"},
		{"1.21", "go1.21.13", "go1.21.13"},
		{"1.22.1", "go1.21.13", "go1.22.1"}, // the newer wins, as in the go command
		{"1.23.0", "go1.24.2", "go1.24.2"},
		{"1.21", "default", "go1.21.0"},
	} {
		got, err := Toolchain(tc.goLine, tc.toolchain)
		require.NoError(t, err, "%+v", tc)
		require.Equal(t, tc.want, got, "%+v", tc)
	}
	_, err := Toolchain("banana", "")
	require.ErrorContains(t, err, `go line "banana" is not a Go version`)
	_, err = Toolchain("1.21", "gopher")
	require.ErrorContains(t, err, `toolchain line "gopher" is not a Go toolchain`)
}

func TestFirstError(t *testing.T) {
	for _, tc := range []struct{ out, want string }{
		{"# example.com/x/ent/schema\nent/schema/user.go:12:3: undefined: foo\nent/schema/user.go:13:3: undefined: bar\n",
			"ent/schema/user.go:12:3: undefined: foo"},
		{"go: downloading example.com/y v1.0.0\nent/schema/user.go:5:2: example.com/y@v1.0.0: reading https://proxy.golang.org/example.com/y/@v/v1.0.0.zip: 403 Forbidden\n",
			"ent/schema/user.go:5:2: example.com/y@v1.0.0: reading https://proxy.golang.org/example.com/y/@v/v1.0.0.zip: 403 Forbidden"},
		{"ent/schema/user.go:5:2: example.com/z@v1.0.0: reading https://proxy.golang.org/example.com/z/@v/v1.0.0.mod: 404 Not Found\n\tserver response: not found: example.com/z@v1.0.0: unrecognized import path\n",
			"ent/schema/user.go:5:2: example.com/z@v1.0.0: reading https://proxy.golang.org/example.com/z/@v/v1.0.0.mod: 404 Not Found server response: not found: example.com/z@v1.0.0: unrecognized import path"},
		{"go: updates to go.mod needed; to update it:\n\tgo mod tidy\n", "go: updates to go.mod needed; to update it: go mod tidy"},
		{"", ""},
	} {
		require.Equal(t, tc.want, firstError(tc.out))
	}
}

func TestErrorIs(t *testing.T) {
	var err error = &Error{Dir: "ent/schema", Msg: "x"}
	var le *Error
	require.True(t, errors.As(fmt.Errorf("wrapped: %w", err), &le))
	require.Equal(t, "entload: ent schema ent/schema: x", err.Error())
}
