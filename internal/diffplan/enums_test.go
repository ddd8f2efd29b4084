package diffplan

import (
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"
)

func withEnum(values ...string) *schema.Realm {
	s := schema.New("public")
	s.AddObjects(&schema.EnumType{T: "status", Values: values, Schema: s})
	return schema.NewRealm(s)
}

func TestCheckEnums(t *testing.T) {
	for name, tt := range map[string]struct {
		from, to []string
		want     string // "" means plannable
	}{
		"same":             {[]string{"a", "b"}, []string{"a", "b"}, ""},
		"appended":         {[]string{"a", "b"}, []string{"a", "b", "c"}, ""},
		"inserted":         {[]string{"a", "b"}, []string{"x", "a", "y", "b"}, ""},
		"removed":          {[]string{"a", "b", "c"}, []string{"a", "c"}, `enum type "status": value(s) ('b') removed or renamed (now ('a', 'c'))`},
		"renamed":          {[]string{"a", "b"}, []string{"a", "bee"}, `value(s) ('b') removed or renamed`},
		"reordered":        {[]string{"a", "b"}, []string{"b", "a"}, `enum type "status": values reordered from ('a', 'b') to ('b', 'a')`},
		"reordered+insert": {[]string{"a", "b"}, []string{"b", "x", "a"}, `values reordered`},
	} {
		t.Run(name, func(t *testing.T) {
			err := checkEnums(withEnum(tt.from...), withEnum(tt.to...))
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrUnplannable)
			require.Contains(t, err.Error(), tt.want)
		})
	}
	// A type dropped altogether is Atlas's to plan.
	require.NoError(t, checkEnums(withEnum("a"), schema.NewRealm(schema.New("public"))))
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
	stmts := convertToEnums([]schema.Change{mt})
	require.Len(t, stmts, 1)
	require.Equal(t, `ALTER TABLE "users" ALTER COLUMN "status" DROP DEFAULT, ALTER COLUMN "status" TYPE "userstatus" USING "status"::text::"userstatus", ALTER COLUMN "status" SET DEFAULT 'a'::userstatus`, stmts[0].Cmd)
	require.Equal(t, []schema.Change{other}, mt.Changes, "the conversion leaves the change set; other changes stay")

	// No default before or after: just the typed conversion.
	plain := &schema.ModifyTable{T: users, Changes: []schema.Change{&schema.ModifyColumn{
		From: schema.NewStringColumn("kind", "text"), To: schema.NewColumn("kind").SetType(enum), Change: schema.ChangeType,
	}}}
	stmts = convertToEnums([]schema.Change{plain})
	require.Equal(t, `ALTER TABLE "users" ALTER COLUMN "kind" TYPE "userstatus" USING "kind"::text::"userstatus"`, stmts[0].Cmd)
	require.Empty(t, plain.Changes)
}
