package diffplan

import (
	"context"
	"database/sql"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/exclude"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// lend is a pgdb.Dev on the test server: a fresh database per call.
func lend(ctx context.Context, use func(*pgdb.Conn) error) error {
	u, err := server.CreateDatabase(ctx)
	if err != nil {
		return err
	}
	c, err := pgdb.ConnectDev(ctx, u)
	if err != nil {
		return err
	}
	defer c.Close()
	return use(c)
}

// version is one version of a planned change, its up and its down as its
// format's tool runs them.
type version struct {
	name     string
	up, down string
	// The up, or both (golang-migrate), run as one query, not inside
	// BEGIN and COMMIT: PostgreSQL runs one of several statements as one
	// implicit transaction, and one statement alone outside any.
	upOneQuery, downOneQuery bool
	// The up, or both (goose's NO TRANSACTION), run one statement at a
	// time, outside a transaction.
	upEach, downEach bool
}

// versionsOf reads the versions of p's files in format f, oldest first.
func versionsOf(t *testing.T, f dirformat.Format, files []migdir.NewFile) []version {
	t.Helper()
	var out []version
	switch f {
	case dirformat.GolangMigrate:
		require.Zero(t, len(files)%2)
		for i := 0; i < len(files); i += 2 {
			up, down := files[i], files[i+1]
			name, ok := strings.CutSuffix(up.Name, ".up.sql")
			require.True(t, ok, up.Name)
			require.Equal(t, name+".down.sql", down.Name)
			out = append(out, version{name: name, up: string(up.Data), down: string(down.Data), upOneQuery: true, downOneQuery: true})
		}
	case dirformat.DBMate:
		for _, file := range files {
			rest, ok := strings.CutPrefix(string(file.Data), "-- migrate:up")
			require.True(t, ok, file.Name)
			opts, rest, _ := strings.Cut(rest, "\n")
			up, down, ok := strings.Cut(rest, "\n-- migrate:down\n")
			require.True(t, ok, file.Name)
			out = append(out, version{name: file.Name, up: up, down: down, upOneQuery: strings.Contains(opts, "transaction:false")})
		}
	case dirformat.Goose:
		for _, file := range files {
			rest := string(file.Data)
			noTx := strings.HasPrefix(rest, "-- +goose NO TRANSACTION\n")
			rest = strings.TrimPrefix(rest, "-- +goose NO TRANSACTION\n")
			rest, ok := strings.CutPrefix(rest, "-- +goose Up\n")
			require.True(t, ok, file.Name)
			up, down, ok := strings.Cut(rest, "\n-- +goose Down\n")
			require.True(t, ok, file.Name)
			out = append(out, version{name: file.Name, up: up, down: down, upEach: noTx, downEach: noTx})
		}
	case dirformat.Flyway:
		require.Zero(t, len(files)%2)
		for i := 0; i < len(files); i += 2 {
			up, down := files[i], files[i+1]
			name, ok := strings.CutPrefix(up.Name, "V")
			require.True(t, ok, up.Name)
			require.Equal(t, "U"+name, down.Name)
			// Flyway runs a script that holds CONCURRENTLY outside a
			// transaction, statement by statement.
			out = append(out, version{name: up.Name, up: string(up.Data), down: string(down.Data), upEach: strings.Contains(string(up.Data), "CONCURRENTLY")})
		}
	default:
		t.Fatalf("no runner for format %s", f)
	}
	return out
}

// runUp and runDown run a version as golang-migrate runs a file, as one
// query, as dbmate runs a section, in a transaction but for
// transaction:false, or as goose and Flyway run one outside a transaction,
// a statement at a time.
func runUp(ctx context.Context, db *sql.DB, v version) error {
	return run1(ctx, db, v.up, v.upOneQuery, v.upEach)
}

func runDown(ctx context.Context, db *sql.DB, v version) error {
	return run1(ctx, db, v.down, v.downOneQuery, v.downEach)
}

func run1(ctx context.Context, db *sql.DB, sql string, oneQuery, each bool) error {
	if each {
		// Such files hold statements of one line each (no DO block).
		for _, stmt := range strings.SplitAfter(sql, ";\n") {
			if _, err := db.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	}
	if oneQuery {
		_, err := db.ExecContext(ctx, sql)
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, sql); err != nil {
		return err
	}
	return tx.Commit()
}

// pgDump is the schema of the database at url as pg_dump writes it.
func pgDump(t *testing.T, url string) string {
	t.Helper()
	bin, err := devdb.FindBinaries()
	require.NoError(t, err)
	out, err := exec.Command(filepath.Join(bin.Dir, "pg_dump"), "--no-owner", "--schema-only", "--dbname", url).Output()
	require.NoError(t, err)
	var kept []string
	for _, l := range strings.Split(string(out), "\n") {
		// \restrict and \unrestrict carry a random key per dump.
		if !strings.HasPrefix(l, `\restrict `) && !strings.HasPrefix(l, `\unrestrict `) {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// database is a fresh database holding setup, and its URL.
func database(t *testing.T, setup string) (*sql.DB, string) {
	t.Helper()
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	c, err := pgdb.ConnectDev(ctx, u)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	_, err = c.DB.ExecContext(ctx, setup)
	require.NoError(t, err)
	return c.DB, u
}

// checkVersionDowns proves that each version's down reverts that version
// alone, as golang-migrate's `down N` and `up N` use them: on a database
// holding setup (the directory's schema, with rows) all the ups apply;
// the downs, newest first, one at a time, each leave the schema the ups
// before it make (pg_dump, schema only, byte for byte, against a
// database where only those ups ran); the ups apply again; and for every
// k, `down k` then `up k` leave the full schema. It returns the pg_dump of
// each state, before the first version and after each.
func checkVersionDowns(t *testing.T, setup string, vs []version) []string {
	t.Helper()
	ctx := context.Background()
	states := make([]string, len(vs)+1)
	ref, refURL := database(t, setup)
	states[0] = pgDump(t, refURL)
	for i, v := range vs {
		require.NoError(t, runUp(ctx, ref, v), "%s up:\n%s", v.name, v.up)
		states[i+1] = pgDump(t, refURL)
	}
	db, url := database(t, setup)
	up := func(i int) {
		t.Helper()
		require.NoError(t, runUp(ctx, db, vs[i]), "%s up:\n%s", vs[i].name, vs[i].up)
	}
	down := func(i int) {
		t.Helper()
		require.NoError(t, runDown(ctx, db, vs[i]), "%s down:\n%s", vs[i].name, vs[i].down)
	}
	for i := range vs {
		up(i)
	}
	require.Equal(t, states[len(vs)], pgDump(t, url))
	for i := len(vs) - 1; i >= 0; i-- {
		down(i)
		require.Equal(t, states[i], pgDump(t, url), "after the downs of %s and the versions after it", vs[i].name)
	}
	for i := range vs {
		up(i)
		require.Equal(t, states[i+1], pgDump(t, url), "after the ups up to %s", vs[i].name)
	}
	for k := 1; k < len(vs); k++ {
		for i := len(vs) - 1; i >= len(vs)-k; i-- {
			down(i)
		}
		require.Equal(t, states[len(vs)-k], pgDump(t, url), "after down %d", k)
		for i := len(vs) - k; i < len(vs); i++ {
			up(i)
		}
		require.Equal(t, states[len(vs)], pgDump(t, url), "after down %d and up %d", k, k)
	}
	return states
}

// One change split into eight versions (table other, which it does not
// touch, is left off the dev database: scope): an enum value the rest uses
// goes first, an index dropped CONCURRENTLY, the rest in a transaction,
// two indexes created CONCURRENTLY and an index rebuilt by a swap (built
// beside, the old one dropped, the new one renamed), each statement of
// those a version of its own in golang-migrate and dbmate (in goose and
// Flyway the creations and the swap are one version: four in all). Each
// version's down reverts that version alone, without CONCURRENTLY: the
// enum value's down is the guarded type swap, the concurrent creations'
// downs plain DROP INDEX, the swap's rename a rename back. Before, the
// last version's down held the whole change and the others were empty:
// golang-migrate's `down 1` took the whole change back and `up 1` failed.
func TestPlanFormatVersionDowns(t *testing.T) {
	ctx := context.Background()
	const setup = `CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE p (id bigint PRIMARY KEY);
CREATE TABLE t (id bigint PRIMARY KEY, status status NOT NULL DEFAULT 'new', a int, b int, p_id bigint REFERENCES p (id));
CREATE INDEX t_old ON t (a, b);
CREATE INDEX t_s ON t (a) WHERE a > 0;
CREATE TABLE other (id bigint PRIMARY KEY, note text);
INSERT INTO p VALUES (1);
INSERT INTO t SELECT i, 'done', i, i, 1 FROM generate_series(1, 20) AS i;`
	cur, conn := inspect(t, setup)
	want, _ := inspect(t, `CREATE TYPE status AS ENUM ('new', 'held', 'done');
CREATE TABLE p (id bigint PRIMARY KEY);
CREATE TABLE t (id bigint PRIMARY KEY, status status NOT NULL DEFAULT 'held', a int, b int, p_id bigint REFERENCES p (id), note text);
CREATE INDEX t_a ON t (a);
CREATE UNIQUE INDEX t_b ON t (b);
CREATE INDEX t_s ON t (a) WHERE a > 5;
CREATE TABLE other (id bigint PRIMARY KEY, note text);`)
	existing := []migrate.File{migrate.NewLocalFile("20300102030405_init.sql", nil)}
	for _, f := range []dirformat.Format{dirformat.GolangMigrate, dirformat.DBMate, dirformat.Goose, dirformat.Flyway} {
		t.Run(string(f), func(t *testing.T) {
			p, err := PlanFormat(ctx, conn.Driver, lend, cur, want, "hold", existing, at, f, safe)
			require.NoError(t, err)
			vs := versionsOf(t, f, p.Files)
			require.Len(t, p.Downs, len(vs))
			for i, v := range vs {
				require.Equal(t, v.down, string(p.Downs[i].Data), v.name)
				require.NotContains(t, v.down, "CONCURRENTLY", v.name)
			}
			if f == dirformat.Goose || f == dirformat.Flyway {
				// Several statements outside a transaction in one
				// version: the creations and the swap, whose down
				// builds the old definition again.
				require.Len(t, vs, 4)
				require.Equal(t, `-- drop index "t_a" from table: "t"
DROP INDEX "t_a";
-- drop index "t_b" from table: "t"
DROP INDEX "t_b";
-- drop index "t_s" from table: "t"
DROP INDEX "t_s";
-- create index "t_s" to table: "t"
CREATE INDEX "t_s" ON "t" ("a") WHERE (a > 0);
`, vs[3].down)
				checkVersionDowns(t, setup, vs)
				return
			}
			var names []string
			for _, v := range vs {
				names = append(names, strings.TrimSuffix(v.name, ".sql"))
			}
			require.Equal(t, []string{
				"20300102030406_hold_enum_values", "20300102030407_hold_drop_indexes", "20300102030408_hold",
				"20300102030409_hold_create_indexes", "20300102030410_hold_create_indexes",
				"20300102030411_hold_create_indexes", "20300102030412_hold_create_indexes", "20300102030413_hold_create_indexes",
			}, names)
			require.Contains(t, vs[0].down, `CREATE TYPE "status" AS ENUM ('new', 'done');`)
			require.Contains(t, vs[0].down, "DO $guard$")
			require.Equal(t, "-- create index \"t_old\" to table: \"t\"\nCREATE INDEX \"t_old\" ON \"t\" (\"a\", \"b\");\n", vs[1].down)
			require.NotContains(t, vs[2].down, "TYPE", "the main version's down leaves the enum to the first version's")
			require.Equal(t, "-- modify \"t\" table\nALTER TABLE \"t\" ALTER COLUMN \"status\" SET DEFAULT 'new', DROP COLUMN \"note\";\n", vs[2].down)
			require.Equal(t, "-- drop index \"t_a\" from table: \"t\"\nDROP INDEX \"t_a\";\n", vs[3].down)
			require.Equal(t, "-- rename index \"t_s\" to \"t_s_ccnew\"\nALTER INDEX \"t_s\" RENAME TO \"t_s_ccnew\";\n", vs[7].down)

			checkVersionDowns(t, setup, vs)
		})
	}
}

// The cost of a down per version: a change split into four versions (an
// enum value the rest uses, two indexes created CONCURRENTLY) on a schema
// of n tables, each referencing the one before, planned for Atlas's
// format (no downs) and for golang-migrate (what the versions touch of
// the directory's schema created on a dev database, and inspected once
// before the versions and once after each). The enum type is used by one
// table (every=n) or by every table (every=1, so all of them are created):
//
//	go test ./internal/diffplan -run XXX -bench PlanFormatVersionDowns -count 5
func BenchmarkPlanFormatVersionDowns(b *testing.B) {
	ctx := context.Background()
	for _, c := range []struct{ n, every int }{{50, 50}, {400, 400}, {400, 1}} {
		n, every := c.n, c.every
		var before, after strings.Builder
		for _, w := range []*strings.Builder{&before, &after} {
			values := "'new', 'done'"
			if w == &after {
				values = "'new', 'held', 'done'"
			}
			fmt.Fprintf(w, "CREATE TYPE status AS ENUM (%s);\n", values)
			for i := range n {
				fmt.Fprintf(w, "CREATE TABLE t%d (id bigint PRIMARY KEY, a int, b text, c timestamptz", i)
				if i%every == 0 {
					w.WriteString(", status status NOT NULL DEFAULT 'new'")
				}
				if i > 0 {
					fmt.Fprintf(w, ", p bigint REFERENCES t%d (id)", i-1)
				}
				fmt.Fprintf(w, ");\nCREATE INDEX t%d_a ON t%d (a);\n", i, i)
			}
			if w == &after {
				w.WriteString("ALTER TABLE t0 ALTER COLUMN status SET DEFAULT 'held';\nCREATE INDEX t0_b ON t0 (b);\nCREATE INDEX t0_c ON t0 (c);\n")
			}
		}
		u, err := server.CreateDatabase(ctx)
		require.NoError(b, err)
		conn, err := pgdb.ConnectDev(ctx, u)
		require.NoError(b, err)
		_, err = conn.DB.ExecContext(ctx, before.String())
		require.NoError(b, err)
		cur, err := conn.Inspect(ctx)
		require.NoError(b, err)
		u2, err := server.CreateDatabase(ctx)
		require.NoError(b, err)
		conn2, err := pgdb.ConnectDev(ctx, u2)
		require.NoError(b, err)
		_, err = conn2.DB.ExecContext(ctx, after.String())
		require.NoError(b, err)
		want, err := conn2.Inspect(ctx)
		require.NoError(b, err)
		conn2.Close()
		b.Run(fmt.Sprintf("tables=%d/every=%d/atlas", n, every), func(b *testing.B) {
			for b.Loop() {
				files, _, err := Plan(ctx, conn.Driver, lend, cur, want, "hold", nil, at, safe)
				require.NoError(b, err)
				require.Len(b, files, 3)
			}
		})
		b.Run(fmt.Sprintf("tables=%d/every=%d/golang-migrate", n, every), func(b *testing.B) {
			for b.Loop() {
				p, err := PlanFormat(ctx, conn.Driver, lend, cur, want, "hold", nil, at, dirformat.GolangMigrate, safe)
				require.NoError(b, err)
				require.Len(b, p.Downs, 4)
			}
		})
		conn.Close()
	}
}

// scope keeps what the versions name, the tables their foreign keys
// reference, every table with a column of an enum type they name, and
// what a view they name reads; not the rest.
func TestVersionDownsScope(t *testing.T) {
	cur, _ := inspect(t, `CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE p (id bigint PRIMARY KEY);
CREATE TABLE t (id bigint PRIMARY KEY, a int, p_id bigint REFERENCES p (id));
CREATE TABLE u (id bigint PRIMARY KEY, s status[]);
CREATE TABLE other (id bigint PRIMARY KEY, note text);
CREATE TABLE read (id bigint PRIMARY KEY, note text);
CREATE VIEW notes AS SELECT id, note FROM read;`)
	kept := func(ups ...string) []string {
		var p migrate.Plan
		for _, u := range ups {
			p.Changes = append(p.Changes, &migrate.Change{Cmd: u})
		}
		var names []string
		part, all := scope(cur, []*migrate.Plan{&p})
		require.False(t, all)
		for _, s := range part.Schemas {
			for _, t := range s.Tables {
				names = append(names, t.Name)
			}
			for _, v := range s.Views {
				names = append(names, v.Name+" (view)")
			}
		}
		return names
	}
	require.Equal(t, []string{"p", "t"}, kept(`CREATE INDEX CONCURRENTLY "t_a" ON "t" ("a")`))
	require.Equal(t, []string{"u"}, kept(`ALTER TYPE "status" ADD VALUE 'held'`))
	require.Equal(t, []string{"p", "t"}, kept(`DROP INDEX CONCURRENTLY "t_pkey"`))
	require.Equal(t, []string{"read", "notes (view)"}, kept(`DROP VIEW "notes"`))
	// All of it: current itself.
	part, all := scope(cur, []*migrate.Plan{{Changes: []*migrate.Change{{Cmd: `DROP TABLE p, t, u, other, "read"; DROP VIEW notes`}}}})
	require.True(t, all)
	require.Same(t, cur, part)
}

// A version that reaches past what scope keeps fails on the dev database,
// and the states are made again from all of the directory's schema.
func TestVersionDownsOutsideScope(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE t (id bigint PRIMARY KEY, a int);
CREATE TABLE audit (at timestamptz);
CREATE FUNCTION touch() RETURNS void LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit VALUES (now()); END $$;`)
	ups := []*migrate.Plan{
		{Name: "idx", Changes: []*migrate.Change{{Cmd: `CREATE INDEX CONCURRENTLY "t_a" ON "t" ("a")`}}, Directives: []string{txNone}},
		{Name: "note", Transactional: true, Changes: []*migrate.Change{{Cmd: `ALTER TABLE "t" ADD COLUMN "note" text NULL`}, {Cmd: `SELECT touch()`}}},
	}
	part, all := scope(cur, ups)
	require.False(t, all)
	require.Len(t, pgdb.Tables(part), 1, "audit is left out")
	downs, err := versionDowns(ctx, conn.Driver, lend, cur, cur, ups, "x", Policy{})
	require.NoError(t, err)
	require.Equal(t, []string{
		"-- drop index \"t_a\" from table: \"t\"\nDROP INDEX \"t_a\";\n",
		"-- modify \"t\" table\nALTER TABLE \"t\" DROP COLUMN \"note\";\n",
	}, downs)
}

// A table atlas.hcl excludes is in neither state, though a foreign key of
// a table the versions touch references it: the dev database gets the
// table without that key, and the downs are planned.
func TestVersionDownsExcludedReference(t *testing.T) {
	ctx := context.Background()
	const setup = `CREATE TABLE jobs (id bigint PRIMARY KEY);
CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, job_id bigint REFERENCES jobs (id));`
	cur, conn := inspect(t, setup)
	want, _ := inspect(t, setup+`CREATE INDEX t_a ON t (a); CREATE INDEX t_b ON t (b);`)
	for _, r := range []*schema.Realm{cur, want} {
		require.NoError(t, exclude.Schemas(r, []string{"jobs"}))
	}
	p, err := PlanFormat(ctx, conn.Driver, lend, cur, want, "idx", nil, at, dirformat.GolangMigrate, safe)
	require.NoError(t, err)
	require.Len(t, p.Downs, 2)
	require.Equal(t, "-- drop index \"t_a\" from table: \"t\"\nDROP INDEX \"t_a\";\n", string(p.Downs[0].Data))
	require.Equal(t, "-- drop index \"t_b\" from table: \"t\"\nDROP INDEX \"t_b\";\n", string(p.Downs[1].Data))
}

// Renames open the first version (here the enum values'): that version's
// down renames back, and the others' downs, planned between states that
// share the new names, rename nothing.
func TestPlanFormatVersionDownsRenames(t *testing.T) {
	ctx := context.Background()
	const setup = `CREATE TYPE userstatus AS ENUM ('pending', 'active');
CREATE TABLE users (id bigint PRIMARY KEY, full_name text, status userstatus NOT NULL DEFAULT 'pending', age int);
CREATE UNIQUE INDEX users_full_name_key ON users (full_name);
INSERT INTO users VALUES (1, 'Ada', 'active', 36);`
	cur, conn := inspect(t, setup)
	want, _ := inspect(t, `CREATE TYPE userstatus AS ENUM ('pending', 'held', 'active');
CREATE TABLE accounts (id bigint PRIMARY KEY, display_name text, status userstatus NOT NULL DEFAULT 'held', age int);
CREATE UNIQUE INDEX accounts_display_name_key ON accounts (display_name);
CREATE INDEX accounts_age ON accounts (age);`)
	rs := []Rename{
		{Kind: RenameColumn, Object: "users", Member: "full_name", To: "display_name"},
		{Kind: RenameTable, Object: "users", To: "accounts"},
	}
	require.NoError(t, CheckRenames(cur, want, rs))
	pol := safe
	pol.Renames = rs
	p, err := PlanFormat(ctx, conn.Driver, lend, cur, want, "rename", nil, at, dirformat.GolangMigrate, pol)
	require.NoError(t, err)
	vs := versionsOf(t, dirformat.GolangMigrate, p.Files)
	require.Len(t, vs, 3)
	require.Contains(t, vs[0].up, `ALTER TABLE "users" RENAME TO "accounts";`)
	require.Contains(t, vs[0].down, `ALTER TABLE "accounts" RENAME TO "users";`)
	require.Contains(t, vs[0].down, `ALTER TABLE "accounts" RENAME COLUMN "display_name" TO "full_name";`)
	require.Contains(t, vs[0].down, `CREATE TYPE "userstatus" AS ENUM ('pending', 'active');`)
	require.NotContains(t, vs[1].down, "RENAME")
	require.Equal(t, "-- modify \"accounts\" table\nALTER TABLE \"accounts\" ALTER COLUMN \"status\" SET DEFAULT 'pending';\n", vs[1].down)
	require.Equal(t, "-- drop index \"accounts_age\" from table: \"accounts\"\nDROP INDEX \"accounts_age\";\n", vs[2].down)
	checkVersionDowns(t, setup, vs)
}
