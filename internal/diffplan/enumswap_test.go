package diffplan

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/migdir"
)

// swapBefore is a type in use everywhere a swap must reach: a defaulted
// column, an array column in another table, a view reading the column, a
// CHECK and a partial unique index comparing it with values.
const swapBefore = `CREATE TYPE status AS ENUM ('new', 'held', 'done');
CREATE TABLE users (id bigint PRIMARY KEY, email text, status status NOT NULL DEFAULT 'held',
  CONSTRAINT users_not_held CHECK (status <> 'held' OR id > 0));
CREATE UNIQUE INDEX users_email ON users (email) WHERE status <> 'done';
CREATE TABLE posts (id bigint PRIMARY KEY, states status[]);
CREATE VIEW open_users AS SELECT id, status FROM users WHERE status = 'new';
`

// A value removed, one added and the rest reordered, in one change: a
// type swap. The guard comes first; the view is dropped before and created
// after; the check and the partial index, whose definitions hold constants
// of the old type, are dropped before and created after, as desired; the
// default is the desired one. The file applies on a database holding rows
// of every surviving value, and then nothing is left to plan.
func TestPlanEnumSwap(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, swapBefore+`INSERT INTO users VALUES (1, 'a', 'new'), (2, 'b', 'done'), (3, 'c', 'new');
INSERT INTO posts VALUES (1, '{new,done}'), (2, NULL), (3, '{}');`)
	want, _ := inspect(t, `CREATE TYPE status AS ENUM ('done', 'new', 'gone');
CREATE TABLE users (id bigint PRIMARY KEY, email text, status status NOT NULL DEFAULT 'new',
  CONSTRAINT users_not_held CHECK (status <> 'gone' OR id > 0));
CREATE UNIQUE INDEX users_email ON users (email) WHERE status <> 'done';
CREATE TABLE posts (id bigint PRIMARY KEY, states status[]);
CREATE VIEW open_users AS SELECT id, status FROM users WHERE status = 'new';`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "swap", nil, day, Policy{})
	require.NoError(t, err)
	requireFile(t, files, "20300101000000_swap.sql", `-- Guard: fail, changing nothing, if table "posts" column "states" holds a value enum type "status" will not have
DO $guard$
DECLARE
  n bigint;
  found text[];
BEGIN
  SELECT count(DISTINCT r.ctid), array_agg(DISTINCT quote_literal(e.v)) INTO n, found
    FROM "posts" AS r CROSS JOIN LATERAL unnest(r."states"::text[]) AS e(v) WHERE e.v <> ALL (ARRAY['done', 'new', 'gone']::text[]);
  IF n > 0 THEN
    RAISE EXCEPTION '%: % row(s) hold a value that enum type % will not have: %', 'table "posts" column "states"', n, '"status"',
      array_to_string(found[1:10], ', ') || CASE WHEN cardinality(found) > 10 THEN ', ...' ELSE '' END
      USING HINT = 'update or delete those rows (or keep the values in the schema), then apply the migration again';
  END IF;
END
$guard$;
-- Guard: fail, changing nothing, if table "users" column "status" holds a value enum type "status" will not have
DO $guard$
DECLARE
  n bigint;
  found text[];
BEGIN
  SELECT count(*), array_agg(DISTINCT quote_literal(r."status"::text)) INTO n, found
    FROM "users" AS r WHERE r."status"::text <> ALL (ARRAY['done', 'new', 'gone']::text[]);
  IF n > 0 THEN
    RAISE EXCEPTION '%: % row(s) hold a value that enum type % will not have: %', 'table "users" column "status"', n, '"status"',
      array_to_string(found[1:10], ', ') || CASE WHEN cardinality(found) > 10 THEN ', ...' ELSE '' END
      USING HINT = 'update or delete those rows (or keep the values in the schema), then apply the migration again';
  END IF;
END
$guard$;
-- Drop "open_users" view
DROP VIEW "open_users";
-- Drop index "users_email" of table "users", to create it again after its columns' enum type changes
DROP INDEX "users_email";
-- Drop the checks of table "users" that compare an enum column, to create them again after its type changes
ALTER TABLE "users" DROP CONSTRAINT "users_not_held";
-- Rename enum type "status" to "status_old", to swap it for one with the new values
ALTER TYPE "status" RENAME TO "status_old";
-- Create enum type "status" with its new values
CREATE TYPE "status" AS ENUM ('done', 'new', 'gone');
-- Convert column "states" of table "posts" to the new enum type "status"
ALTER TABLE "posts" ALTER COLUMN "states" TYPE "status"[] USING "states"::text[]::"status"[];
-- Convert column "status" of table "users" to the new enum type "status"
ALTER TABLE "users" ALTER COLUMN "status" DROP DEFAULT, ALTER COLUMN "status" TYPE "status" USING "status"::text::"status", ALTER COLUMN "status" SET DEFAULT 'new';
-- Modify "users" table
ALTER TABLE "users" ADD CONSTRAINT "users_not_held" CHECK ((status <> 'gone'::status) OR (id > 0));
-- Create index "users_email" to table: "users"
CREATE UNIQUE INDEX "users_email" ON "users" ("email") WHERE (status <> 'done'::status);
-- Drop enum type "status_old", the old "status"
DROP TYPE "status_old";
-- Create "open_users" view
CREATE VIEW "open_users" ("id", "status") AS SELECT users.id,
    users.status
   FROM users
  WHERE (users.status = 'new'::status);
`)
	// The realms are as they were: the same plan again (a down migration
	// and the realm cache reuse them).
	twice, _, err := Plan(ctx, conn.Driver, nil, cur, want, "swap", nil, day, Policy{})
	require.NoError(t, err)
	require.Equal(t, files, twice)
	applyFiles(t, conn, files)
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, Policy{})
	require.NoError(t, err)
	require.Empty(t, again)
	var rows string
	require.NoError(t, conn.DB.QueryRowContext(ctx, `SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM users`).Scan(&rows))
	require.Equal(t, "1:new,2:done,3:new", rows)
}

