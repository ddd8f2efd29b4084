package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// An env's diff block is laid over the top-level one as Atlas's
// Diff.Extend does: no block takes the top-level one whole; a block
// without skip takes only the top-level skip.
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
		{"none", Diff{Skip: map[string]bool{"drop_schema": true, "drop_table": true}, ConcurrentAdd: true, At: p + ":2,1-5"}},
		{"own", Diff{Skip: map[string]bool{"drop_schema": true, "drop_table": true}, ConcurrentAdd: true, ConcurrentDrop: true, At: p + ":12,3-7"}},
		{"skip", Diff{Skip: map[string]bool{"drop_index": true}, At: p + ":20,3-7"}},
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
}

// A skip kind Atlas does not have is refused, naming the line: ignored, it
// would plan the very change it was meant to skip.
func TestLoadDiffErrors(t *testing.T) {
	for body, want := range map[string]string{
		"diff {\n  skip { drop_colum = true }\n}\n":                             `atlas.hcl:2,10-20: diff skip: unknown setting "drop_colum" (want one of add_schema, drop_schema, modify_schema, add_table, drop_table, modify_table, rename_table, add_column, drop_column, modify_column, add_index, drop_index, modify_index, add_foreign_key, drop_foreign_key, modify_foreign_key, rename_constraint)`,
		"diff {\n  concurrent_index { add = \"yes\" }\n}\n":                     `atlas.hcl:2,22-33: diff concurrent_index: add must be true or false`,
		"env \"x\" {\n  diff {\n    concurrent_index { dorp = true }\n  }\n}\n": `atlas.hcl:3,24-28: diff concurrent_index: unknown setting "dorp" (want one of add, create, drop)`,
	} {
		_, err := Load(write(t, body), Options{Env: "x"})
		require.Error(t, err)
		require.Contains(t, err.Error(), want)
	}
}
