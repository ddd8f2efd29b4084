package diffplan

import (
	"context"
	"strings"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// renameCase plans from the schema cur to want with renames, on a database
// that holds cur and rows (seed): the file is exactly file, applies with
// the rows kept (check prints them), and leaves nothing to plan. The
// current realm is left as it was.
type renameCase struct {
	cur, want, seed string
	renames         []Rename
	file            string
	check, rows     string // a query on the renamed schema, and its rows joined by ";"
	probable        string // what ProbableRenames finds without the renames, as --rename values
}

func (tt renameCase) run(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	cur, conn := inspect(t, tt.cur)
	want, _ := inspect(t, tt.want)
	_, err := conn.DB.ExecContext(ctx, tt.seed)
	require.NoError(t, err)
	require.NoError(t, CheckRenames(cur, want, tt.renames))
	var found []string
	for _, p := range ProbableRenames(cur, want, Policy{}) {
		found = append(found, p.String())
	}
	require.Equal(t, tt.probable, strings.Join(found, " "))
	before := dump(t, cur)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "rename", nil, at, Policy{Renames: tt.renames})
	require.NoError(t, err)
	require.Len(t, files, 1)
	require.Equal(t, tt.file, string(files[0].Data))
	require.Equal(t, before, dump(t, cur), "the current realm is never changed")

	_, err = conn.DB.ExecContext(ctx, string(files[0].Data))
	require.NoError(t, err)
	require.Equal(t, tt.rows, query(t, conn, tt.check))
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, at, Policy{})
	require.NoError(t, err)
	require.Empty(t, again, "nothing is left to plan after the renames")
	require.Empty(t, ProbableRenames(after, want, Policy{}))
}

// dump is a realm as the plan of it from nothing: what a change to it shows.
func dump(t *testing.T, r *schema.Realm) string {
	t.Helper()
	_, conn := inspect(t, "")
	empty, err := conn.Inspect(context.Background())
	require.NoError(t, err)
	files, _, err := Plan(context.Background(), conn.Driver, nil, empty, r, "dump", nil, at, Policy{})
	require.NoError(t, err)
	var b strings.Builder
	for _, f := range files {
		b.Write(f.Data)
	}
	return b.String()
}

func query(t *testing.T, conn *pgdb.Conn, q string) string {
	t.Helper()
	rows, err := conn.DB.QueryContext(context.Background(), q)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return strings.Join(out, ";")
}

// A column renamed, with the unique index, the expression index, the
// partial index and the CHECK on it: one RENAME COLUMN, the Ent-named
// unique index renamed, nothing rebuilt.
func TestRenameColumn(t *testing.T) {
	renameCase{
		cur: `CREATE TABLE users (id bigint PRIMARY KEY, full_name varchar NOT NULL CONSTRAINT name_set CHECK (full_name <> ''));
CREATE UNIQUE INDEX users_full_name_key ON users (full_name);
CREATE INDEX users_lower ON users (lower(full_name)) WHERE full_name <> 'x';`,
		want: `CREATE TABLE users (id bigint PRIMARY KEY, display_name varchar NOT NULL CONSTRAINT name_set CHECK (display_name <> ''));
CREATE UNIQUE INDEX users_display_name_key ON users (display_name);
CREATE INDEX users_lower ON users (lower(display_name)) WHERE display_name <> 'x';`,
		seed:    `INSERT INTO users VALUES (1, 'Ada'), (2, 'Grace')`,
		renames: []Rename{{Kind: RenameColumn, Object: "users", Member: "full_name", To: "display_name"}},
		file: `-- Rename column "full_name" of table "users" to "display_name"
ALTER TABLE "users" RENAME COLUMN "full_name" TO "display_name";
-- Rename index "users_full_name_key" to "users_display_name_key"
ALTER INDEX "users_full_name_key" RENAME TO "users_display_name_key";
`,
		check: `SELECT display_name FROM users ORDER BY id`, rows: "Ada;Grace",
		probable: "users.full_name=display_name",
	}.run(t)
}

// A table renamed (Ent's annotation Table), with its Ent-named unique index
// and the foreign key of another table to it: RENAME TO, the index and
// constraint renamed, nothing rebuilt. The primary key keeps its name, as
// Atlas does not compare it.
func TestRenameTable(t *testing.T) {
	renameCase{
		cur: `CREATE TABLE users (id bigint PRIMARY KEY, email varchar NOT NULL);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL CONSTRAINT posts_users_posts REFERENCES users (id) ON DELETE CASCADE);`,
		want: `CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar NOT NULL);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL CONSTRAINT posts_accounts_posts REFERENCES accounts (id) ON DELETE CASCADE);`,
		seed:    `INSERT INTO users VALUES (1, 'a@x'); INSERT INTO posts VALUES (10, 1)`,
		renames: []Rename{{Kind: RenameTable, Object: "users", To: "accounts"}},
		file: `-- Rename table "users" to "accounts"
ALTER TABLE "users" RENAME TO "accounts";
-- Rename constraint "posts_users_posts" of table "posts" to "posts_accounts_posts"
ALTER TABLE "posts" RENAME CONSTRAINT "posts_users_posts" TO "posts_accounts_posts";
-- Rename index "users_email_key" to "accounts_email_key"
ALTER INDEX "users_email_key" RENAME TO "accounts_email_key";
`,
		check: `SELECT a.email || '/' || p.id FROM accounts a JOIN posts p ON p.user_id = a.id`, rows: "a@x/10",
		probable: "users=accounts",
	}.run(t)
}

