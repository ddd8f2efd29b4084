package config

import (
	"testing"

	"ariga.io/atlas/schemahcl"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"
)

// Atlas's CLI tolerates the safe block, schemactl's extension: its project
// file's diff block (cmdapi/project.go: Diff embeds
// schemahcl.DefaultExtension) keeps the block it does not know, and hands
// the whole block to the PostgreSQL differ (DiffOptions.Extra), whose
// AnnotateChanges reads concurrent_index from it and ignores the rest.
// Evaluated here as Atlas evaluates it, with the pinned Atlas library.
func TestDiffSafeBlockAtlas(t *testing.T) {
	type diff struct {
		Skip *struct {
			DropTable bool `spec:"drop_table"`
		} `spec:"skip"`
		schemahcl.DefaultExtension
	}
	var project struct {
		Diff *diff `spec:"diff"`
	}
	require.NoError(t, schemahcl.New().EvalBytes([]byte(`
diff {
  skip { drop_table = true }
  concurrent_index { add = true }
  safe {
    not_valid    = false
    not_null     = false
    lock_timeout = "2s"
    enum_guard   = false
  }
}
`), &project, nil))
	require.NotNil(t, project.Diff)
	require.Len(t, project.Diff.Remain().Children, 2, "concurrent_index and safe, kept for the driver")

	cols := []*schema.Column{{Name: "a", Type: &schema.ColumnType{Type: &schema.IntegerType{T: "integer"}}}}
	from := schema.New("public").AddTables(schema.NewTable("t").AddColumns(cols...))
	to := schema.New("public").AddTables(schema.NewTable("t").AddColumns(cols...))
	tt, _ := to.Table("t")
	tt.AddIndexes(schema.NewIndex("t_a").AddColumns(tt.Columns[0]))
	changes, err := postgres.DefaultDiff.SchemaDiff(from, to, func(o *schema.DiffOptions) { o.Extra = project.Diff.DefaultExtension })
	require.NoError(t, err)
	require.Len(t, changes, 1)
	add := changes[0].(*schema.ModifyTable).Changes[0].(*schema.AddIndex)
	require.Equal(t, []schema.Clause{&postgres.Concurrently{}}, add.Extra, "concurrent_index is still read")
}
