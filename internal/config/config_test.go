package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// project makes a fresh directory holding files (name, content, …),
// and makes it the working directory, so that messages read
// "atlas.hcl:LINE,COL…".
func project(t *testing.T, files ...string) {
	t.Helper()
	t.Chdir(t.TempDir())
	for i := 0; i+1 < len(files); i += 2 {
		require.NoError(t, os.MkdirAll(filepath.Dir(files[i]), 0o755))
		require.NoError(t, os.WriteFile(files[i], []byte(files[i+1]), 0o644))
	}
}

// load loads body as atlas.hcl of a fresh project with env selected.
func load(t *testing.T, body, env string) (*Env, error) {
	t.Helper()
	project(t, "atlas.hcl", body)
	return loadOpts(t, Options{Env: env})
}

// loadErr loads body with env x selected 20 times (Go's map order changes
// from run to run) and returns the error, which must be the same each time.
func loadErr(t *testing.T, body string) error {
	t.Helper()
	project(t, "atlas.hcl", body)
	_, first := loadOpts(t, Options{Env: "x"})
	require.Error(t, first)
	for range 19 {
		_, err := loadOpts(t, Options{Env: "x"})
		require.EqualError(t, err, first.Error(), "the same error every run")
	}
	return first
}

// loadOpts loads the atlas.hcl of the current project.
func loadOpts(t *testing.T, o Options) (*Env, error) {
	t.Helper()
	f, err := Load("atlas.hcl", o)
	if err != nil {
		return nil, err
	}
	return f.Env(o.Env)
}

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "atlas.hcl")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

func TestLoadEnv(t *testing.T) {
	t.Setenv("DEV_URL", "postgres://u:p@h/dev")
	p := write(t, `
variable "dir" {
  type    = string
  default = "file://migrations"
}
env "local" {
  src = "ent://ent/schema"
  dev = getenv("DEV_URL")
  url = "postgres://u@h/prod"
  migration {
    dir    = var.dir
    format = atlas
  }
  exclude = ["atlas_schema_revisions"]
}
env "list" {
  src = ["ent://a", "ent://b"]
}
lint {
  destructive { error = true }
}
`)
	f, err := Load(p, Options{Env: "local"})
	require.NoError(t, err)
	e, err := f.Env("local")
	require.NoError(t, err)
	require.Equal(t, &Env{Name: "local", Src: []string{"ent://ent/schema"}, Dev: "postgres://u:p@h/dev", URL: "postgres://u@h/prod",
		Migration: Migration{Dir: "file://migrations", Format: "atlas"},
		Lint:      Lint{Errors: map[string]bool{"destructive": true}, extra: true},
		Exclude:   []string{"atlas_schema_revisions"},
		At: map[string]string{"src": p + ":7,3-27", "dev": p + ":8,3-26", "url": p + ":9,3-30", "migration.dir": p + ":11,5-21",
			"migration.format": p + ":12,5-19", "exclude": p + ":14,3-39"},
		ExternalSchemas: map[string]ExternalSchema{}, CompositeSchemas: map[string]CompositeSchema{}}, e)
	f, err = Load(p, Options{Env: "list"})
	require.NoError(t, err)
	e, err = f.Env("list")
	require.NoError(t, err)
	require.Equal(t, []string{"ent://a", "ent://b"}, e.Src, "a src list is composed, as in Atlas")

	f, err = Load(p, Options{Env: "local", Vars: map[string][]string{"dir": {"file://other"}}})
	require.NoError(t, err)
	e, _ = f.Env("local")
	require.Equal(t, "file://other", e.Migration.Dir)
}