// An enum type renamed: the columns, their defaults and a CHECK follow it.
func TestRenameEnumType(t *testing.T) {
	renameCase{
		cur: `CREATE TYPE userstatus AS ENUM ('pending', 'active');
CREATE TABLE users (id bigint PRIMARY KEY, status userstatus NOT NULL DEFAULT 'pending' CONSTRAINT not_odd CHECK (status <> 'active'::userstatus OR id > 0));`,
		want: `CREATE TYPE accountstatus AS ENUM ('pending', 'active');
CREATE TABLE users (id bigint PRIMARY KEY, status accountstatus NOT NULL DEFAULT 'pending' CONSTRAINT not_odd CHECK (status <> 'active'::accountstatus OR id > 0));`,
		seed:    `INSERT INTO users VALUES (1, 'active'), (2, DEFAULT)`,
		renames: []Rename{{Kind: RenameType, Object: "userstatus", To: "accountstatus"}},
		file: `-- Rename enum type "userstatus" to "accountstatus"
ALTER TYPE "userstatus" RENAME TO "accountstatus";
`,
		check: `SELECT status::text || ':' || pg_typeof(status) FROM users ORDER BY id`, rows: "active:accountstatus;pending:accountstatus",
		probable: "type:userstatus=accountstatus",
	}.run(t)
}

// An enum value renamed: rows, the default and a partial index's predicate
// follow it.
func TestRenameEnumValue(t *testing.T) {
	renameCase{
		cur: `CREATE TYPE userstatus AS ENUM ('pending', 'active', 'gone');
CREATE TABLE users (id bigint PRIMARY KEY, status userstatus NOT NULL DEFAULT 'active');
CREATE INDEX users_live ON users (id) WHERE status = 'active';`,
		want: `CREATE TYPE userstatus AS ENUM ('pending', 'enabled', 'gone');
CREATE TABLE users (id bigint PRIMARY KEY, status userstatus NOT NULL DEFAULT 'enabled');
CREATE INDEX users_live ON users (id) WHERE status = 'enabled';`,
		seed:    `INSERT INTO users VALUES (1, 'active'), (2, 'gone'), (3, DEFAULT)`,
		renames: []Rename{{Kind: RenameValue, Object: "userstatus", Member: "active", To: "enabled"}},
		file: `-- Rename value "active" of enum type "userstatus" to "enabled"
ALTER TYPE "userstatus" RENAME VALUE 'active' TO 'enabled';
`,
		check: `SELECT status::text FROM users ORDER BY id`, rows: "enabled;gone;enabled",
		probable: "value:userstatus.active=enabled",
	}.run(t)
}

// Objects of another schema: qualified in the statements and in --rename;
// a table and one of its columns renamed together, the column named by
// its old table.
func TestRenameInAnotherSchema(t *testing.T) {
	renameCase{
		cur: `CREATE SCHEMA history; CREATE TYPE history.kind AS ENUM ('insert', 'delete');
CREATE TABLE history.log (id bigint PRIMARY KEY, note text, kind history.kind NOT NULL);`,
		want: `CREATE SCHEMA history; CREATE TYPE history.op AS ENUM ('insert', 'remove');
CREATE TABLE history.events (id bigint PRIMARY KEY, remark text, kind history.op NOT NULL);`,
		seed: `INSERT INTO history.log VALUES (1, 'first', 'delete')`,
		renames: []Rename{
			{Kind: RenameType, Schema: "history", Object: "kind", To: "op"},
			{Kind: RenameValue, Schema: "history", Object: "kind", Member: "delete", To: "remove"},
			{Kind: RenameTable, Schema: "history", Object: "log", To: "events"},
			{Kind: RenameColumn, Schema: "history", Object: "log", Member: "note", To: "remark"},
		},
		file: `-- Rename column "note" of table "log" to "remark"
ALTER TABLE "history"."log" RENAME COLUMN "note" TO "remark";
-- Rename table "log" to "events"
ALTER TABLE "history"."log" RENAME TO "events";
-- Rename value "delete" of enum type "kind" to "remove"
ALTER TYPE "history"."kind" RENAME VALUE 'delete' TO 'remove';
-- Rename enum type "kind" to "op"
ALTER TYPE "history"."kind" RENAME TO "op";
`,
		check: `SELECT remark || ':' || kind FROM history.events`, rows: "first:remove",
		// The table's columns differ (note, remark) and the type's values
		// (delete, remove): neither is the same shape.
		probable: "",
	}.run(t)
}

// The rest of the diff is planned from the renamed schema: the field made
// optional too is a DROP NOT NULL after the rename, and a view reading the
// column is dropped before and created after it.
func TestRenameThenTheRest(t *testing.T) {
	renameCase{
		cur: `CREATE TABLE users (id bigint PRIMARY KEY, full_name text NOT NULL);
CREATE VIEW names AS SELECT id, full_name FROM users;`,
		want: `CREATE TABLE users (id bigint PRIMARY KEY, display_name text);
CREATE VIEW names AS SELECT id, display_name FROM users;`,
		seed:    `INSERT INTO users VALUES (1, 'Ada')`,
		renames: []Rename{{Kind: RenameColumn, Object: "users", Member: "full_name", To: "display_name"}},
		file: `-- Rename column "full_name" of table "users" to "display_name"
ALTER TABLE "users" RENAME COLUMN "full_name" TO "display_name";
-- Drop "names" view
DROP VIEW "names";
-- Modify "users" table
ALTER TABLE "users" ALTER COLUMN "display_name" DROP NOT NULL;
-- Create "names" view
CREATE VIEW "names" ("id", "display_name") AS SELECT users.id,
    users.display_name
   FROM users;
`,
		check: `SELECT display_name FROM names`, rows: "Ada",
		probable: "users.full_name=display_name",
	}.run(t)
}