// A row still holds the removed value, or an array holds it: the file
// stops at its guard, whose message names the table, the column, the
// number of rows and the value, and the schema is as it was (the type
// keeps its values, there is no old type, nothing is left half done).
func TestPlanEnumSwapGuard(t *testing.T) {
	ctx := context.Background()
	for name, rows := range map[string]struct{ insert, msg string }{
		"column": {`INSERT INTO users VALUES (1, 'a', 'held'), (2, 'b', 'new'), (3, 'c', 'held')`,
			`ERROR: table "users" column "status": 2 row(s) hold a value that enum type "status" will not have: 'held' (SQLSTATE P0001)`},
		"array": {`INSERT INTO posts VALUES (1, '{new,held,held}'), (2, '{held}'), (3, '{new}')`,
			`ERROR: table "posts" column "states": 2 row(s) hold a value that enum type "status" will not have: 'held' (SQLSTATE P0001)`},
	} {
		t.Run(name, func(t *testing.T) {
			cur, conn := inspect(t, swapBefore+rows.insert)
			want, _ := inspect(t, `CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE users (id bigint PRIMARY KEY, email text, status status NOT NULL DEFAULT 'new', CONSTRAINT users_not_held CHECK (id > 0));
CREATE UNIQUE INDEX users_email ON users (email) WHERE status <> 'done';
CREATE TABLE posts (id bigint PRIMARY KEY, states status[]);
CREATE VIEW open_users AS SELECT id, status FROM users WHERE status = 'new';`)
			files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "swap", nil, day, Policy{})
			require.NoError(t, err)
			require.Len(t, files, 1)
			_, err = conn.DB.ExecContext(ctx, "BEGIN;\n"+string(files[0].Data)+"COMMIT;")
			require.EqualError(t, err, rows.msg)
			_, err = conn.DB.ExecContext(ctx, "ROLLBACK")
			require.NoError(t, err)
			after, err := conn.Inspect(ctx)
			require.NoError(t, err)
			again, _, err := Plan(ctx, conn.Driver, nil, after, cur, "again", nil, day, Policy{})
			require.NoError(t, err)
			require.Empty(t, again, "the schema is as it was")
			var labels string
			require.NoError(t, conn.DB.QueryRowContext(ctx, `SELECT string_agg(t.typname || ':' || e.enumlabel, ',' ORDER BY t.typname, e.enumsortorder)
FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid`).Scan(&labels))
			require.Equal(t, "status:new,status:held,status:done", labels)
		})
	}
}

