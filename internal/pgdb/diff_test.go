package pgdb

import (
	"context"
	"testing"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"
)

// posts builds a table with a title column of typ and one named check.
func posts(typ, check string) *schema.Schema {
	t := schema.NewTable("posts").
		AddColumns(
			schema.NewColumn("title").SetType(&schema.StringType{T: typ}),
			schema.NewIntColumn("words", "integer"),
		)
	t.AddChecks(schema.NewCheck().SetName("posts_check").SetExpr(check))
	return schema.New("public").AddTables(t)
}

func kinds(changes []schema.Change) []string {
	var out []string
	for _, c := range changes {
		if m, ok := c.(*schema.ModifyTable); ok {
			for _, c := range m.Changes {
				switch c.(type) {
				case *schema.ModifyCheck:
					out = append(out, "check")
				case *schema.ModifyColumn:
					out = append(out, "column")
				default:
					out = append(out, "other")
				}
			}
		}
	}
	return out
}

func TestDiffComparesCheckExpressions(t *testing.T) {
	for _, tt := range []struct {
		name     string
		from, to *schema.Schema
		want     []string
	}{
		{"same", posts("text", "(title <> ''::text)"), posts("text", "(title <> ''::text)"), nil},
		{"expression changed", posts("text", "(title <> ''::text)"), posts("text", "(length(title) > 3)"), []string{"check"}},
		{"a column it names changes type", posts("character varying", "((title)::text <> ''::text)"), posts("text", "(title <> ''::text)"), []string{"column"}},
		{"another column changes type", posts("character varying", "(words > 0)"), posts("text", "(words > 1)"), []string{"column", "check"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			changes, err := DiffRealms(context.Background(), postgres.DefaultDiff, nil, schema.NewRealm(tt.from), schema.NewRealm(tt.to))
			require.NoError(t, err)
			require.ElementsMatch(t, tt.want, kinds(changes))
		})
	}
}
