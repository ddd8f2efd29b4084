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
	f, err := Load(p, Options{Env: "local"})
	require.NoError(t, err)
	e, err := f.Env("local")
	require.NoError(t, err)
	require.Equal(t, &Env{Name: "local", Src: []string{"ent://ent/schema"}, Dev: "postgres://u:p@h/dev", URL: "postgres://u@h/prod", Dir: "file://migrations",
		Lint:    Lint{Errors: map[string]bool{"destructive": true}},
		Exclude: []string{"atlas_schema_revisions"},
		At:      map[string]string{"src": p + ":7,3-27", "dev": p + ":8,3-26", "url": p + ":9,3-30", "dir": p + ":11,5-21", "exclude": p + ":14,3-39"}}, e)
	f, err = Load(p, Options{Env: "list"})
	require.NoError(t, err)
	e, err = f.Env("list")
	require.NoError(t, err)
	require.Equal(t, []string{"ent://a", "ent://b"}, e.Src, "a src list is composed, as in Atlas")

	f, err = Load(p, Options{Env: "local", Vars: map[string]string{"dir": "file://other"}})
	require.NoError(t, err)
	e, _ = f.Env("local")
	require.Equal(t, "file://other", e.Dir)
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
		require.Equal(t, tt.dir, e.Dir, tt.env)
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

func TestLoadErrors(t *testing.T) {
	for name, tt := range map[string]struct{ body, want string }{
		"syntax":            {"env \"x\" {\n  src = \n}\n", "atlas.hcl:2,9-3,1: Invalid expression"},
		"unclosed":          {"env \"x\" {\n", "atlas.hcl:1,"},
		"undefined":         {"env \"x\" {\n  src = var.nope\n}\n", "atlas.hcl:2,"},
		"not string":        {"env \"x\" {\n  dev = 3 > 4\n}\n", "dev must be a string"},
		"duplicate":         {"env \"x\" {}\nenv \"x\" {}\n", `env "x" is declared twice`},
		"dynamic duplicate": {"env {\n  name = atlas.env\n}\nenv {\n  name = atlas.env\n}\n", `atlas.hcl:4,1-4: env "x" is declared twice (also at`},
		"no default":        {"variable \"v\" {\n  type = string\n}\n", `variable "v" has no default`},
		"two labels":        {"env \"x\" \"y\" {\n}\n", "atlas.hcl:1,"},
		"exclude string":    {"env \"x\" {\n  exclude = \"users.fax\"\n}\n", "atlas.hcl:2,3-24: exclude must be a list of strings"},
		"exclude numbers":   {"env \"x\" {\n  exclude = [\"a\", 3]\n}\n", "atlas.hcl:2,3-21: exclude must be a list of strings"},
		"src not strings":   {"env \"x\" {\n  src = [\"ent://a\", 3 > 4]\n}\n", "atlas.hcl:2,3-27: src must be a string or a list of strings"},
		"src empty":         {"env \"x\" {\n  src = []\n}\n", "atlas.hcl:2,3-11: src is an empty list"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(write(t, tt.body), Options{Env: "x"})
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
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
	require.Equal(t, Lint{Latest: 2, Errors: map[string]bool{"destructive": false, "data_depend": true}}, f.Lint)
	ci, err := f.Env("ci")
	require.NoError(t, err)
	require.Equal(t, Lint{Latest: 2, GitBase: "origin/main", Errors: map[string]bool{"destructive": true, "data_depend": true}}, ci.Lint)
	f, err = Load(write(t, body), Options{Env: "local"})
	require.NoError(t, err)
	local, err := f.Env("local")
	require.NoError(t, err)
	require.Equal(t, f.Lint, local.Lint)

	_, err = Load(write(t, "lint {\n  destructive { error = \"yes\" }\n}\n"), Options{})
	require.ErrorContains(t, err, "atlas.hcl:2,")
	require.ErrorContains(t, err, "lint destructive: error must be true or false")
}
