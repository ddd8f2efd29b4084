package pgdb

import (
	"context"
	"strings"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"
)

// migrate plans the difference between the database cur holds and the one
// want holds (views around the rest, as migrate diff does), runs the plan
// on cur, and checks that cur then holds what want does: the plan replays
// and is complete. It returns the statements.
func migrateTo(t *testing.T, cur, want string) []string {
	t.Helper()
	ctx := context.Background()
	c, w := dev(t, cur), dev(t, want)
	from, err := c.Inspect(ctx)
	require.NoError(t, err)
	to, err := w.Inspect(ctx)
	require.NoError(t, err)
	changes, err := DiffRealms(ctx, c.Driver, nil, from, to)
	require.NoError(t, err)
	views, rest := SplitViews(changes)
	vp := PlanViews(views, rest, from, to)
	plan, err := Plan(ctx, c.Driver, "t", rest, from, to)
	require.NoError(t, err)
	var stmts []string
	for _, ch := range append(append(vp.Drop, plan.Changes...), vp.Create...) {
		stmts = append(stmts, ch.Cmd)
	}
	for _, s := range stmts {
		_, err := c.DB.ExecContext(ctx, s)
		require.NoError(t, err, "%s\nin plan:\n%s", s, strings.Join(stmts, ";\n"))
	}
	after, err := c.Inspect(ctx)
	require.NoError(t, err)
	again, err := DiffRealms(ctx, c.Driver, nil, after, to)
	require.NoError(t, err)
	require.Empty(t, again, "after the plan:\n%s", strings.Join(stmts, ";\n"))
	return stmts
}

const base = `CREATE TABLE users (id bigint PRIMARY KEY, email varchar NOT NULL, status text NOT NULL);`

// Each case is planned, run and checked on real databases. Public objects
// stay unqualified, others are qualified; a view comes after what it
// reads, and is dropped (then created again) before a change PostgreSQL
// refuses while it exists.
func TestPlanViews(t *testing.T) {
	for _, tt := range []struct {
		name      string
		cur, want string
		stmts     []string
	}{
		{
			name: "new schema, table and view",
			cur:  base,
			want: base + `CREATE SCHEMA history; CREATE TABLE history.log (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
CREATE VIEW history.user_log AS SELECT l.id, u.email FROM history.log l JOIN users u ON u.id = l.user_id;`,
			stmts: []string{
				`CREATE SCHEMA "history"`,
				`CREATE TABLE "history"."log" ("id" bigint NOT NULL, "user_id" bigint NULL, PRIMARY KEY ("id"), CONSTRAINT "log_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION)`,
				"CREATE VIEW \"history\".\"user_log\" (\"id\", \"email\") AS SELECT l.id,\n    u.email\n   FROM (history.log l\n     JOIN users u ON ((u.id = l.user_id)))",
			},
		},
		{
			name: "view dropped before the table it reads",
			cur:  base + `CREATE VIEW active AS SELECT id FROM users WHERE status = 'active';`,
			want: ``,
			stmts: []string{
				`DROP VIEW "active"`,
				`DROP TABLE "users"`,
			},
		},
		{
			name: "definition changed, same columns: replaced",
			cur:  base + `CREATE VIEW active AS SELECT id FROM users WHERE status = 'active';`,
			want: base + `CREATE VIEW active AS SELECT id FROM users WHERE status = 'on';`,
			stmts: []string{
				"CREATE OR REPLACE VIEW \"active\" (\"id\") AS SELECT users.id\n   FROM users\n  WHERE (users.status = 'on'::text)",
			},
		},
		{
			name: "column appended: replaced",
			cur:  base + `CREATE VIEW active AS SELECT id FROM users;`,
			want: base + `CREATE VIEW active AS SELECT id, email FROM users;`,
			stmts: []string{
				"CREATE OR REPLACE VIEW \"active\" (\"id\", \"email\") AS SELECT users.id,\n    users.email\n   FROM users",
			},
		},
		{
			name: "column removed: dropped and created",
			cur:  base + `CREATE VIEW active AS SELECT id, email FROM users;`,
			want: base + `CREATE VIEW active AS SELECT id FROM users;`,
			stmts: []string{
				`DROP VIEW "active"`,
				"CREATE VIEW \"active\" (\"id\") AS SELECT users.id\n   FROM users",
			},
		},
		{
			name: "a column it reads retyped, and a view reading it: both around the change",
			cur:  base + `CREATE VIEW emails AS SELECT id, email FROM users; CREATE VIEW ids AS SELECT id FROM emails;`,
			want: `CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, status text NOT NULL); CREATE VIEW emails AS SELECT id, email FROM users; CREATE VIEW ids AS SELECT id FROM emails;`,
			stmts: []string{
				`DROP VIEW "ids"`,
				`DROP VIEW "emails"`,
				`ALTER TABLE "users" ALTER COLUMN "email" TYPE text`,
				"CREATE VIEW \"emails\" (\"id\", \"email\") AS SELECT users.id,\n    users.email\n   FROM users",
				"CREATE VIEW \"ids\" (\"id\") AS SELECT emails.id\n   FROM emails",
			},
		},
		{
			name: "a column it does not read dropped: the view stays",
			cur:  base + `CREATE VIEW ids AS SELECT id FROM users;`,
			want: `CREATE TABLE users (id bigint PRIMARY KEY, email varchar NOT NULL); CREATE VIEW ids AS SELECT id FROM users;`,
			stmts: []string{
				`ALTER TABLE "users" DROP COLUMN "status"`,
			},
		},
		{
			name: "a table in another schema dropped under a public view",
			cur:  base + `CREATE SCHEMA history; CREATE TABLE history.log (id bigint); CREATE VIEW logged AS SELECT id FROM history.log;`,
			want: base,
			stmts: []string{
				`DROP VIEW "logged"`,
				`DROP TABLE "history"."log"`,
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.stmts, migrateTo(t, tt.cur, tt.want))
		})
	}
}

// Plan restores public's name whatever happens: the realms are the
// caller's.
func TestPlanRestoresNames(t *testing.T) {
	ctx := context.Background()
	c := dev(t, "")
	r := schema.NewRealm(schema.New(Schema).AddTables(schema.NewTable("t").AddColumns(schema.NewIntColumn("id", "int"))))
	changes, err := c.Driver.RealmDiff(schema.NewRealm(schema.New(Schema)), r)
	require.NoError(t, err)
	p, err := Plan(ctx, c.Driver, "t", changes, r)
	require.NoError(t, err)
	require.Len(t, p.Changes, 1)
	require.Equal(t, `CREATE TABLE "t" ("id" integer NOT NULL)`, p.Changes[0].Cmd)
	require.Equal(t, Schema, r.Schemas[0].Name)
}

// A directory that dropped public gets it back: CREATE SCHEMA needs its
// name there.
func TestPlanRecreatesPublic(t *testing.T) {
	stmts := migrateTo(t, "DROP SCHEMA public CASCADE;", "CREATE TABLE t (id int);")
	require.Equal(t, []string{`CREATE SCHEMA IF NOT EXISTS "public"`, `COMMENT ON SCHEMA "public" IS 'standard public schema'`,
		`CREATE TABLE "public"."t" ("id" integer NULL)`}, stmts)
}
