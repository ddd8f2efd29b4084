package diffplan

import (
	"context"
	"database/sql"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/dirformat"
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
	default:
		t.Fatalf("no runner for format %s", f)
	}
	return out
}

// runUp and runDown run a version as golang-migrate runs a file, as one
// query, or as dbmate runs a section, in a transaction but for
// transaction:false.
func runUp(ctx context.Context, db *sql.DB, v version) error {
	return run1(ctx, db, v.up, v.upOneQuery)
}

func runDown(ctx context.Context, db *sql.DB, v version) error {
	return run1(ctx, db, v.down, v.downOneQuery)
}

func run1(ctx context.Context, db *sql.DB, sql string, oneQuery bool) error {
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

// One change split into eight versions: an enum value the rest uses goes
// first, an index dropped CONCURRENTLY, the rest in a transaction, two
// indexes created CONCURRENTLY and an index rebuilt by a swap (built
// beside, the old one dropped, the new one renamed), each statement of
// those a version of its own in golang-migrate and dbmate. Each version's
// down reverts that version alone, in a transaction: the enum value's
// down is the guarded type swap, the concurrent creations' downs plain
// DROP INDEX, the swap's rename a rename back. Before, the last version's
// down held the whole change and the others were empty: `down 1` took the
// whole change back and `up 1` failed.
func TestPlanFormatVersionDowns(t *testing.T) {
	ctx := context.Background()
	const setup = `CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE t (id bigint PRIMARY KEY, status status NOT NULL DEFAULT 'new', a int, b int);
CREATE INDEX t_old ON t (a, b);
CREATE INDEX t_s ON t (a) WHERE a > 0;
INSERT INTO t SELECT i, 'done', i, i FROM generate_series(1, 20) AS i;`
	cur, conn := inspect(t, setup)
	want, _ := inspect(t, `CREATE TYPE status AS ENUM ('new', 'held', 'done');
CREATE TABLE t (id bigint PRIMARY KEY, status status NOT NULL DEFAULT 'held', a int, b int, note text);
CREATE INDEX t_a ON t (a);
CREATE UNIQUE INDEX t_b ON t (b);
CREATE INDEX t_s ON t (a) WHERE a > 5;`)
	existing := []migrate.File{migrate.NewLocalFile("20300102030405_init.sql", nil)}
	for _, f := range []dirformat.Format{dirformat.GolangMigrate, dirformat.DBMate} {
		t.Run(string(f), func(t *testing.T) {
			p, err := PlanFormat(ctx, conn.Driver, lend, cur, want, "hold", existing, at, f, safe)
			require.NoError(t, err)
			vs := versionsOf(t, f, p.Files)
			var names []string
			for _, v := range vs {
				names = append(names, strings.TrimSuffix(v.name, ".sql"))
			}
			require.Equal(t, []string{
				"20300102030406_hold_enum_values", "20300102030407_hold_drop_indexes", "20300102030408_hold",
				"20300102030409_hold_create_indexes", "20300102030410_hold_create_indexes",
				"20300102030411_hold_create_indexes", "20300102030412_hold_create_indexes", "20300102030413_hold_create_indexes",
			}, names)
			require.Len(t, p.Downs, len(vs))
			for i, v := range vs {
				require.Equal(t, v.down, string(p.Downs[i].Data), v.name)
				require.NotContains(t, v.down, "CONCURRENTLY", v.name)
			}
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
