package diffplan

import (
	"context"
	"strings"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

var at = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// A first migration in each format: the down drops what the up creates,
// in an order PostgreSQL accepts, and leaves the database empty.
func TestPlanFormatDowns(t *testing.T) {
	ctx := context.Background()
	const schema = `CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE users (id bigint PRIMARY KEY, status status NOT NULL DEFAULT 'new');
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
CREATE INDEX posts_user_id ON posts (user_id);`
	for _, tt := range []struct {
		format dirformat.Format
		names  []string
		up     func(files map[string]string) string
		down   func(files map[string]string) string
	}{
		{dirformat.GolangMigrate, []string{"20300102030405_init.up.sql", "20300102030405_init.down.sql"},
			func(fs map[string]string) string { return fs["20300102030405_init.up.sql"] },
			func(fs map[string]string) string { return fs["20300102030405_init.down.sql"] }},
		{dirformat.Flyway, []string{"V20300102030405__init.sql", "U20300102030405__init.sql"},
			func(fs map[string]string) string { return fs["V20300102030405__init.sql"] },
			func(fs map[string]string) string { return fs["U20300102030405__init.sql"] }},
		{dirformat.Goose, []string{"20300102030405_init.sql"},
			func(fs map[string]string) string {
				return section(t, fs["20300102030405_init.sql"], "-- +goose Up\n", "\n-- +goose Down\n", 0)
			},
			func(fs map[string]string) string {
				return section(t, fs["20300102030405_init.sql"], "-- +goose Up\n", "\n-- +goose Down\n", 1)
			}},
		{dirformat.DBMate, []string{"20300102030405_init.sql"},
			func(fs map[string]string) string {
				return section(t, fs["20300102030405_init.sql"], "-- migrate:up\n", "\n-- migrate:down\n", 0)
			},
			func(fs map[string]string) string {
				return section(t, fs["20300102030405_init.sql"], "-- migrate:up\n", "\n-- migrate:down\n", 1)
			}},
	} {
		t.Run(string(tt.format), func(t *testing.T) {
			cur, conn := inspect(t, "")
			want, _ := inspect(t, schema)
			p, err := PlanFormat(ctx, conn.Driver, nil, cur, want, "init", nil, at, tt.format, Policy{})
			require.NoError(t, err)
			files := map[string]string{}
			var names []string
			for _, f := range p.Files {
				files[f.Name] = string(f.Data)
				names = append(names, f.Name)
			}
			require.Equal(t, tt.names, names)
			require.Len(t, p.Downs, 1)
			require.Equal(t, tt.down(files), string(p.Downs[0].Data))
			_, err = conn.DB.ExecContext(ctx, tt.up(files))
			require.NoError(t, err)
			after, err := conn.Inspect(ctx)
			require.NoError(t, err)
			again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, at, Policy{})
			require.NoError(t, err)
			require.Empty(t, again)
			_, err = conn.DB.ExecContext(ctx, tt.down(files))
			require.NoError(t, err, tt.down(files))
			back, err := conn.Inspect(ctx)
			require.NoError(t, err)
			again, _, err = Plan(ctx, conn.Driver, nil, back, cur, "again", nil, at, Policy{})
			require.NoError(t, err)
			require.Empty(t, again)
		})
	}
}

// section returns part i of content after prefix, split at sep.
func section(t *testing.T, content, prefix, sep string, i int) string {
	t.Helper()
	rest, ok := strings.CutPrefix(content, prefix)
	require.True(t, ok, content)
	parts := strings.SplitN(rest, sep, 2)
	require.Len(t, parts, 2, content)
	return parts[i]
}