// Values only reordered: a swap without a guard (every value casts).
func TestPlanEnumReorder(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE users (id bigint PRIMARY KEY, status status DEFAULT 'new');
INSERT INTO users VALUES (1, 'new'), (2, 'done'), (3, NULL);`)
	want, _ := inspect(t, `CREATE TYPE status AS ENUM ('done', 'new');
CREATE TABLE users (id bigint PRIMARY KEY, status status DEFAULT 'new');`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "reorder", nil, day, Policy{})
	require.NoError(t, err)
	requireFile(t, files, "20300101000000_reorder.sql", `-- Rename enum type "status" to "status_old", to swap it for one with the new values
ALTER TYPE "status" RENAME TO "status_old";
-- Create enum type "status" with its new values
CREATE TYPE "status" AS ENUM ('done', 'new');
-- Convert column "status" of table "users" to the new enum type "status"
ALTER TABLE "users" ALTER COLUMN "status" DROP DEFAULT, ALTER COLUMN "status" TYPE "status" USING "status"::text::"status", ALTER COLUMN "status" SET DEFAULT 'new';
-- Drop enum type "status_old", the old "status"
DROP TYPE "status_old";
`)
	applyFiles(t, conn, files)
	var order string
	require.NoError(t, conn.DB.QueryRowContext(ctx, `SELECT string_agg(status::text, ',' ORDER BY status) FROM users`).Scan(&order))
	require.Equal(t, "done,new", order, "the rows sort in the new order")
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, Policy{})
	require.NoError(t, err)
	require.Empty(t, again)
}

// A type of another schema, whose old name another table already has, and
// a second swap in the plan: each old type gets a name of its own,
// qualified where it is dropped.
func TestPlanEnumSwapNames(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE SCHEMA history; CREATE TYPE history.kind AS ENUM ('a', 'b');
CREATE TABLE history.kind_old (id int); CREATE TABLE history.log (id int, kind history.kind);
CREATE TYPE mood AS ENUM ('up', 'down'); CREATE TABLE days (mood mood);
INSERT INTO history.log VALUES (1, 'a'); INSERT INTO days VALUES ('up');`)
	want, _ := inspect(t, `CREATE SCHEMA history; CREATE TYPE history.kind AS ENUM ('a');
CREATE TABLE history.kind_old (id int); CREATE TABLE history.log (id int, kind history.kind);
CREATE TYPE mood AS ENUM ('down', 'up'); CREATE TABLE days (mood mood);`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "names", nil, day, Policy{})
	require.NoError(t, err)
	require.Len(t, files, 1)
	text := string(files[0].Data)
	require.Contains(t, text, `RAISE EXCEPTION '%: % row(s) hold a value that enum type % will not have: %', 'table "history"."log" column "kind"', n, '"history"."kind"',`)
	require.Contains(t, text, "ALTER TYPE \"history\".\"kind\" RENAME TO \"kind_old2\";\n")
	require.Contains(t, text, "CREATE TYPE \"history\".\"kind\" AS ENUM ('a');\n")
	require.Contains(t, text, `ALTER TABLE "history"."log" ALTER COLUMN "kind" TYPE "history"."kind" USING "kind"::text::"history"."kind";`)
	require.Contains(t, text, "DROP TYPE \"history\".\"kind_old2\";\n")
	require.Contains(t, text, "ALTER TYPE \"mood\" RENAME TO \"mood_old\";\n")
	applyFiles(t, conn, files)
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, Policy{})
	require.NoError(t, err)
	require.Empty(t, again)
}

