package report

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Objects are named as before in public (or an unknown schema), and with
// their schema anywhere else.
func TestObjectRefNamesTheSchema(t *testing.T) {
	for _, tt := range []struct {
		ref  ObjectRef
		want string
	}{
		{ObjectRef{Kind: KindTable, Schema: "public", Table: "orders"}, `table "orders"`},
		{ObjectRef{Kind: KindTable, Table: "orders"}, `table "orders"`},
		{ObjectRef{Kind: KindTable, Schema: "history", Table: "orders"}, `table "history"."orders"`},
		{ObjectRef{Kind: KindColumn, Schema: "history", Table: "orders", Name: "total"}, `column "history"."orders"."total"`},
		{ObjectRef{Kind: KindIndex, Schema: "history", Table: "orders", Name: "i"}, `index "i" on "history"."orders"`},
		{ObjectRef{Kind: KindForeignKey, Schema: "history", Table: "orders", Name: "fk"}, `foreign key "fk" on "history"."orders"`},
		{ObjectRef{Kind: KindCheck, Schema: "history", Table: "orders", Name: "c"}, `check "c" on "history"."orders"`},
		{ObjectRef{Kind: KindPrimaryKey, Schema: "history", Table: "orders"}, `primary key of "history"."orders"`},
		{ObjectRef{Kind: KindEnumType, Schema: "history", Name: "kind"}, `enum type "history"."kind"`},
		{ObjectRef{Kind: KindEnumType, Schema: "public", Name: "kind"}, `enum type "kind"`},
		{ObjectRef{Kind: KindView, Schema: "public", Name: "open_orders"}, `view "open_orders"`},
		{ObjectRef{Kind: KindView, Schema: "history", Name: "totals"}, `view "history"."totals"`},
	} {
		require.Equal(t, tt.want, tt.ref.String())
	}
}

// The summary names views only when there are some: reports of projects
// without views read as before.
func TestSummaryLineViews(t *testing.T) {
	r := New()
	r.Summary = Summary{Models: 2, Tables: 2, EnumTypes: 1, Files: 1}
	require.Equal(t, "2 models, 2 tables, 1 enum type, 1 migration file: 0 findings", summaryLine(r))
	r.Summary.Views = 1
	require.Equal(t, "2 models, 2 tables, 1 view, 1 enum type, 1 migration file: 0 findings", summaryLine(r))
}
