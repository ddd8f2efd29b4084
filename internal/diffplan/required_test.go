package diffplan

import (
	"testing"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"
)

func TestCheckRequired(t *testing.T) {
	col := func(name string, null bool, attrs ...schema.Attr) *schema.Column {
		return &schema.Column{Name: name, Type: &schema.ColumnType{Type: &schema.StringType{T: "text"}, Null: null}, Attrs: attrs}
	}
	withDefault := col("plan", false)
	withDefault.Default = &schema.Literal{V: "'free'"}
	added := func(cols ...*schema.Column) schema.Change {
		mt := &schema.ModifyTable{T: schema.NewTable("users")}
		for _, c := range cols {
			mt.Changes = append(mt.Changes, &schema.AddColumn{C: c})
		}
		return mt
	}
	for name, tt := range map[string]struct {
		change schema.Change
		want   string // "" means plannable
	}{
		"optional":     {added(col("nickname", true)), ""},
		"with default": {added(withDefault), ""},
		"identity":     {added(col("seq", false, &postgres.Identity{Generation: "BY DEFAULT"})), ""},
		"generated":    {added(col("lower_email", false, &schema.GeneratedExpr{Expr: "lower(email)", Type: "STORED"})), ""},
		"new table":    {&schema.AddTable{T: schema.NewTable("tags").AddColumns(col("label", false))}, ""},
		"required":     {added(col("country", false)), `column "users"."country" is required and added to an existing table without a default`},
		"two":          {added(col("country", false), col("region", false)), `columns "users"."country", "users"."region" are required`},
		"qualified": {&schema.ModifyTable{T: schema.NewTable("payments").SetSchema(schema.New("billing")),
			Changes: []schema.Change{&schema.AddColumn{C: col("amount_cents", false)}}}, `column "billing"."payments"."amount_cents" is required`},
	} {
		t.Run(name, func(t *testing.T) {
			err := checkRequired([]schema.Change{tt.change})
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrUnplannable)
			require.Contains(t, err.Error(), tt.want)
			require.Contains(t, err.Error(), "give the field a Default")
		})
	}
}
