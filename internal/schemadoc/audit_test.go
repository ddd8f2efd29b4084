package schemadoc

import (
	"context"
	"testing"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"entgo.io/ent/entc/gen"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/compare"
)

func auditFixture() *schema.Schema {
	users := schema.NewTable("users").AddColumns(schema.NewIntColumn("id", "bigint"), schema.NewStringColumn("email", "character varying"))
	users.SetPrimaryKey(schema.NewPrimaryKey(users.Columns[0]))
	posts := schema.NewTable("posts").AddColumns(schema.NewIntColumn("id", "bigint"), schema.NewStringColumn("title", "character varying"))
	posts.SetPrimaryKey(schema.NewPrimaryKey(posts.Columns[0]))
	return schema.New("public").AddTables(users, posts)
}

func audit(t *testing.T, have, want *schema.Schema) string {
	t.Helper()
	res, err := compare.Realms(context.Background(), postgres.DefaultDiff, nil, schema.NewRealm(have), schema.NewRealm(want), compare.EntVsMigrations, nil, nil)
	require.NoError(t, err)
	g := &gen.Graph{Nodes: []*gen.Type{{Name: "User"}, {Name: "Post"}}}
	return string(Audit(Input{Graph: g, Desired: schema.NewRealm(want), Result: res, Against: AgainstMigrations}))
}

// A finding on a column makes its table not in sync; the finding shows on
// its own row, and no other table is touched.
func TestAuditTableWithAColumnFinding(t *testing.T) {
	have, want := auditFixture(), auditFixture()
	have.Tables[0].AddColumns(schema.NewNullStringColumn("fax", "text"))
	doc := audit(t, have, want)
	require.Contains(t, doc, "Table `users`: not in sync: 1 finding on its objects, below.\n")
	require.NotContains(t, doc, "Table `users`: in sync.")
	require.Contains(t, doc, "Table `posts`: in sync.\n")
	require.Contains(t, doc, "| not declared by the model | state |\n| --- | --- |\n"+
		"| column \"users\".\"fax\" | **ENT115** column \"users\".\"fax\" exists in the migrations, but ent/schema does not declare it |\n")
	require.NotContains(t, doc, "## Not declared by any model", "the finding is shown with its table, once")

	// A declared column that differs shows on its row; the table says so
	// beside its own finding.
	have, want = auditFixture(), auditFixture()
	have.Tables[1].Columns[1].Type.Type = &schema.StringType{T: "text"}
	want.Tables[1].SetComment("articles")
	doc = audit(t, have, want)
	require.Contains(t, doc, "Table `posts`: **ENT103** table \"posts\" differs in its attributes (*schema.Comment); and 1 finding on its objects, below.\n")
	require.Contains(t, doc, "| `title` | character varying | NOT NULL |  | **ENT112** column \"posts\".\"title\" has type text in the migrations, character varying in ent/schema |\n")
	require.Contains(t, doc, "Table `users`: in sync.\n")
	require.Contains(t, doc, "| models | tables | enum types | foreign keys | indexes | findings |\n| --- | --- | --- | --- | --- | --- |\n| 2 | 2 | 0 | 0 | 0 | 2 |\n")
}

// Findings are matched with objects by identity: a finding about a
// table's primary key, which the model no longer declares, is listed with
// that table, not among the objects no model declares.
func TestAuditMatchesByIdentity(t *testing.T) {
	have, want := auditFixture(), auditFixture()
	want.Tables[0].PrimaryKey = nil
	doc := audit(t, have, want)
	require.Contains(t, doc, "Table `users`: not in sync: 1 finding on its objects, below.\n")
	require.Contains(t, doc, "| primary key of \"users\" | **ENT161** the primary key of table \"users\" differs between the migrations and ent/schema |\n")
	require.NotContains(t, doc, "## Not declared by any model")
}

// realmFixture is public's users, a table in the history schema that
// references it, and a view.
func realmFixture() *schema.Realm {
	public := auditFixture()
	users, _ := public.Table("users")
	log := schema.NewTable("order_log").AddColumns(schema.NewIntColumn("id", "bigint"), schema.NewIntColumn("user_id", "bigint"))
	log.AddForeignKeys(schema.NewForeignKey("order_log_user").AddColumns(log.Columns[1]).SetRefTable(users).AddRefColumns(users.Columns[0]))
	history := schema.New("history").AddTables(log)
	public.AddViews(schema.NewView("active_users", " SELECT users.id\n   FROM users;").
		AddColumns(&schema.Column{Name: "id", Type: &schema.ColumnType{Type: &schema.IntegerType{T: "bigint"}, Raw: "bigint", Null: true}}))
	return schema.NewRealm(public, history)
}

// A model that is an ent.View gets a view section (its state, columns and
// definition); a table outside public is named with its schema, and so is
// a table it references. The summary counts the views.
func TestAuditViewsAndSchemas(t *testing.T) {
	have, want := realmFixture(), realmFixture()
	have.Schemas[0].Views[0].Def = " SELECT users.id\n   FROM users\n  WHERE (users.id > 1);"
	res, err := compare.Realms(context.Background(), postgres.DefaultDiff, nil, have, want, compare.EntVsMigrations, nil, nil)
	require.NoError(t, err)
	g := &gen.Graph{Nodes: []*gen.Type{{Name: "User"}, {Name: "Post"}, {Name: "ActiveUser"}}}
	doc := string(Audit(Input{Graph: g, Desired: want, Result: res, Against: AgainstMigrations}))
	require.Contains(t, doc, "| models | tables | views | enum types | foreign keys | indexes | findings |\n| --- | --- | --- | --- | --- | --- | --- |\n| 3 | 3 | 1 | 0 | 1 | 0 | 1 |\n")
	require.Contains(t, doc, "## Join table `history.order_log`\n\nTable `history.order_log`: in sync.\n")
	require.Contains(t, doc, "| `order_log_user` | user_id | users (id) | NO ACTION | in sync |\n")
	require.Contains(t, doc, "## ActiveUser\n\nView `active_users`: **ENT172** view \"active_users\" differs: in the migrations it is SELECT users.id FROM users WHERE (users.id > 1); in ent/schema it is SELECT users.id FROM users.\n\n"+
		"| column | type |\n| --- | --- |\n| `id` | bigint |\n\n```sql\nSELECT users.id\n   FROM users\n```\n\n")
	require.NotContains(t, doc, "## Not declared by any model", "the view's finding is shown in its section")
}
