package config

import (
	"testing"

	"ariga.io/atlas/schemahcl"
	"github.com/stretchr/testify/require"
)

const defaultEnvFile = `
env "local" {
  src = "ent://${atlas.env}/schema"
  migration { dir = "file://db/migrations" }
}
env "ci" {
  src = "ent://ci/schema"
}
schemactl {
  default_env = "local"
}
`

// The schemactl block selects its env when no --env is given, as --env
// would: atlas.env is its name. --env still wins.
func TestDefaultEnv(t *testing.T) {
	project(t, "atlas.hcl", defaultEnvFile)
	f, err := Load("atlas.hcl", Options{Optional: true})
	require.NoError(t, err)
	require.Equal(t, "local", f.DefaultEnv)
	require.Equal(t, "atlas.hcl:10,3-24", f.DefaultEnvAt)
	e, err := f.Env(f.DefaultEnv)
	require.NoError(t, err)
	require.Equal(t, []string{"ent://local/schema"}, e.Src)
	require.Equal(t, "file://db/migrations", e.Migration.Dir)

	f, err = Load("atlas.hcl", Options{Env: "ci"})
	require.NoError(t, err)
	require.Empty(t, f.DefaultEnv, "--env given: the block is not read")
	e, err = f.Env("ci")
	require.NoError(t, err)
	require.Equal(t, []string{"ent://ci/schema"}, e.Src)
}

// Without the block nothing is selected, as in Atlas.
func TestNoDefaultEnv(t *testing.T) {
	project(t, "atlas.hcl", `env "local" { src = "ent://x" }`)
	f, err := Load("atlas.hcl", Options{Optional: true})
	require.NoError(t, err)
	require.Empty(t, f.DefaultEnv)
}

func TestDefaultEnvErrors(t *testing.T) {
	for _, tc := range []struct{ body, err string }{
		{`schemactl { default_env = local }`, `atlas.hcl:1,13-32: schemactl default_env: want the name of an env block, as a quoted string`},
		{`schemactl { default_env = "${atlas.env}" }`, `atlas.hcl:1,13-41: schemactl default_env: want the name of an env block, as a quoted string`},
		{`schemactl { default_env = "" }`, `atlas.hcl:1,13-29: schemactl default_env: want the name of an env block, as a quoted string`},
		{"schemactl {}\nschemactl {}", `atlas.hcl:2,1-10: the schemactl block is declared twice (also at atlas.hcl:1,1-10)`},
		{`schemactl "x" {}`, `atlas.hcl:1,1-14: the schemactl block takes no label`},
	} {
		project(t, "atlas.hcl", tc.body)
		_, err := Load("atlas.hcl", Options{Optional: true})
		require.EqualError(t, err, tc.err, tc.body)
	}
	// An env the file does not declare is the usual unknown env.
	project(t, "atlas.hcl", `schemactl { default_env = "dev" }`)
	f, err := Load("atlas.hcl", Options{Optional: true})
	require.NoError(t, err)
	_, err = f.Env(f.DefaultEnv)
	require.ErrorIs(t, err, ErrUnknownEnv)
}

// The Atlas CLI reads the same file: its project struct (cmdapi.Project)
// has no field for the block, and schemahcl leaves such blocks out.
func TestDefaultEnvAtlas(t *testing.T) {
	type env struct {
		Name string `spec:"name,name"`
		schemahcl.DefaultExtension
	}
	var project struct {
		Envs []*env `spec:"env"`
	}
	require.NoError(t, schemahcl.New(schemahcl.WithVariables(nil)).EvalBytes([]byte(`
env "local" {
  src = "ent://ent/schema"
}
schemactl {
  default_env = "local"
}
`), &project, nil))
	require.Len(t, project.Envs, 1)
	require.Equal(t, "local", project.Envs[0].Name)
}