// Atlas's dynamic env: an unlabelled env block whose name is atlas.env
// serves every --env, and atlas.env is the selected name everywhere. A
// labelled block of the same name takes precedence.
func TestDynamicEnv(t *testing.T) {
	p := write(t, `
env {
  name = atlas.env
  url  = "postgres://h/${atlas.env}"
  migration {
    dir = "file://migrations/${atlas.env}"
  }
}
env "local" {
  url = "postgres://localhost/dev"
}
env {
  name = "${atlas.env}-other"
}
env {
  url = "postgres://nowhere"
}
env "broken" {
  src = var.nope
}
`)
	for _, tt := range []struct{ env, url, dir string }{
		{"prod", "postgres://h/prod", "file://migrations/prod"},
		{"staging", "postgres://h/staging", "file://migrations/staging"},
		{"local", "postgres://localhost/dev", ""},
	} {
		f, err := Load(p, Options{Env: tt.env})
		require.NoError(t, err, tt.env)
		e, err := f.Env(tt.env)
		require.NoError(t, err, tt.env)
		require.Equal(t, tt.env, e.Name)
		require.Equal(t, tt.url, e.URL, tt.env)
		require.Equal(t, tt.dir, e.Migration.Dir, tt.env)
	}

	// Only the selected block is evaluated: "broken" stops only itself.
	_, err := Load(p, Options{Env: "broken"})
	require.ErrorContains(t, err, "atlas.hcl:19,")

	// Without a dynamic block, an unlabelled block serves no env; the
	// message says why.
	p = write(t, "env {\n  url = \"postgres://nowhere\"\n}\nenv \"a\" {}\n")
	f, err := Load(p, Options{Env: "b"})
	require.NoError(t, err)
	_, err = f.Env("b")
	require.ErrorIs(t, err, ErrUnknownEnv)
	require.EqualError(t, err, `unknown env "b" in `+p+` (it declares: a; 1 env block(s) without a label, which need name = atlas.env to be used)`)

	// A name that is not the selected one selects nothing, as in Atlas.
	p = write(t, "env {\n  name = \"${atlas.env}-x\"\n}\n")
	f, err = Load(p, Options{Env: "b"})
	require.NoError(t, err)
	_, err = f.Env("b")
	require.ErrorIs(t, err, ErrUnknownEnv)
}

func TestMissingFileAndUnknownEnv(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "atlas.hcl")
	f, err := Load(missing, Options{Optional: true})
	require.NoError(t, err)
	_, err = f.Env("local")
	require.ErrorIs(t, err, ErrUnknownEnv)
	require.Contains(t, err.Error(), "declares no env blocks")

	_, err = Load(missing, Options{Env: "local"})
	require.ErrorIs(t, err, ErrNotFound)
	require.EqualError(t, err, "config file not found: "+missing)

	f, err = Load(write(t, "env \"a\" {}\nenv \"b\" {}\n"), Options{Env: "c"})
	require.NoError(t, err)
	_, err = f.Env("c")
	require.ErrorIs(t, err, ErrUnknownEnv)
	require.Contains(t, err.Error(), `unknown env "c"`)
	require.Contains(t, err.Error(), "it declares: a, b")
}

func TestLintBlock(t *testing.T) {
	body := `
lint {
  latest = 2
  destructive { error = false }
  data_depend { error = true }
  naming {
    match = "^[a-z]+$"
  }
}
env "ci" {
  lint {
    git {
      base = "origin/main"
    }
    destructive { error = true }
  }
}
env "local" {}
`
	f, err := Load(write(t, body), Options{Env: "ci"})
	require.NoError(t, err)
	require.Equal(t, Lint{Latest: 2, Errors: map[string]bool{"destructive": false, "data_depend": true}, extra: true}, f.Lint)
	ci, err := f.Env("ci")
	require.NoError(t, err)
	// As Atlas's Lint.Extend: the env's analyzer blocks replace the
	// top-level ones, and a git base without a git dir still takes the
	// top-level latest.
	require.Equal(t, Lint{Latest: 2, GitBase: "origin/main", Errors: map[string]bool{"destructive": true}, extra: true}, ci.Lint)
	f, err = Load(write(t, body), Options{Env: "local"})
	require.NoError(t, err)
	local, err := f.Env("local")
	require.NoError(t, err)
	require.Equal(t, f.Lint, local.Lint)

	_, err = Load(write(t, "lint {\n  destructive { error = \"yes\" }\n}\n"), Options{})
	require.ErrorContains(t, err, "atlas.hcl:2,")
	require.ErrorContains(t, err, "lint destructive: error must be true or false")
}

// Atlas's schema { src } is the env's src when it has no src attribute.
func TestSchemaBlockSrc(t *testing.T) {
	body := `
env "block" {
  schema {
    src = ["ent://a", "ent://b"]
    repo {
      name = "app"
    }
  }
}
env "both" {
  src = "ent://attr"
  schema {
    src = "ent://block"
  }
}
`
	env, err := load(t, body, "block")
	require.NoError(t, err)
	require.Equal(t, []string{"ent://a", "ent://b"}, env.Src)
	require.Equal(t, "atlas.hcl:4,5-33", env.At["src"])
	env, err = load(t, body, "both")
	require.NoError(t, err)
	require.Equal(t, []string{"ent://attr"}, env.Src)
}
