package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The pattern of a project whose migrations use citext: the dev database
// is a docker block whose baseline creates the extension.
func TestDockerBlock(t *testing.T) {
	project(t, "atlas.hcl", `
docker "postgres" "dev" {
  image    = "postgres:15.4-alpine"
  schema   = "public"
  baseline = file("baseline/extensions.sql")
}
docker "postgres" "plain" {
  image = "postgres"
}
locals {
  dev = docker.postgres.dev.url
}
env "local" {
  dev = local.dev
}
env "plain" {
  dev = docker.postgres.plain.url
}
env "suffixed" {
  dev = "${docker.postgres.dev.url}&sslmode=disable"
}
`, "baseline/extensions.sql", "CREATE EXTENSION IF NOT EXISTS citext;\n")
	env, err := loadOpts(t, Options{Env: "local"})
	require.NoError(t, err)
	require.Equal(t, "docker://postgres/15/dev?search_path=public", env.Dev)
	require.Equal(t, "CREATE EXTENSION IF NOT EXISTS citext;\n", env.DevBaseline)
	require.Equal(t, "atlas.hcl:5,3-45", env.At["dev.baseline"])
	require.Equal(t, "atlas.hcl:14,3-18", env.At["dev"])

	env, err = loadOpts(t, Options{Env: "plain"})
	require.NoError(t, err)
	require.Equal(t, "docker://postgres/latest/dev", env.Dev)
	require.Empty(t, env.DevBaseline)

	env, err = loadOpts(t, Options{Env: "suffixed"})
	require.NoError(t, err)
	require.Equal(t, "docker://postgres/15/dev?search_path=public&sslmode=disable", env.Dev)
	require.Equal(t, "CREATE EXTENSION IF NOT EXISTS citext;\n", env.DevBaseline)
}

func TestDockerErrors(t *testing.T) {
	for name, tt := range map[string]struct{ body, want string }{
		"no image":      {"docker \"postgres\" \"d\" {\n  schema = \"public\"\n}\nenv \"x\" {\n  dev = docker.postgres.d.url\n}\n", `atlas.hcl:1,1-22: docker "postgres" "d" has no image (e.g. image = "postgres:16")`},
		"bad tag":       {"docker \"postgres\" \"d\" {\n  image = \"postgres:nightly\"\n}\nenv \"x\" {\n  dev = docker.postgres.d.url\n}\n", `atlas.hcl:1,1-22: docker "postgres" "d": image "postgres:nightly": its tag names no PostgreSQL version (want e.g. postgres:16 or postgres:15.4-alpine)`},
		"baseline file": {"docker \"postgres\" \"d\" {\n  image = \"postgres:16\"\n  baseline = file(\"nope.sql\")\n}\nenv \"x\" {\n  dev = docker.postgres.d.url\n}\n", `atlas.hcl:3,14-19: Error in function call: Call to function "file" failed: open `},
		"not a string":  {"docker \"postgres\" \"d\" {\n  image = 16\n}\nenv \"x\" {\n  dev = docker.postgres.d.url\n}\n", `atlas.hcl:2,3-13: docker "postgres" "d": image must be a string`},
		"two baselines": {"docker \"postgres\" \"a\" {\n  image = \"postgres:16\"\n  baseline = \"A\"\n}\ndocker \"postgres\" \"b\" {\n  image = \"postgres:16\"\n  baseline = \"B\"\n}\nenv \"x\" {\n  dev = \"${docker.postgres.a.url}${docker.postgres.b.url}\"\n}\n", `atlas.hcl:10,3-59: dev uses docker blocks "a" and "b", which have different baselines`},
		"no attribute":  {"docker \"postgres\" \"d\" {\n  image = \"postgres:16\"\n}\nenv \"x\" {\n  dev = docker.postgres.d.uri\n}\n", `atlas.hcl:5,26-30: Unsupported attribute: This object does not have an attribute named "uri".`},
		"no block":      {"docker \"postgres\" \"d\" {\n  image = \"postgres:16\"\n}\nenv \"x\" {\n  dev = docker.postgres.e.url\n}\n", `atlas.hcl:5,24-26: Unsupported attribute: This object does not have an attribute named "e".`},
	} {
		t.Run(name, func(t *testing.T) {
			err := loadErr(t, tt.body)
			if name == "baseline file" {
				require.ErrorContains(t, err, tt.want)
				return
			}
			require.EqualError(t, err, tt.want)
		})
	}
}

func TestImageMajor(t *testing.T) {
	for image, want := range map[string]string{
		"postgres:15.4-alpine":          "15",
		"postgres:16":                   "16",
		"postgres":                      "latest",
		"postgres:latest":               "latest",
		"postgres:alpine":               "latest",
		"postgis/postgis:15-3.4-alpine": "15",
		"pgvector/pgvector:pg16":        "16",
		"localhost:5000/pg:17.2":        "17",
		"localhost:5000/pg":             "latest",
		"postgres:14@sha256:abc":        "14",
	} {
		got, err := imageMajor(image)
		require.NoError(t, err, image)
		require.Equal(t, want, got, image)
	}
}
