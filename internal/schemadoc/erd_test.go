package schemadoc

import (
	"strings"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"
)

// The cardinality follows the foreign key: a NOT NULL key has exactly one
// parent, a nullable one zero or one; unique key columns make the child side
// zero or one, else zero or more. Only key and enum columns are drawn.
func TestERDCardinality(t *testing.T) {
	id := func() *schema.Column { return schema.NewIntColumn("id", "bigint") }
	parent := schema.NewTable("accounts").AddColumns(id(), schema.NewStringColumn("note", "text"))
	parent.SetPrimaryKey(schema.NewPrimaryKey(parent.Columns[0]))

	mood := &schema.EnumType{T: "mood", Values: []string{"ok", "sad"}}
	owner := schema.NewNullIntColumn("account_id", "bigint")
	child := schema.NewTable("notes").AddColumns(id(), owner, schema.NewEnumColumn("mood"))
	child.Columns[2].Type.Type = mood
	child.SetPrimaryKey(schema.NewPrimaryKey(child.Columns[0]))
	child.AddForeignKeys(schema.NewForeignKey("notes_account").AddColumns(owner).SetRefTable(parent).AddRefColumns(parent.Columns[0]))

	one := schema.NewIntColumn("account_id", "bigint")
	profile := schema.NewTable("profiles").AddColumns(id(), one)
	profile.SetPrimaryKey(schema.NewPrimaryKey(profile.Columns[0]))
	profile.AddIndexes(schema.NewUniqueIndex("profiles_account_key").AddColumns(one))
	profile.AddForeignKeys(schema.NewForeignKey("profiles_account").AddColumns(one).SetRefTable(parent).AddRefColumns(parent.Columns[0]))

	s := schema.New("public").AddTables(parent, child, profile)
	doc := string(ERD(schema.NewRealm(s), "ent/schema"))
	for _, want := range []string{
		"    accounts {\n        bigint id PK\n    }\n",
		"        bigint account_id FK\n        mood mood \"enum\"\n",
		"        bigint account_id FK, UK\n",
		`    accounts |o--o{ notes : "account_id"`,
		`    accounts ||--o| profiles : "account_id"`,
	} {
		require.Contains(t, doc, want)
	}
	require.NotContains(t, doc, "note ", "a column that is neither a key nor an enum is not drawn")
	require.True(t, strings.HasPrefix(doc, "# Data model\n"))
	require.True(t, strings.HasSuffix(doc, "```\n"))
}

// A table outside public is drawn under its qualified name, quoted, in its
// block and in its relationships; public's stay bare.
func TestERDSchemas(t *testing.T) {
	doc := string(ERD(realmFixture(), "ent/schema"))
	require.Contains(t, doc, "    \"history.order_log\" {\n        bigint user_id FK\n    }\n")
	require.Contains(t, doc, "    users {\n        bigint id PK\n    }\n")
	require.Contains(t, doc, `    users ||--o{ "history.order_log" : "user_id"`)
}
