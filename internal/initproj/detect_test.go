package initproj

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// tree writes files (name, content, …) under a fresh directory, which it
// makes the working directory.
func tree(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for i := 0; i+1 < len(files); i += 2 {
		require.NoError(t, os.MkdirAll(filepath.Dir(files[i]), 0o755))
		require.NoError(t, os.WriteFile(files[i], []byte(files[i+1]), 0o644))
	}
	return dir
}

const schemaFile = `package schema

import (
	entgo "entgo.io/ent"
	"entgo.io/ent/schema/mixin"
)

// Named through an alias, as some projects import Ent.
type User struct {
	entgo.Schema
}

type Timestamps struct{ mixin.Schema } // a mixin, not a schema

type ActiveUsers struct{ entgo.View }

type notAStruct int
`

func TestDetect(t *testing.T) {
	tree(t,
		"go.mod", "module example.com/app\n\ngo 1.24\n\ntool github.com/ledgerforge/schemactl/cmd/schemactl\n",
		"internal/ent/schema/user.go", schemaFile,
		"internal/ent/schema/user_test.go", "package schema\nimport \"entgo.io/ent\"\ntype T struct{ ent.Schema }\n",
		"internal/ent/generate.go", "package ent\n\n//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --feature sql/upsert ./schema\n",
		"internal/ent/migrate/migrations/20240101000000_init.sql", "CREATE TABLE t (id int);\n",
		"internal/ent/migrate/migrations/atlas.sum", "h1:x\n",
		"db/queries/users.sql", "SELECT 1;\n", // sqlc's queries: no version in the name
		"db/goose/00001_init.sql", "-- +goose Up\nCREATE TABLE t (id int);\n",
		"vendor/x/schema/v.go", "package schema\nimport \"entgo.io/ent\"\ntype V struct{ ent.Schema }\n",
		"testdata/schema/v.go", "package schema\nimport \"entgo.io/ent\"\ntype V struct{ ent.Schema }\n",
		"node_modules/m/1_x.sql", "x",
		".hidden/1_x.sql", "x",
		"tools/go.mod", "module example.com/tools\n",
		"tools/ent/schema/t.go", "package schema\nimport \"entgo.io/ent\"\ntype T struct{ ent.Schema }\n",
		"broken/b.go", "package broken\nimport \"entgo.io/ent\"\ntype B struct{ ent.Schema ",
	)
	l, err := Detect(".")
	require.NoError(t, err)
	require.Equal(t, "example.com/app", l.Module)
	require.True(t, l.Tool)
	require.Equal(t, []Schema{{
		Dir:         "internal/ent/schema",
		Types:       []string{"ActiveUsers", "User"},
		Generated:   "internal/ent",
		GenerateDir: "internal/ent",
		Generate:    "internal/ent/generate.go:3: //go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --feature sql/upsert ./schema",
	}}, l.Schemas)
	require.Equal(t, []MigrationDir{
		{Dir: "db/goose", Format: dirformat.Goose, Evidence: `00001_init.sql:1 has "-- +goose Up"`, Files: 1},
		{Dir: "internal/ent/migrate/migrations", Format: dirformat.Atlas, Files: 1, Sum: true},
	}, l.Dirs)
	require.Equal(t, []string{"tools"}, l.Nested)
}

// A generate.go at the root running ent/entc.go (fijoy's layout) generates
// ent: go generate runs in the root package.
func TestDetectRootGenerate(t *testing.T) {
	tree(t,
		"go.mod", "module example.com/app\n",
		"generate.go", "package app\n\n//go:generate go run -mod=mod ./ent/entc.go\n//go:generate go run -mod=mod github.com/99designs/gqlgen\n",
		"ent/entc.go", "//go:build ignore\n\npackage main\n\nimport \"entgo.io/ent/entc\"\n\nfunc main() { entc.Generate(\"./ent/schema\", nil) }\n",
		"ent/schema/a.go", "package schema\nimport \"entgo.io/ent\"\ntype A struct{ ent.Schema }\n",
		"other/schema/b.go", "package schema\nimport \"entgo.io/ent\"\ntype B struct{ ent.Schema }\n",
	)
	l, err := Detect(".")
	require.NoError(t, err)
	require.Equal(t, []Schema{
		{Dir: "ent/schema", Types: []string{"A"}, Generated: "ent", GenerateDir: ".", Generate: "generate.go:3: //go:generate go run -mod=mod ./ent/entc.go"},
		{Dir: "other/schema", Types: []string{"B"}},
	}, l.Schemas)
}

// Each format's directory is told by dirformat's signs, as schemactl's
// other commands tell it.
func TestInspectDirFormats(t *testing.T) {
	root, err := filepath.Abs("../../testdata/dirformat")
	require.NoError(t, err)
	for name, want := range map[string]dirformat.Format{
		"golang-migrate": dirformat.GolangMigrate,
		"goose":          dirformat.Goose,
		"flyway":         dirformat.Flyway,
		"dbmate":         dirformat.DBMate,
	} {
		d, err := InspectDir(filepath.Join(root, name))
		require.NoError(t, err, name)
		require.Equal(t, want, d.Format, name)
		require.NotEmpty(t, d.Evidence, name)
		require.Positive(t, d.Files, name)
		require.True(t, d.Sum, name)
	}
}

func TestNoGoMod(t *testing.T) {
	tree(t)
	_, err := Detect(".")
	require.ErrorIs(t, err, os.ErrNotExist)
}

func runGit(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %s: %s", strings.Join(args, " "), out)
}

func TestDefaultBranch(t *testing.T) {
	tree(t, "f", "x")
	require.Equal(t, Branch{Name: "main", From: "not a git repository: the default"}, DefaultBranch("."))

	runGit(t, "init", "-q", "-b", "work")
	runGit(t, "add", "f")
	runGit(t, "commit", "-q", "-m", "x")
	require.Equal(t, Branch{Name: "main", From: "no origin/HEAD and no local main or master: the default"}, DefaultBranch("."))

	runGit(t, "branch", "master")
	require.Equal(t, Branch{Name: "master", From: "the local branch master"}, DefaultBranch("."))

	runGit(t, "update-ref", "refs/remotes/origin/trunk", "HEAD")
	runGit(t, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
	require.Equal(t, Branch{Name: "trunk", From: "origin/HEAD"}, DefaultBranch("."))
}
