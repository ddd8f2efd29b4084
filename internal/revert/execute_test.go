package revert

import (
	"database/sql"
	"strings"
	"testing"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

// What diff splits into files of their own goes back in the down's one
// transaction: an index made CONCURRENTLY in a txmode-none file is dropped
// plainly, and an enum value the file added, unused, goes by a type swap
// (PostgreSQL cannot drop a value), the column's default and rows kept.
func TestSplitFilesGoBack(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TYPE mood AS ENUM ('ok', 'sad');\nCREATE TABLE a (id int PRIMARY KEY, m mood NOT NULL DEFAULT 'ok');\nCREATE TABLE b (id int PRIMARY KEY, m mood);\n")
	require.NoError(t, e.apply())
	before := e.schema()
	e.write("2_happy.sql", "ALTER TYPE mood ADD VALUE 'happy' BEFORE 'sad';\n",
		"3_index.sql", "-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY a_m ON a (m);\n")
	require.NoError(t, e.apply())
	e.exec("INSERT INTO a VALUES (1, 'ok'), (2, 'sad')")
	e.exec("INSERT INTO b VALUES (1, 'sad'), (2, NULL)")
	require.Contains(t, e.schema(), "a_m")
	require.Contains(t, e.schema(), "mood:ok,happy,sad")

	p, err := e.down(Options{N: 2})
	require.NoError(t, err)
	require.True(t, p.Reverted)
	for _, s := range p.Statements {
		require.NotContains(t, s.SQL, "CONCURRENTLY")
	}
	require.Equal(t, int64(0), check(t, p, ValueUnused, `column "a"."m"`).Rows)
	require.Equal(t, int64(0), check(t, p, ValueUnused, `column "b"."m"`).Rows)
	require.Equal(t, before, e.schema())
	require.Equal(t, []string{"1|ok", "2|sad"}, e.rows("SELECT id, m FROM a ORDER BY id"))
	require.Equal(t, []string{"1|sad", "2|<nil>"}, e.rows("SELECT id, m FROM b ORDER BY id"))
	require.Equal(t, []string{"'ok'::mood"}, e.rows("SELECT column_default FROM information_schema.columns WHERE table_name = 'a' AND column_name = 'm'"))
	require.Equal(t, []string{"1:3/3"}, e.versions())
}

// A plan that falls short of the target is caught by the inspection
// inside the transaction: everything, the revisions' removal included,
// rolls back, and the error calls it a schemactl bug.
func TestExecuteRollsBackShortPlan(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY);\n",
		"2_b.sql", "CREATE TABLE b (id int PRIMARY KEY);\nALTER TABLE a ADD COLUMN note text;\n")
	require.NoError(t, e.apply())
	schema, versions := e.schema(), e.versions()

	o := e.options(Options{N: 1})
	sel, p, live, target := prepared(t, e, o)
	require.Len(t, p.Statements, 2)
	p.Statements = p.Statements[:1] // one of the two statements lost
	err := execute(e.ctx, o, p, sel, live, target)
	require.EqualError(t, err, "migrate down: the computed statements do not reach the schema of version 1 (1 difference(s) remain, e.g. *schema.DropTable); the transaction was rolled back: nothing was changed; this is a schemactl bug, please report it")
	require.False(t, p.Reverted)
	require.Equal(t, schema, e.schema())
	require.Equal(t, versions, e.versions())

	// The whole plan reaches it.
	sel, p, live, target = prepared(t, e, o)
	require.NoError(t, execute(e.ctx, o, p, sel, live, target))
	require.True(t, p.Reverted)
	require.Equal(t, []string{"1:1/1"}, e.versions())
}

