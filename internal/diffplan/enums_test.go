package diffplan

import (
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"
)

func TestNeedsSwap(t *testing.T) {
	for name, tt := range map[string]struct {
		from, to []string
		swap     bool
	}{
		"same":             {[]string{"a", "b"}, []string{"a", "b"}, false},
		"appended":         {[]string{"a", "b"}, []string{"a", "b", "c"}, false},
		"inserted":         {[]string{"a", "b"}, []string{"x", "a", "y", "b"}, false},
		"removed":          {[]string{"a", "b", "c"}, []string{"a", "c"}, true},
		"renamed":          {[]string{"a", "b"}, []string{"a", "bee"}, true},
		"reordered":        {[]string{"a", "b"}, []string{"b", "a"}, true},
		"reordered+insert": {[]string{"a", "b"}, []string{"b", "x", "a"}, true},
		"removed+added":    {[]string{"a", "b"}, []string{"a", "c"}, true},
	} {
		t.Run(name, func(t *testing.T) {
			require.Equal(t, tt.swap, needsSwap(tt.from, tt.to))
		})
	}
}

func TestAddedValues(t *testing.T) {
	from := &schema.EnumType{T: "status", Values: []string{"a", "b"}}
	to := &schema.EnumType{T: "status", Values: []string{"x", "a", "b", "y"}}
	changes := []schema.Change{
		&schema.ModifyObject{From: from, To: to},
		&schema.AddObject{O: &schema.EnumType{T: "other", Values: []string{"z"}}},
	}
	require.Equal(t, []string{"x", "y"}, addedValues(changes), "values of new types are not 'added'")
}

func TestConvertToEnums(t *testing.T) {
	users := schema.NewTable("users")
	enum := &schema.EnumType{T: "userstatus", Values: []string{"a", "b"}}
	from := schema.NewStringColumn("status", "character varying").SetDefault(&schema.RawExpr{X: "'a'::character varying"})
	to := schema.NewColumn("status").SetType(enum).SetDefault(&schema.RawExpr{X: "'a'::userstatus"})
	other := &schema.ModifyColumn{From: schema.NewIntColumn("n", "integer"), To: schema.NewIntColumn("n", "bigint"), Change: schema.ChangeType}
	mt := &schema.ModifyTable{T: users, Changes: []schema.Change{
		&schema.ModifyColumn{From: from, To: to, Change: schema.ChangeType | schema.ChangeDefault},
		other,
	}}
	stmts := convertToEnums([]schema.Change{mt}, false)
	require.Len(t, stmts, 1)
	require.Equal(t, `ALTER TABLE "users" ALTER COLUMN "status" DROP DEFAULT, ALTER COLUMN "status" TYPE "userstatus" USING "status"::text::"userstatus", ALTER COLUMN "status" SET DEFAULT 'a'::userstatus`, stmts[0].Cmd)
	require.Equal(t, []schema.Change{other}, mt.Changes, "the conversion leaves the change set; other changes stay")

	// No default before or after: just the typed conversion.
	plain := &schema.ModifyTable{T: users, Changes: []schema.Change{&schema.ModifyColumn{
		From: schema.NewStringColumn("kind", "text"), To: schema.NewColumn("kind").SetType(enum), Change: schema.ChangeType,
	}}}
	stmts = convertToEnums([]schema.Change{plain}, false)
	require.Equal(t, `ALTER TABLE "users" ALTER COLUMN "kind" TYPE "userstatus" USING "kind"::text::"userstatus"`, stmts[0].Cmd)
	require.Empty(t, plain.Changes)
}
