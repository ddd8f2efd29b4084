package pgdb

import (
	"context"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"
)

// dev returns a connection to a fresh dev database holding sql.
func dev(t testing.TB, sql string) *Conn {
	t.Helper()
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	c, err := ConnectDev(ctx, u)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	if sql != "" {
		_, err = c.DB.ExecContext(ctx, sql)
		require.NoError(t, err)
	}
	return c
}

const realmSQL = `
CREATE SCHEMA history;
CREATE TYPE status AS ENUM ('on', 'off');
CREATE TYPE history.kind AS ENUM ('insert', 'delete');
CREATE TABLE orders (id bigint PRIMARY KEY, total int NOT NULL, state status NOT NULL DEFAULT 'on' CHECK (state <> 'off'));
CREATE TABLE history.order_log (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), kind history.kind NOT NULL, state status);
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
CREATE VIEW history.order_kinds AS SELECT l.id, l.kind, o.total FROM history.order_log l JOIN big_orders o ON o.id = l.order_id;
CREATE MATERIALIZED VIEW order_totals AS SELECT sum(total) AS total FROM orders;
CREATE EXTENSION pg_buffercache;
CREATE SCHEMA atlas_schema_revisions;
CREATE TABLE atlas_schema_revisions.atlas_schema_revisions (version text PRIMARY KEY);
`

// Every schema of the database's own is read, with its tables, enum types
// and plain views, and foreign keys and enum columns across schemas point
// at the real objects. Left out: Atlas's revisions schema, materialized
// views, and an extension's objects (pg_buffercache's view).
func TestInspectEverySchema(t *testing.T) {
	r, err := dev(t, realmSQL).Inspect(context.Background())
	require.NoError(t, err)
	var names []string
	for _, s := range r.Schemas {
		names = append(names, s.Name)
	}
	require.Equal(t, []string{"history", "public"}, names)

	public, history := Public(r), r.Schemas[0]
	orders, ok := public.Table("orders")
	require.True(t, ok)
	log, ok := history.Table("order_log")
	require.True(t, ok)
	require.Same(t, history, log.Schema)
	require.Len(t, log.ForeignKeys, 1)
	require.Same(t, orders, log.ForeignKeys[0].RefTable, "the key references public's table itself")

	state, ok := log.Column("state")
	require.True(t, ok)
	e, ok := state.Type.Type.(*schema.EnumType)
	require.True(t, ok, "an enum of another schema is resolved: %T", state.Type.Type)
	require.Same(t, public, e.Schema)
	require.Equal(t, []string{"history.kind", "status"}, []string{Qualified(Enums(r)[0].Schema, Enums(r)[0].T), Enums(r)[1].T})

	var views []string
	for _, v := range Views(r) {
		views = append(views, Qualified(v.Schema, v.Name))
	}
	require.Equal(t, []string{"history.order_kinds", "big_orders"}, views, "no materialized view, no extension's view")
	big, _ := public.View("big_orders")
	require.Equal(t, " SELECT orders.id,\n    orders.total\n   FROM orders\n  WHERE (orders.total > 100);", big.Def)
	require.Len(t, big.Columns, 2)
	require.Equal(t, "integer", big.Columns[1].Type.Raw)
	kinds, _ := history.View("order_kinds")
	require.Equal(t, map[TableName][]string{
		{"history", "order_log"}: {"id", "kind", "order_id"},
		{"public", "big_orders"}: {"id", "total"},
	}, ReadsOf(kinds))
	require.ElementsMatch(t, []schema.Object{log, big}, kinds.Deps)
}

// The session's search_path is kept: objects of public print unqualified,
// as a one-schema inspection printed them, so a public-only project's
// messages, documents and plans are what they were. Atlas's realm
// inspection would clear it ('on'::public.status); should Atlas change the
// query that does, this test fails.
func TestInspectKeepsSearchPath(t *testing.T) {
	r, err := dev(t, realmSQL).Inspect(context.Background())
	require.NoError(t, err)
	orders, _ := Public(r).Table("orders")
	var checks []string
	for _, a := range orders.Attrs {
		if c, ok := a.(*schema.Check); ok {
			checks = append(checks, c.Expr)
		}
	}
	require.Equal(t, []string{"(state <> 'off'::status)"}, checks)
}

// A live database is read as its migrations see it: only the schemas the
// references use, the URL's bound schema as public, the revisions table
// left out where it shares a schema.
func TestInspectTarget(t *testing.T) {
	ctx := context.Background()
	ref := schema.NewRealm(schema.New("public"), schema.New("history"))
	live := dev(t, `
CREATE SCHEMA app; CREATE SCHEMA history; CREATE SCHEMA reporting;
CREATE TABLE app.users (id int); CREATE TABLE app.atlas_schema_revisions (version text);
CREATE TABLE history.log (id int); CREATE TABLE reporting.daily (id int); CREATE TABLE public.other (id int);
COMMENT ON SCHEMA app IS 'the app';
`)
	r, err := live.InspectTarget(ctx, "app", "app", ref)
	require.NoError(t, err)
	var got []string
	for _, t := range Tables(r) {
		got = append(got, Qualified(t.Schema, t.Name))
	}
	require.ElementsMatch(t, []string{"users", "history.log"}, got)
	require.Empty(t, Public(r).Attrs, "the bound schema's comment is not compared")

	r, err = live.InspectTarget(ctx, "", "atlas_schema_revisions", ref)
	require.NoError(t, err)
	got = got[:0]
	for _, t := range Tables(r) {
		got = append(got, Qualified(t.Schema, t.Name))
	}
	require.ElementsMatch(t, []string{"other", "history.log"}, got)
}

// A schema only the current state has becomes the drops of its contents,
// never DROP SCHEMA … CASCADE, which would take whatever else lives there.
func TestDiffRealmsKeepsSchemas(t *testing.T) {
	ctx := context.Background()
	cur, err := dev(t, realmSQL).Inspect(ctx)
	require.NoError(t, err)
	c := dev(t, "CREATE TYPE status AS ENUM ('on', 'off'); CREATE TABLE orders (id bigint PRIMARY KEY, total int NOT NULL, state status NOT NULL DEFAULT 'on' CHECK (state <> 'off')); CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;")
	want, err := c.Inspect(ctx)
	require.NoError(t, err)
	changes, err := DiffRealms(ctx, c.Driver, nil, cur, want)
	require.NoError(t, err)
	var got []string
	for _, ch := range changes {
		switch ch := ch.(type) {
		case *schema.DropTable:
			got = append(got, "drop table "+Qualified(ch.T.Schema, ch.T.Name))
		case *schema.DropView:
			got = append(got, "drop view "+Qualified(ch.V.Schema, ch.V.Name))
		case *schema.DropObject:
			if e, ok := ch.O.(*Extension); ok {
				got = append(got, "drop extension "+e.Name)
				continue
			}
			got = append(got, "drop type "+Qualified(ch.O.(*schema.EnumType).Schema, ch.O.(*schema.EnumType).T))
		default:
			got = append(got, "other")
		}
	}
	require.ElementsMatch(t, []string{"drop table history.order_log", "drop view history.order_kinds", "drop type history.kind", "drop extension pg_buffercache"}, got)
}
