package initproj

import (
	"os"
	"path/filepath"
	"testing"

	"ariga.io/atlas/schemahcl"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/config"
	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// atlasProject is the part of the Atlas CLI's project file
// (cmd/atlas/internal/cmdapi/project.go) that init writes, with the same
// spec tags, evaluated as Atlas evaluates it.
type atlasProject struct {
	Envs []*atlasEnv `spec:"env"`
	Lint *atlasLint  `spec:"lint"`
}

type atlasEnv struct {
	Name      string `spec:"name,name"`
	DevURL    string `spec:"dev"`
	Migration *struct {
		Dir     string   `spec:"dir"`
		Format  string   `spec:"format"`
		Exclude []string `spec:"exclude"`
	} `spec:"migration"`
	Lint *atlasLint `spec:"lint"`
	schemahcl.DefaultExtension
}

type atlasLint struct {
	Latest int `spec:"latest"`
	Git    struct {
		Dir  string `spec:"dir"`
		Base string `spec:"base"`
	} `spec:"git"`
	schemahcl.DefaultExtension
}

// evalAtlas evaluates a project file as Atlas's parseConfig does, with its
// scoped enums for migration { format }.
func evalAtlas(t *testing.T, src []byte) *atlasProject {
	t.Helper()
	formats := make([]string, len(config.Formats))
	copy(formats, config.Formats)
	var p atlasProject
	require.NoError(t, schemahcl.New(
		schemahcl.WithScopedEnums("env.migration.format", formats...),
		schemahcl.WithVariables(nil),
	).EvalBytes(src, &p, nil))
	return &p
}

var settings = Settings{
	Src:    []string{"ent://internal/ent/schema"},
	Dev:    DevURL(15),
	Dir:    "file://db/migrations",
	Format: dirformat.GolangMigrate,
	Base:   "trunk",
}

// What init writes reads the same in schemactl's loader and in Atlas's
// schemahcl: two envs, their settings, the lint blocks.
func TestRenderReadsInBoth(t *testing.T) {
	src := Render(settings)
	dir := t.TempDir()
	path := filepath.Join(dir, "atlas.hcl")
	require.NoError(t, os.WriteFile(path, src, 0o644))

	f, err := config.Load(path, config.Options{})
	require.NoError(t, err)
	require.Equal(t, LocalEnv, f.DefaultEnv)
	for _, name := range []string{LocalEnv, CIEnv} {
		f, err := config.Load(path, config.Options{Env: name})
		require.NoError(t, err)
		e, err := f.Env(name)
		require.NoError(t, err)
		require.Equal(t, settings.Src, e.Src)
		require.Equal(t, "docker://postgres/15/dev?search_path=public", e.Dev)
		require.Equal(t, "file://db/migrations", e.Migration.Dir)
		require.Equal(t, "golang-migrate", e.Migration.Format)
		want := "trunk"
		if name == CIEnv {
			want = "origin/trunk"
		}
		require.Equal(t, want, e.Lint.GitBase, name)
	}

	p := evalAtlas(t, src)
	require.Len(t, p.Envs, 2)
	require.Equal(t, "trunk", p.Lint.Git.Base)
	for _, e := range p.Envs {
		srcAttr, ok := e.Attr("src")
		require.True(t, ok)
		s, err := srcAttr.String()
		require.NoError(t, err)
		require.Equal(t, "ent://internal/ent/schema", s)
		require.Equal(t, "docker://postgres/15/dev?search_path=public", e.DevURL)
		require.Equal(t, "file://db/migrations", e.Migration.Dir)
		require.Equal(t, "golang-migrate", e.Migration.Format)
	}
	ci := p.Envs[1]
	require.Equal(t, CIEnv, ci.Name)
	// Atlas's Lint.Extend keeps an env's git settings only when both dir
	// and base are set: ci sets both, so its base is not the top-level one.
	require.Equal(t, ".", ci.Lint.Git.Dir)
	require.Equal(t, "origin/trunk", ci.Lint.Git.Base)
}

// Strings are written as HCL reads them back: a template sequence in a
// path stays literal.
func TestRenderQuotes(t *testing.T) {
	s := settings
	s.Src = []string{"ent://a/${b}/schema", "ent://c/%{d}"}
	s.Dir = `file://my "migrations"`
	s.Format = ""
	path := filepath.Join(t.TempDir(), "atlas.hcl")
	require.NoError(t, os.WriteFile(path, Render(s), 0o644))
	f, err := config.Load(path, config.Options{Env: LocalEnv})
	require.NoError(t, err)
	e, err := f.Env(LocalEnv)
	require.NoError(t, err)
	require.Equal(t, s.Src, e.Src)
	require.Equal(t, s.Dir, e.Migration.Dir)
	require.Empty(t, e.Migration.Format, "Atlas's format is not written")
}

const teamFile = `# the team's file, kept as it is
variable "url" {
  type    = string
  default = "postgres://db/app"
}
env "prod" {
  url = var.url
}
lint {
  destructive {
    error = true
  }
}` // no newline at the end

func TestExtend(t *testing.T) {
	ex, err := Inspect([]byte(teamFile), "atlas.hcl")
	require.NoError(t, err)
	require.Equal(t, []Block{{Name: "prod", At: "atlas.hcl:6"}}, ex.Envs)
	require.Equal(t, &Block{Name: "lint", At: "atlas.hcl:9"}, ex.Lint)
	require.False(t, ex.LintReview)
	require.Equal(t, []string{LocalEnv, CIEnv}, ex.MissingEnvs())

	x := Extend([]byte(teamFile), ex, settings)
	require.Equal(t, []string{`env "local"`, `env "ci"`, config.DefaultEnvBlock}, x.Added)
	require.Equal(t, teamFile+"\n", string(x.Content[:len(teamFile)+1]), "the file is kept byte for byte")

	path := filepath.Join(t.TempDir(), "atlas.hcl")
	require.NoError(t, os.WriteFile(path, x.Content, 0o644))
	for _, name := range []string{"prod", LocalEnv, CIEnv} {
		f, err := config.Load(path, config.Options{Env: name})
		require.NoError(t, err, name)
		e, err := f.Env(name)
		require.NoError(t, err, name)
		require.True(t, e.Lint.Errors["destructive"], "the kept lint block applies to %s", name)
	}
	p := evalAtlas(t, x.Content)
	require.Len(t, p.Envs, 3)

	// Extended again: nothing to add, the content unchanged.
	ex, err = Inspect(x.Content, "atlas.hcl")
	require.NoError(t, err)
	require.Equal(t, LocalEnv, ex.DefaultEnv)
	again := Extend(x.Content, ex, Settings{Base: "trunk"})
	require.Empty(t, again.Added)
	require.Equal(t, x.Content, again.Content)
}

// An env block for every env (name = atlas.env) serves local and ci: a
// labelled block would take its place, so none is added.
func TestExtendDynamic(t *testing.T) {
	src := []byte("env {\n  name = atlas.env\n}\nlint {\n  latest = 1\n}\n")
	ex, err := Inspect(src, "atlas.hcl")
	require.NoError(t, err)
	require.NotNil(t, ex.Dynamic)
	require.True(t, ex.LintReview)
	require.Empty(t, ex.MissingEnvs())
	x := Extend(src, ex, settings)
	require.Equal(t, []string{config.DefaultEnvBlock}, x.Added)
}

func TestInspectRefusesWhatDoesNotParse(t *testing.T) {
	_, err := Inspect([]byte("env \"local\" {\n"), "atlas.hcl")
	require.EqualError(t, err, "atlas.hcl:1,13-14: Unclosed configuration block")
}
