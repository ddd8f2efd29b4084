package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

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
	f, err := Load(p, nil)
	require.NoError(t, err)
	e, err := f.Env("local")
	require.NoError(t, err)
	require.Equal(t, &Env{Name: "local", Src: "ent://ent/schema", Dev: "postgres://u:p@h/dev", URL: "postgres://u@h/prod", Dir: "file://migrations",
		Lint: Lint{Errors: map[string]bool{"destructive": true}}}, e)
	e, err = f.Env("list")
	require.NoError(t, err)
	require.Equal(t, "ent://a", e.Src)

	f, err = Load(p, map[string]string{"dir": "file://other"})
	require.NoError(t, err)
	e, _ = f.Env("local")
	require.Equal(t, "file://other", e.Dir)
}

func TestLoadErrors(t *testing.T) {
	for name, tt := range map[string]struct{ body, want string }{
		"syntax":     {"env \"x\" {\n  src = \n}\n", "atlas.hcl:2,9-3,1: Invalid expression"},
		"unclosed":   {"env \"x\" {\n", "atlas.hcl:1,"},
		"undefined":  {"env \"x\" {\n  src = var.nope\n}\n", "atlas.hcl:2,"},
		"not string": {"env \"x\" {\n  dev = 3 > 4\n}\n", "dev must be a string"},
		"duplicate":  {"env \"x\" {}\nenv \"x\" {}\n", `env "x" is declared twice`},
		"no default": {"variable \"v\" {\n  type = string\n}\n", `variable "v" has no default`},
		"no label":   {"env {\n}\n", "atlas.hcl:1,"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(write(t, tt.body), nil)
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestMissingFileAndUnknownEnv(t *testing.T) {
	f, err := Load(filepath.Join(t.TempDir(), "atlas.hcl"), nil)
	require.NoError(t, err)
	_, err = f.Env("local")
	require.ErrorIs(t, err, ErrUnknownEnv)
	require.Contains(t, err.Error(), "declares no env blocks")

	f, err = Load(write(t, "env \"a\" {}\nenv \"b\" {}\n"), nil)
	require.NoError(t, err)
	_, err = f.Env("c")
	require.ErrorIs(t, err, ErrUnknownEnv)
	require.Contains(t, err.Error(), `unknown env "c"`)
	require.Contains(t, err.Error(), "it declares: a, b")
}

func TestLintBlock(t *testing.T) {
	f, err := Load(write(t, `
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
`), nil)
	require.NoError(t, err)
	require.Equal(t, Lint{Latest: 2, Errors: map[string]bool{"destructive": false, "data_depend": true}}, f.Lint)
	ci, err := f.Env("ci")
	require.NoError(t, err)
	require.Equal(t, Lint{Latest: 2, GitBase: "origin/main", Errors: map[string]bool{"destructive": true, "data_depend": true}}, ci.Lint)
	local, err := f.Env("local")
	require.NoError(t, err)
	require.Equal(t, f.Lint, local.Lint)

	_, err = Load(write(t, "lint {\n  destructive { error = \"yes\" }\n}\n"), nil)
	require.ErrorContains(t, err, "atlas.hcl:2,")
	require.ErrorContains(t, err, "lint destructive: error must be true or false")
}
