package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func ptr[T any](v T) *T { return &v }

// An env's diff block is laid over the top-level one as Atlas's
// Diff.Extend does: no block takes the top-level one whole; a block
// without skip takes only the top-level skip. Its concurrent_index and
// safe settings are laid one by one over the top-level ones.
func TestLoadDiff(t *testing.T) {
	p := write(t, `
diff {
  skip {
    drop_schema = true
    drop_table  = true
    drop_column = false
  }
  concurrent_index { create = true }
}
env "none" {}
env "own" {
  diff {
    concurrent_index {
      add  = true
      drop = true
    }
  }
}
env "skip" {
  diff {
    skip { drop_index = true }
  }
}
`)
	for _, tt := range []struct {
		env  string
		want Diff
	}{
		{"none", Diff{Skip: map[string]bool{"drop_schema": true, "drop_table": true}, ConcurrentAdd: ptr(true), At: p + ":2,1-5"}},
		{"own", Diff{Skip: map[string]bool{"drop_schema": true, "drop_table": true}, ConcurrentAdd: ptr(true), ConcurrentDrop: ptr(true), At: p + ":12,3-7"}},
		{"skip", Diff{Skip: map[string]bool{"drop_index": true}, ConcurrentAdd: ptr(true), At: p + ":20,3-7"}},
	} {
		f, err := Load(p, Options{Env: tt.env})
		require.NoError(t, err)
		e, err := f.Env(tt.env)
		require.NoError(t, err)
		require.Equal(t, tt.want, e.Diff, tt.env)
	}
	f, err := Load(p, Options{})
	require.NoError(t, err)
	require.Equal(t, map[string]bool{"drop_schema": true, "drop_table": true}, f.Diff.Skip, "the top-level block applies without --env")
	require.Equal(t, []EnvDiff{{"own", p + ":12,3-7"}, {"skip", p + ":20,3-7"}}, f.EnvDiffs, "the env blocks' diff blocks, which do not")
}

// Every safe setting is on unless a block turns it off; an env's block
// turns off what it names and keeps the top-level block's other settings,
// even where Atlas's Diff.Extend would drop them (its concurrent_index
// default is off, schemactl's on).
func TestDiffSafe(t *testing.T) {
	all := SafeDDL{ConcurrentAdd: true, ConcurrentDrop: true, NotValid: true, NotNull: true, EnumGuard: true, LockTimeout: "5s"}
	require.Equal(t, all, Diff{}.Safe(), "no block: everything on")
	f, err := Load(write(t, ""), Options{})
	require.NoError(t, err)
	require.Equal(t, all, f.Diff.Safe(), "an empty file")
	f, err = Load(write(t, "diff {}\n"), Options{})
	require.NoError(t, err)
	require.Equal(t, all, f.Diff.Safe(), "an empty block")

	p := write(t, `
diff {
  concurrent_index { add = false }
  safe {
    not_valid    = false
    lock_timeout = "2s"
  }
}
env "top" {}
env "skip" {
  diff {
    skip { drop_table = true }
  }
}
env "off" {
  diff {
    concurrent_index { drop = false }
    safe {
      not_null     = false
      enum_guard   = false
      lock_timeout = "0"
    }
  }
}
env "on" {
  diff {
    concurrent_index { create = true }
    safe {
      not_valid    = true
      lock_timeout = 1500
    }
  }
}
`)
	for env, want := range map[string]SafeDDL{
		"top":  {ConcurrentDrop: true, NotNull: true, EnumGuard: true, LockTimeout: "2s"},
		"skip": {ConcurrentDrop: true, NotNull: true, EnumGuard: true, LockTimeout: "2s"},
		"off":  {},
		"on":   {ConcurrentAdd: true, ConcurrentDrop: true, NotValid: true, NotNull: true, EnumGuard: true, LockTimeout: "1500"},
	} {
		f, err := Load(p, Options{Env: env})
		require.NoError(t, err)
		e, err := f.Env(env)
		require.NoError(t, err)
		require.Equal(t, want, e.Diff.Safe(), env)
	}
	f, err = Load(p, Options{})
	require.NoError(t, err)
	require.Equal(t, SafeDDL{ConcurrentDrop: true, NotNull: true, EnumGuard: true, LockTimeout: "2s"}, f.Diff.Safe(), "without --env")

	for v, want := range map[string]string{`"0"`: "", `"0ms"`: "", `0`: "", `"250ms"`: "250ms", `"1 min"`: "1 min", `"1h"`: "1h"} {
		f, err := Load(write(t, "diff {\n  safe { lock_timeout = "+v+" }\n}\n"), Options{})
		require.NoError(t, err, v)
		require.Equal(t, want, f.Diff.Safe().LockTimeout, v)
	}
}

// A skip kind Atlas does not have is refused, naming the line: ignored, it
// would plan the very change it was meant to skip. So is a bad safe
// setting.
func TestLoadDiffErrors(t *testing.T) {
	for body, want := range map[string]string{
		"diff {\n  skip { drop_colum = true }\n}\n":                                  `atlas.hcl:2,10-20: diff skip: unknown setting "drop_colum" (want one of add_schema, drop_schema, modify_schema, add_table, drop_table, modify_table, rename_table, add_column, drop_column, modify_column, add_index, drop_index, modify_index, add_foreign_key, drop_foreign_key, modify_foreign_key, rename_constraint)`,
		"diff {\n  concurrent_index { add = \"yes\" }\n}\n":                          `atlas.hcl:2,22-33: diff concurrent_index: add must be true or false`,
		"env \"x\" {\n  diff {\n    concurrent_index { dorp = true }\n  }\n}\n":      `atlas.hcl:3,24-28: diff concurrent_index: unknown setting "dorp" (want one of add, create, drop)`,
		"diff {\n  safe { not_vaild = false }\n}\n":                                  `atlas.hcl:2,10-19: diff safe: unknown setting "not_vaild" (want one of not_valid, not_null, lock_timeout, enum_guard)`,
		"diff {\n  safe { not_null = \"no\" }\n}\n":                                  `atlas.hcl:2,10-25: diff safe: not_null must be true or false`,
		"env \"x\" {\n  diff {\n    safe { lock_timeout = \"5 seconds\" }\n  }\n}\n": `atlas.hcl:3,12-38: diff safe: lock_timeout must be a PostgreSQL duration such as "5s" or "500ms", or "0" to write none`,
		"diff {\n  safe { lock_timeout = \"1m\" }\n}\n":                              `atlas.hcl:2,10-29: diff safe: lock_timeout must be a PostgreSQL duration`,
		"diff {\n  safe { lock_timeout = -1 }\n}\n":                                  `atlas.hcl:2,10-27: diff safe: lock_timeout must be a PostgreSQL duration`,
		"diff {\n  safe { lock_timeout = true }\n}\n":                                `atlas.hcl:2,10-29: diff safe: lock_timeout must be a PostgreSQL duration`,
	} {
		_, err := Load(write(t, body), Options{Env: "x"})
		require.Error(t, err)
		require.Contains(t, err.Error(), want)
	}
}