// reached compares the database inside the transaction with the target it
// is handed: the same state passes, any other fails. With table changes
// only, it reads just their tables; with anything else, everything.
func TestReached(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY);\n",
		"2_b.sql", "CREATE TABLE b (id int PRIMARY KEY);\n")
	require.NoError(t, e.apply())
	o := e.options(Options{N: 1})
	sel, _, live, target := prepared(t, e, o)
	tx, err := e.conn.DB.BeginTx(e.ctx, &sql.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	defer tx.Rollback() //nolint:errcheck // read only
	diff := func(from, to *schema.Realm) []schema.Change {
		changes, err := pgdb.DiffRealms(e.ctx, o.Target.Driver, o.Env.Dev, from, to)
		require.NoError(t, err)
		return changes
	}

	require.NoError(t, reached(e.ctx, o, tx, target, live, diff(target, live), "2"), "the database is at the state it was inspected in")
	err = reached(e.ctx, o, tx, live, target, diff(live, target), "1")
	require.Error(t, err)
	require.True(t, strings.HasPrefix(err.Error(), "migrate down: the computed statements do not reach the schema of version 1 (1 difference(s) remain, e.g. *schema.DropTable)"), err.Error())
	require.Contains(t, err.Error(), "this is a schemactl bug")
	empty, err := replay(e.ctx, o.Env, nil)
	require.NoError(t, err)
	require.ErrorContains(t, reached(e.ctx, o, tx, live, empty, diff(live, empty), ""), "do not reach the schema of version none (2 difference(s) remain")
	// A change that is not a table's: everything is read again.
	require.ErrorContains(t, reached(e.ctx, o, tx, live, empty, []schema.Change{&schema.AddSchema{S: schema.New("x")}}, ""), "do not reach the schema of version none (2 difference(s) remain")
	require.Len(t, sel.revert, 1)
}

// The tables a plan touches: those its changes name, and those with a
// column of an enum type it changes (an array of it too); a view or any
// other change reads everything.
func TestTablesOf(t *testing.T) {
	mood := &schema.EnumType{T: "mood", Values: []string{"a"}}
	s := schema.New("public")
	users := schema.NewTable("users").AddColumns(schema.NewColumn("m").SetType(mood))
	logs := schema.NewTable("logs").AddColumns(schema.NewColumn("ms").SetType(&postgres.ArrayType{Type: mood, T: "mood[]"}))
	other := schema.NewTable("other").AddColumns(schema.NewIntColumn("id", "int"))
	s.AddTables(users, logs, other)
	r := schema.NewRealm(s)
	scope, ok := tablesOf([]schema.Change{&schema.ModifyObject{From: mood, To: &schema.EnumType{T: "mood", Values: []string{"a", "b"}}}, &schema.DropTable{T: other}}, r, r)
	require.True(t, ok)
	require.Equal(t, map[pgdb.TableName]bool{{Schema: "public", Name: "users"}: true, {Schema: "public", Name: "logs"}: true, {Schema: "public", Name: "other"}: true}, scope)
	_, ok = tablesOf([]schema.Change{&schema.AddView{V: schema.NewView("v", "SELECT 1")}}, r, r)
	require.False(t, ok)
}

// prepared selects and plans a down as Run does, without running it.
func prepared(t *testing.T, e *env, o Options) (*selection, *Plan, *schema.Realm, *schema.Realm) {
	t.Helper()
	revs, err := revisions.New(e.conn.DB, o.RevisionsSchema).ReadRevisions(e.ctx)
	require.NoError(t, err)
	files, err := o.Dir.Files()
	require.NoError(t, err)
	sel, err := choose(files, revs, o.N, o.ToVersion)
	require.NoError(t, err)
	p, live, target, err := prepare(e.ctx, o, sel)
	require.NoError(t, err)
	return sel, p, live, target
}

// The check that a down reached its target reads only the tables it
// touched, but every enum type of every schema: one in another schema that
// no statement touched, and one the down creates again that no table uses,
// compare equal, and the down commits.
func TestReachedReadsEveryEnumType(t *testing.T) {
	e := newEnv(t)
	e.write("1_a.sql", "CREATE SCHEMA other;\nCREATE TYPE other.kind AS ENUM ('a', 'b');\nCREATE TABLE other.things (id int PRIMARY KEY, k other.kind);\nCREATE TYPE lonely AS ENUM ('x');\nCREATE TABLE t (id int PRIMARY KEY);\n",
		"2_b.sql", "DROP TYPE lonely;\nALTER TABLE t ADD COLUMN n int;\n")
	require.NoError(t, e.apply())
	p, err := e.down(Options{N: 1})
	require.NoError(t, err)
	require.True(t, p.Reverted)
	require.Equal(t, []string{"1:5/5"}, e.versions())
	require.Equal(t, []string{"kind:a,b", "lonely:x"}, e.rows(`SELECT t.typname || ':' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
		FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`))
}
