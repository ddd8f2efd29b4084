package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// Atlas's other blocks are tolerated while the env does not use them.
func TestToleratedBlocks(t *testing.T) {
	env, err := load(t, `
atlas {
  cloud {
    token   = getenv("ATLAS_TOKEN")
    project = "billing"
  }
}
data "remote_dir" "migrations" {
  name = "billing"
}
data "sql" "tenants" {
  url   = var.url
  query = "SELECT 1"
}
data "template_dir" "t" {
  path = "tpl"
}
data "hcl_schema" "h" {
  path = "schema.hcl"
}
data "made_up" "x" {}
test "schema" "t" {
  src = ["tests.hcl"]
}
schema "public" {}
docker "mysql" "old" {
  image = "mysql:8"
}
env "local" {
  url = "postgres://h/db"
  format {
    migrate {
      diff = "{{ sql . \"  \" }}"
    }
  }
  schemas = ["public"]
  test {
    schema {
      src = ["x"]
    }
  }
}
`, "local")
	require.NoError(t, err)
	require.Equal(t, "postgres://h/db", env.URL)
}

// Used, a data source schemactl does not implement is one line naming the
// use, the block and what it is.
func TestUnsupportedWhenUsed(t *testing.T) {
	for name, tt := range map[string]struct{ body, want string }{
		"remote_dir": {
			"data \"remote_dir\" \"m\" {\n  name = \"app\"\n}\nenv \"x\" {\n  migration {\n    dir = data.remote_dir.m.url\n  }\n}\n",
			`atlas.hcl:6,11-32: data.remote_dir.m, declared at atlas.hcl:1,1-22: data source "remote_dir" (reads a migration directory from Atlas Cloud) is not supported by schemactl`,
		},
		"sql through a local": {
			"data \"sql\" \"t\" {\n  url = \"postgres://h/db\"\n}\nlocals {\n  t = data.sql.t.values\n}\nenv \"x\" {\n  url = local.t\n}\n",
			`atlas.hcl:5,7-24: data.sql.t, declared at atlas.hcl:1,1-15: data source "sql" (queries a database) is not supported by schemactl`,
		},
		"unknown": {
			"data \"made_up\" \"x\" {}\nenv \"x\" {\n  url = data.made_up.x.url\n}\n",
			`atlas.hcl:3,9-27: data.made_up.x, declared at atlas.hcl:1,1-19: data source "made_up" is not supported by schemactl`,
		},
		"docker mysql": {
			"docker \"mysql\" \"dev\" {\n  image = \"mysql:8\"\n}\nenv \"x\" {\n  dev = docker.mysql.dev.url\n}\n",
			`atlas.hcl:1,1-21: docker "mysql" "dev": only docker "postgres" blocks are supported: not supported by schemactl`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			err := loadErr(t, tt.body)
			require.EqualError(t, err, tt.want)
			require.True(t, errors.Is(err, ErrUnsupported))
		})
	}
}

func TestExternalAndCompositeSchemas(t *testing.T) {
	env, err := load(t, `
variable "dialect" {
  type    = string
  default = "postgres"
}
data "external_schema" "sql" {
  program     = ["cat", "schema/${var.dialect}.sql"]
  working_dir = "db"
}
data "external_schema" "unused" {
  program = []
}
data "composite_schema" "app" {
  schema "public" {
    url = "ent://ent/schema"
  }
  schema "public" {
    url = data.external_schema.sql.url
  }
}
env "local" {
  src = data.composite_schema.app.url
}
`, "local")
	require.NoError(t, err)
	require.Equal(t, []string{"composite_schema://app"}, env.Src)
	require.Equal(t, map[string]ExternalSchema{
		"sql": {Name: "sql", Program: []string{"cat", "schema/postgres.sql"}, WorkingDir: "db", At: "atlas.hcl:6,1-29"},
	}, env.ExternalSchemas)
	require.Equal(t, map[string]CompositeSchema{
		"app": {Name: "app", At: "atlas.hcl:13,1-30", Schemas: []CompositePart{
			{Schema: "public", URL: "ent://ent/schema", At: "atlas.hcl:15,5-29"},
			{Schema: "public", URL: "external_schema://sql", At: "atlas.hcl:18,5-39"},
		}},
	}, env.CompositeSchemas)

	for name, tt := range map[string]struct{ body, want string }{
		"no program":    {"data \"external_schema\" \"e\" {}\nenv \"x\" {\n  src = data.external_schema.e.url\n}\n", `atlas.hcl:1,1-27: data "external_schema" "e" has no program`},
		"empty program": {"data \"external_schema\" \"e\" {\n  program = []\n}\nenv \"x\" {\n  src = data.external_schema.e.url\n}\n", `atlas.hcl:2,3-15: data "external_schema" "e": program is an empty list`},
		"no schemas":    {"data \"composite_schema\" \"c\" {}\nenv \"x\" {\n  src = data.composite_schema.c.url\n}\n", `atlas.hcl:1,1-28: data "composite_schema" "c" has no schema blocks`},
		"no url":        {"data \"composite_schema\" \"c\" {\n  schema \"s\" {}\n}\nenv \"x\" {\n  src = data.composite_schema.c.url\n}\n", `atlas.hcl:2,3-13: data "composite_schema" "c": schema "s" has no url`},
		"unlabelled":    {"data \"composite_schema\" \"c\" {\n  schema {\n    url = \"ent://x\"\n  }\n}\nenv \"x\" {\n  src = data.composite_schema.c.url\n}\n", `atlas.hcl:2,3-9: data "composite_schema" "c": a schema block has one label, the schema's name`},
		"bad part":      {"data \"composite_schema\" \"c\" {\n  schema \"s\" {\n    url = data.remote_dir.r.url\n  }\n}\ndata \"remote_dir\" \"r\" {}\nenv \"x\" {\n  src = data.composite_schema.c.url\n}\n", `atlas.hcl:3,11-32: data.remote_dir.r, declared at atlas.hcl:6,1-22: data source "remote_dir" (reads a migration directory from Atlas Cloud) is not supported by schemactl`},
	} {
		t.Run(name, func(t *testing.T) {
			err := loadErr(t, tt.body)
			require.EqualError(t, err, tt.want)
		})
	}
}