// A function that takes the type would keep the renamed old type alive:
// the swap is refused with an error naming the function.
func TestPlanEnumSwapRefusesFunction(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE users (id int, status status);
CREATE FUNCTION is_done(s status) RETURNS boolean LANGUAGE sql AS $$ SELECT s = 'done' $$;`)
	want, _ := inspect(t, `CREATE TYPE status AS ENUM ('done');
CREATE TABLE users (id int, status status);
CREATE FUNCTION is_done(s status) RETURNS boolean LANGUAGE sql AS $$ SELECT s = 'done' $$;`)
	_, _, err := Plan(ctx, conn.Driver, nil, cur, want, "swap", nil, day, Policy{})
	require.ErrorIs(t, err, ErrUnplannable)
	require.ErrorContains(t, err, `enum type "status" loses or reorders values, which takes a type swap`)
	require.ErrorContains(t, err, `but function public.is_done(status) takes or returns it`)
}

// A column moved to another enum type (a field's SchemaType changed, or a
// type renamed in Ent, which Atlas sees as a type dropped and one
// created): after its guard (the old type has a value the new one lacks),
// converted with USING, its default dropped and set again; the old type
// dropped after the column left it. A check comparing the column is
// created again over the new type.
func TestPlanEnumMove(t *testing.T) {
	ctx := context.Background()
	const before = `CREATE TYPE userstatus AS ENUM ('pending', 'active', 'gone');
CREATE TYPE other AS ENUM ('x');
CREATE TABLE users (id int, status userstatus NOT NULL DEFAULT 'pending', CONSTRAINT users_live CHECK (status <> 'pending' OR id > 0));
`
	const desired = `CREATE TYPE casestatus AS ENUM ('pending', 'active');
CREATE TYPE other AS ENUM ('x');
CREATE TABLE users (id int, status casestatus NOT NULL DEFAULT 'active', CONSTRAINT users_live CHECK (status <> 'pending'));`
	cur, conn := inspect(t, before+`INSERT INTO users VALUES (1, 'active');`)
	want, _ := inspect(t, desired)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "move", nil, day, Policy{})
	require.NoError(t, err)
	requireFile(t, files, "20300101000000_move.sql", `-- Drop the checks of table "users" that compare an enum column, to create them again after its type changes
ALTER TABLE "users" DROP CONSTRAINT "users_live";
-- Create enum type "casestatus"
CREATE TYPE "casestatus" AS ENUM ('pending', 'active');
-- Guard: fail, changing nothing, if table "users" column "status" holds a value enum type "casestatus" will not have
DO $guard$
DECLARE
  n bigint;
  found text[];
BEGIN
  SELECT count(*), array_agg(DISTINCT quote_literal(r."status"::text)) INTO n, found
    FROM "users" AS r WHERE r."status"::text <> ALL (ARRAY['pending', 'active']::text[]);
  IF n > 0 THEN
    RAISE EXCEPTION '%: % row(s) hold a value that enum type % will not have: %', 'table "users" column "status"', n, '"casestatus"',
      array_to_string(found[1:10], ', ') || CASE WHEN cardinality(found) > 10 THEN ', ...' ELSE '' END
      USING HINT = 'update or delete those rows (or keep the values in the schema), then apply the migration again';
  END IF;
END
$guard$;
-- Move column "status" of table "users" from enum type "userstatus" to enum type "casestatus"
ALTER TABLE "users" ALTER COLUMN "status" DROP DEFAULT, ALTER COLUMN "status" TYPE "casestatus" USING "status"::text::"casestatus", ALTER COLUMN "status" SET DEFAULT 'active';
-- Modify "users" table
ALTER TABLE "users" ADD CONSTRAINT "users_live" CHECK (status <> 'pending'::casestatus);
-- Drop enum type "userstatus"
DROP TYPE "userstatus";
`)
	applyFiles(t, conn, files)
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, Policy{})
	require.NoError(t, err)
	require.Empty(t, again)

	// A row holds the value the new type lacks: the guard stops the file.
	cur, conn = inspect(t, before+`INSERT INTO users VALUES (1, 'gone'), (2, 'active');`)
	files, _, err = Plan(ctx, conn.Driver, nil, cur, want, "move", nil, day, Policy{})
	require.NoError(t, err)
	_, err = conn.DB.ExecContext(ctx, "BEGIN;\n"+string(files[0].Data)+"COMMIT;")
	require.EqualError(t, err, `ERROR: table "users" column "status": 1 row(s) hold a value that enum type "casestatus" will not have: 'gone' (SQLSTATE P0001)`)
}

// The other way round from a swap: a down that adds back a value the up
// removed and uses it (the default) would fail in its one transaction
// (55P04) with ALTER TYPE … ADD VALUE; it swaps the type instead.
func TestPlanDownSwapsAddedValuesInUse(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TYPE status AS ENUM ('new', 'held', 'done');
CREATE TABLE users (id bigint PRIMARY KEY, status status NOT NULL DEFAULT 'held');
INSERT INTO users VALUES (1, 'new'), (2, 'done');`)
	want, _ := inspect(t, `CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE users (id bigint PRIMARY KEY, status status NOT NULL DEFAULT 'new');`)
	p, err := PlanFormat(ctx, conn.Driver, nil, cur, want, "unhold", nil, at, dirformat.GolangMigrate, Policy{})
	require.NoError(t, err)
	require.Len(t, p.Files, 2)
	down := string(p.Files[1].Data)
	require.Contains(t, down, "CREATE TYPE \"status\" AS ENUM ('new', 'held', 'done');\n")
	require.Contains(t, down, `ALTER COLUMN "status" SET DEFAULT 'held'`)
	require.NotContains(t, down, "ADD VALUE")
	require.NotContains(t, down, "DO $guard$", "every value casts back")
	for _, f := range []string{string(p.Files[0].Data), down} {
		_, err := conn.DB.ExecContext(ctx, "BEGIN;\n"+f+"COMMIT;")
		require.NoError(t, err, f)
	}
	back, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, back, cur, "again", nil, at, Policy{})
	require.NoError(t, err)
	require.Empty(t, again)
}

// requireFile asserts files is the one file name holding want.
func requireFile(t *testing.T, files []migdir.NewFile, name, want string) {
	t.Helper()
	require.Len(t, files, 1)
	require.Equal(t, name, files[0].Name)
	require.Equal(t, want, string(files[0].Data))
}

