package schemadoc

import (
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
	res, err := compare.Schemas(postgres.DefaultDiff, have, want, compare.EntVsMigrations, nil, nil)
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
