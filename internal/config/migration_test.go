package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMigrationBlock(t *testing.T) {
	env, err := load(t, `
env "x" {
  migration {
    dir              = "file://db/migrations"
    format           = golang-migrate
    exclude          = ["locks[type=table]"]
    baseline         = "20240101000000"
    revisions_schema = "ops"
    lock_timeout     = "30s"
    exec_order       = LINEAR
    repo {
      name = "app"
    }
  }
  exclude = ["legacy"]
}
`, "x")
	require.NoError(t, err)
	require.Equal(t, Migration{Dir: "file://db/migrations", Format: "golang-migrate", Exclude: []string{"locks[type=table]"},
		Baseline: "20240101000000", RevisionsSchema: "ops", LockTimeout: 30 * time.Second}, env.Migration)
	require.Equal(t, []string{"legacy"}, env.Exclude)
	require.Equal(t, "atlas.hcl:5,5-38", env.At["migration.format"])
	require.Equal(t, "atlas.hcl:9,5-29", env.At["migration.lock_timeout"])

	for name, tt := range map[string]struct{ body, want string }{
		"format":         {"env \"x\" {\n  migration {\n    format = \"liquid\"\n  }\n}\n", `atlas.hcl:3,5-22: env "x" migration format "liquid": want one of atlas, golang-migrate, goose, flyway, liquibase, dbmate`},
		"format ident":   {"env \"x\" {\n  migration {\n    format = liquid\n  }\n}\n", `atlas.hcl:3,14-20: Unknown variable: There is no variable named "liquid".`},
		"lock timeout":   {"env \"x\" {\n  migration {\n    lock_timeout = \"soon\"\n  }\n}\n", `atlas.hcl:3,5-26: env "x" migration lock_timeout "soon": want a duration such as 10s or 1m`},
		"exclude string": {"env \"x\" {\n  migration {\n    exclude = \"a\"\n  }\n}\n", `atlas.hcl:3,5-18: exclude must be a list of strings`},
		"dir list":       {"env \"x\" {\n  migration {\n    dir = [\"a\"]\n  }\n}\n", `atlas.hcl:3,5-16: dir must be a string`},
	} {
		t.Run(name, func(t *testing.T) {
			err := loadErr(t, tt.body)
			require.EqualError(t, err, tt.want)
		})
	}
}

// The lint block: git { base dir }, and Atlas's Lint.Extend.
func TestLintExtend(t *testing.T) {
	body := `
lint {
  git {
    base = "main"
    dir  = "."
  }
  destructive {
    error = true
  }
}
env "none" {}
env "latest" {
  lint {
    latest = 3
  }
}
env "git" {
  lint {
    git {
      base = "origin/dev"
    }
    incompatible {
      error = true
    }
  }
}
`
	env, err := load(t, body, "none")
	require.NoError(t, err)
	require.Equal(t, Lint{GitBase: "main", GitDir: ".", Errors: map[string]bool{"destructive": true}, extra: true}, env.Lint)
	env, err = load(t, body, "latest")
	require.NoError(t, err)
	require.Equal(t, Lint{Latest: 3, Errors: map[string]bool{"destructive": true}, extra: true}, env.Lint)
	env, err = load(t, body, "git")
	require.NoError(t, err)
	require.Equal(t, Lint{GitBase: "main", GitDir: ".", Errors: map[string]bool{"incompatible": true}, extra: true}, env.Lint,
		"the top-level git wins over a git block without dir, as in Atlas")
}