// The down of added enum values removes them: a type swap, which runs in
// the down's one transaction even where the down uses a value it adds
// back. When the up uses a value it adds, the values go first, in a
// version of their own, whose down takes them out; the later version's
// down reverts that version alone (see versionDowns). Up, downs (newest
// first) and up again apply (a down that kept the values would make the
// second up fail: "enum label already exists"); the guard stops the
// values' down while a row holds one of them.
func TestPlanFormatEnumValues(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE users (id bigint PRIMARY KEY, status status NOT NULL DEFAULT 'new');
INSERT INTO users VALUES (1, 'new'), (2, 'done');`)
	want, _ := inspect(t, `CREATE TYPE status AS ENUM ('new', 'held', 'done');
CREATE TABLE users (id bigint PRIMARY KEY, status status NOT NULL DEFAULT 'held', note text);`)
	p, err := PlanFormat(ctx, conn.Driver, lend, cur, want, "hold", []migrate.File{migrate.NewLocalFile("1_init.up.sql", nil)}, at, dirformat.GolangMigrate, Policy{})
	require.NoError(t, err)
	var names []string
	for _, f := range p.Files {
		names = append(names, f.Name)
	}
	require.Equal(t, []string{"20300102030405_hold_enum_values.up.sql", "20300102030405_hold_enum_values.down.sql", "20300102030406_hold.up.sql", "20300102030406_hold.down.sql"}, names)
	require.Equal(t, "-- add value to enum type: \"status\"\nALTER TYPE \"status\" ADD VALUE 'held' AFTER 'new';\n", string(p.Files[0].Data))
	valuesDown := string(p.Files[1].Data)
	require.Equal(t, `-- guard: fail, changing nothing, if table "users" column "status" holds a value enum type "status" will not have
DO $guard$
DECLARE
  n bigint;
  found text[];
BEGIN
  SELECT count(*), array_agg(DISTINCT quote_literal(r."status"::text)) INTO n, found
    FROM "users" AS r WHERE r."status"::text <> ALL (ARRAY['new', 'done']::text[]);
  IF n > 0 THEN
    RAISE EXCEPTION '%: % row(s) hold a value that enum type % will not have: %', 'table "users" column "status"', n, '"status"',
      array_to_string(found[1:10], ', ') || CASE WHEN cardinality(found) > 10 THEN ', ...' ELSE '' END
      USING HINT = 'update or delete those rows (or keep the values in the schema), then apply the migration again';
  END IF;
END
$guard$;
-- rename enum type "status" to "status_old", to swap it for one with the new values
ALTER TYPE "status" RENAME TO "status_old";
-- create enum type "status" with its new values
CREATE TYPE "status" AS ENUM ('new', 'done');
-- convert column "status" of table "users" to the new enum type "status"
ALTER TABLE "users" ALTER COLUMN "status" DROP DEFAULT, ALTER COLUMN "status" TYPE "status" USING "status"::text::"status", ALTER COLUMN "status" SET DEFAULT 'new';
-- drop enum type "status_old", the old "status"
DROP TYPE "status_old";
`, valuesDown)
	mainDown := string(p.Files[3].Data)
	require.Equal(t, "-- modify \"users\" table\nALTER TABLE \"users\" ALTER COLUMN \"status\" SET DEFAULT 'new', DROP COLUMN \"note\";\n", mainDown)

	exec := func(sql string) error { _, err := conn.DB.ExecContext(ctx, sql); return err }
	up := func() {
		require.NoError(t, exec(string(p.Files[0].Data)))
		require.NoError(t, exec(string(p.Files[2].Data)))
	}
	up()
	require.NoError(t, exec(mainDown))
	require.NoError(t, exec(valuesDown))
	back, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, back, cur, "again", nil, at, Policy{})
	require.NoError(t, err)
	require.Empty(t, again)
	up()

	// A row holds the added value: the values' down stops, naming it, and
	// changes nothing.
	require.NoError(t, exec(`INSERT INTO users VALUES (3, 'held')`))
	require.NoError(t, exec(mainDown))
	err = exec(valuesDown)
	require.ErrorContains(t, err, `table "users" column "status": 1 row(s) hold a value that enum type "status" will not have: 'held'`)
	var values string
	require.NoError(t, conn.DB.QueryRowContext(ctx, `SELECT enum_range(NULL::status)::text`).Scan(&values))
	require.Equal(t, "{new,held,done}", values)
}

// A function the directory creates and a desired state that declares no
// functions (Ent alone): neither the up nor the down touches it.
func TestPlanFormatUndeclaredFunction(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE t (id int);
CREATE FUNCTION t_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM t $$;`)
	want, _ := inspect(t, `CREATE TABLE t (id int, note text);`)
	pgdb.SetUndeclared(want, true)
	p, err := PlanFormat(ctx, conn.Driver, nil, cur, want, "note", nil, at, dirformat.GolangMigrate, Policy{})
	require.NoError(t, err)
	require.Len(t, p.Files, 2)
	require.Equal(t, "-- modify \"t\" table\nALTER TABLE \"t\" ADD COLUMN \"note\" text NULL;\n", string(p.Files[0].Data))
	require.Equal(t, "-- modify \"t\" table\nALTER TABLE \"t\" DROP COLUMN \"note\";\n", string(p.Files[1].Data))
}

// In golang-migrate and dbmate directories every statement that must run
// outside a transaction is a version of its own: their tools send a file
// (a section) as one query, which PostgreSQL runs as one implicit
// transaction, and CONCURRENTLY refuses that. Each up file runs as
// golang-migrate runs it.
func TestPlanFormatOneConcurrentStatementEach(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE t (id int, a int, b int); INSERT INTO t SELECT i, i, i FROM generate_series(1, 9) AS i;`)
	want, _ := inspect(t, `CREATE TABLE t (id int, a int, b int); CREATE INDEX t_a ON t (a); CREATE UNIQUE INDEX t_b ON t (b);`)
	for _, f := range []dirformat.Format{dirformat.GolangMigrate, dirformat.DBMate} {
		p, err := PlanFormat(ctx, conn.Driver, lend, cur, want, "idx", nil, day, f, safe)
		require.NoError(t, err)
		var ups []string
		for _, file := range p.Files {
			if !strings.HasSuffix(file.Name, ".down.sql") {
				ups = append(ups, string(file.Data))
			}
		}
		require.Len(t, ups, 2, "%s: one version per CONCURRENTLY statement", f)
		for _, up := range ups {
			require.Equal(t, 1, strings.Count(up, "CONCURRENTLY"), up)
		}
		if f != dirformat.GolangMigrate {
			continue
		}
		for _, up := range ups {
			_, err := conn.DB.ExecContext(ctx, up)
			require.NoError(t, err, up)
		}
		after, err := conn.Inspect(ctx)
		require.NoError(t, err)
		again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, safe)
		require.NoError(t, err)
		require.Empty(t, again)
	}
}