// A --rename of the type with a value removed: the rename opens the file
// (applyRenames), then the swap names the type by its new name, and the
// file applies on the database that still has the old one.
func TestPlanEnumsAfterTypeRename(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TYPE userstatus AS ENUM ('pending', 'active', 'gone');
CREATE TABLE users (id int, status userstatus DEFAULT 'pending');
INSERT INTO users VALUES (1, 'active');`)
	want, _ := inspect(t, `CREATE TYPE casestatus AS ENUM ('active', 'pending');
CREATE TABLE users (id int, status casestatus DEFAULT 'pending');`)
	pol := Policy{Renames: []Rename{{Kind: RenameType, Object: "userstatus", To: "casestatus"}}}
	plans, _, err := plan(ctx, conn.Driver, nil, cur, want, "swap", false, pol)
	require.NoError(t, err)
	require.Len(t, plans, 1)
	var cmds []string
	var sql string
	for _, c := range plans[0].Changes {
		cmds = append(cmds, c.Cmd)
		sql += c.Cmd + ";\n"
	}
	require.Equal(t, `ALTER TYPE "userstatus" RENAME TO "casestatus"`, cmds[0])
	require.Contains(t, cmds, `ALTER TYPE "casestatus" RENAME TO "casestatus_old"`)
	require.Less(t, slices.Index(cmds, `ALTER TYPE "userstatus" RENAME TO "casestatus"`), slices.Index(cmds, `ALTER TYPE "casestatus" RENAME TO "casestatus_old"`))
	_, err = conn.DB.ExecContext(ctx, "BEGIN;\n"+sql+"COMMIT;")
	require.NoError(t, err, sql)
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, Policy{})
	require.NoError(t, err)
	require.Empty(t, again)
}

// An array of one enum type moved to an array of another: each element
// is cast, and the guard counts rows holding an element the new type
// lacks.
func TestPlanEnumMoveArray(t *testing.T) {
	ctx := context.Background()
	const before = `CREATE TYPE mood AS ENUM ('up', 'down', 'meh');
CREATE TABLE days (id int, moods mood[] DEFAULT '{up}');
`
	want, _ := inspect(t, `CREATE TYPE feeling AS ENUM ('up', 'down');
CREATE TABLE days (id int, moods feeling[] DEFAULT '{up}');`)
	cur, conn := inspect(t, before+`INSERT INTO days VALUES (1, '{up,down}'), (2, NULL), (3, '{}');`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "feel", nil, day, Policy{})
	require.NoError(t, err)
	require.Len(t, files, 1)
	require.Contains(t, string(files[0].Data), `ALTER TABLE "days" ALTER COLUMN "moods" DROP DEFAULT, ALTER COLUMN "moods" TYPE "feeling"[] USING "moods"::text[]::"feeling"[], ALTER COLUMN "moods" SET DEFAULT '{up}';`)
	applyFiles(t, conn, files)
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, Policy{})
	require.NoError(t, err)
	require.Empty(t, again)

	cur, conn = inspect(t, before+`INSERT INTO days VALUES (1, '{up,meh,meh}'), (2, '{meh}'), (3, '{down}');`)
	files, _, err = Plan(ctx, conn.Driver, nil, cur, want, "feel", nil, day, Policy{})
	require.NoError(t, err)
	_, err = conn.DB.ExecContext(ctx, "BEGIN;\n"+string(files[0].Data)+"COMMIT;")
	require.EqualError(t, err, `ERROR: table "days" column "moods": 2 row(s) hold a value that enum type "feeling" will not have: 'meh' (SQLSTATE P0001)`)
}

// A varchar column with a CHECK comparing it with strings, turned into an
// enum: the CHECK is dropped before the conversion and created after it
// as the desired state defines it, so one diff brings the two in sync
// (found on openmeter's settlement_type).
func TestPlanEnumConvertRebuildsChecks(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE t (id int, kind varchar NOT NULL, CONSTRAINT t_kind CHECK (kind IN ('a', 'b')));
INSERT INTO t VALUES (1, 'a'), (2, 'b');`)
	want, _ := inspect(t, `CREATE TYPE kind AS ENUM ('a', 'b');
CREATE TABLE t (id int, kind kind NOT NULL, CONSTRAINT t_kind CHECK (kind IN ('a', 'b')));`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "convert", nil, day, safe)
	require.NoError(t, err)
	text := ""
	for _, f := range files {
		text += string(f.Data)
	}
	require.Contains(t, text, `DROP CONSTRAINT "t_kind"`)
	applyFiles(t, conn, files)
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, safe)
	require.NoError(t, err)
	require.Empty(t, again, text)
}
