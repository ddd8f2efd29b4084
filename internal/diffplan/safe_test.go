package diffplan

import (
	"context"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// safe is the CLI's default policy: every safe step on.
var safe = Policy{ConcurrentAdd: true, ConcurrentDrop: true, NotValid: true, NotNull: true, EnumGuard: true, LockTimeout: "5s"}

const (
	// safeBefore holds rows that every new rule accepts.
	safeBefore = `CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, p_id int, q_id int CONSTRAINT t_q_fk REFERENCES p (id), n int, s varchar,
  CONSTRAINT t_id_pos CHECK (id > 0));
INSERT INTO p SELECT generate_series(1, 3);
INSERT INTO t SELECT i, i % 3 + 1, i % 3 + 1, i, CASE WHEN i % 2 = 0 THEN 'a' END FROM generate_series(2, 50) AS i;`
	safeAfter = `CREATE TYPE e AS ENUM ('a', 'b');
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, p_id int CONSTRAINT t_p_fk REFERENCES p (id),
  q_id int CONSTRAINT t_q_fk REFERENCES p (id) ON DELETE CASCADE,
  n int NOT NULL CONSTRAINT t_n_pos CHECK (n > 0), s e,
  CONSTRAINT t_id_pos CHECK (id > 1));
CREATE INDEX t_n ON t (n);
CREATE TABLE u (id int PRIMARY KEY, p_id int NOT NULL CONSTRAINT u_p_fk REFERENCES p (id), CONSTRAINT u_id_pos CHECK (id > 0));`
)

// The changes of an existing table, made safe: its foreign keys and CHECKs
// (new, or changed and so added again) are added NOT VALID and validated in
// a file after the others; SET NOT NULL goes through a validated CHECK; the
// conversion to an enum is guarded; its index is built concurrently; and
// each file that locks the table against reads or writes waits at most
// lock_timeout. The new table's constraints and index stay as Atlas plans
// them. The files apply on the table's rows and leave nothing to plan.
func TestPlanSafeDDL(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, safeBefore)
	want, _ := inspect(t, safeAfter)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "safe", nil, day, safe)
	require.NoError(t, err)
	require.Len(t, files, 3)
	require.Equal(t, []string{"20300101000000_safe.sql", "20300101000001_safe_create_indexes.sql", "20300101000002_safe_validate.sql"},
		[]string{files[0].Name, files[1].Name, files[2].Name})
	main := string(files[0].Data)
	require.True(t, strings.HasPrefix(main, `-- Wait at most 5s for a table lock: queries queue behind a waiting migration
SET LOCAL lock_timeout = '5s';
`), main)
	for _, stmt := range []string{
		// The new table, as Atlas plans it.
		`CREATE TABLE "u" ("id" integer NOT NULL, "p_id" integer NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "u_p_fk" FOREIGN KEY ("p_id") REFERENCES "p" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION, CONSTRAINT "u_id_pos" CHECK (id > 0));`,
		// The changed foreign key and CHECK are dropped with the table's other changes…
		`ALTER TABLE "t" DROP CONSTRAINT "t_id_pos", DROP CONSTRAINT "t_q_fk";`,
		`ALTER TABLE "t" ALTER COLUMN "s" TYPE "e" USING "s"::text::"e";`,
		"-- Check column \"n\" of table: \"t\" for NULLs in new rows (set NOT NULL in a later file)\n" +
			`ALTER TABLE "t" ADD CONSTRAINT "t_n_not_null" CHECK ("n" IS NOT NULL) NOT VALID;`,
		// … and added again NOT VALID, with the new ones.
		"-- Add check \"t_id_pos\" to table: \"t\" for new rows (validated in a later file)\n" +
			`ALTER TABLE "t" ADD CONSTRAINT "t_id_pos" CHECK (id > 1) NOT VALID;`,
		`ALTER TABLE "t" ADD CONSTRAINT "t_n_pos" CHECK (n > 0) NOT VALID;`,
		`ALTER TABLE "t" ADD CONSTRAINT "t_p_fk" FOREIGN KEY ("p_id") REFERENCES "p" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;`,
		`ALTER TABLE "t" ADD CONSTRAINT "t_q_fk" FOREIGN KEY ("q_id") REFERENCES "p" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;`,
	} {
		require.Contains(t, main, stmt+"\n")
	}
	require.NotContains(t, main, "SET NOT NULL")
	require.Less(t, strings.Index(main, "DO $guard$"), strings.Index(main, `ALTER COLUMN "s" TYPE`), "the guard goes first")
	require.Equal(t, `-- atlas:txmode none

-- Create index "t_n" to table: "t"
CREATE INDEX CONCURRENTLY "t_n" ON "t" ("n");
`, string(files[1].Data))
	require.Equal(t, `-- Wait at most 5s for a table lock: queries queue behind a waiting migration
SET LOCAL lock_timeout = '5s';
-- Validate the NOT NULL check of column "n" of table: "t"
ALTER TABLE "t" VALIDATE CONSTRAINT "t_n_not_null";
-- Validate check "t_id_pos" of table: "t"
ALTER TABLE "t" VALIDATE CONSTRAINT "t_id_pos";
-- Validate check "t_n_pos" of table: "t"
ALTER TABLE "t" VALIDATE CONSTRAINT "t_n_pos";
-- Validate foreign key "t_p_fk" of table: "t"
ALTER TABLE "t" VALIDATE CONSTRAINT "t_p_fk";
-- Validate foreign key "t_q_fk" of table: "t"
ALTER TABLE "t" VALIDATE CONSTRAINT "t_q_fk";
-- Set column "n" of table: "t" NOT NULL (the validated check spares the scan)
ALTER TABLE "t" ALTER COLUMN "n" SET NOT NULL;
-- Drop the NOT NULL check of column "n" of table: "t"
ALTER TABLE "t" DROP CONSTRAINT "t_n_not_null";
`, string(files[2].Data))

	applyFiles(t, conn, files)
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, safe)
	require.NoError(t, err)
	require.Empty(t, again)
	var rows, invalid int
	require.NoError(t, conn.DB.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&rows))
	require.Equal(t, 49, rows)
	require.NoError(t, conn.DB.QueryRowContext(ctx, `SELECT count(*) FROM pg_constraint WHERE NOT convalidated`).Scan(&invalid))
	require.Zero(t, invalid)
}

// Each step switched off gives Atlas's plain DDL back for its kind; all of
// them off, the plan is Atlas's.
func TestPlanSafeDDLOff(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, safeBefore)
	want, _ := inspect(t, safeAfter)
	plan := func(p Policy) string {
		t.Helper()
		files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "x", nil, day, p)
		require.NoError(t, err)
		var all []string
		for _, f := range files {
			all = append(all, "-- "+f.Name+"\n"+string(f.Data))
		}
		return strings.Join(all, "")
	}
	off := func(f func(*Policy)) string { p := safe; f(&p); return plan(p) }

	s := off(func(p *Policy) { p.NotValid = false })
	for _, c := range []string{"t_p_fk", "t_q_fk", "t_n_pos", "t_id_pos"} {
		// In the one ALTER TABLE Atlas writes, in its order.
		require.Regexp(t, `\nALTER TABLE "t" DROP CONSTRAINT [^;\n]*, ADD CONSTRAINT "`+c+`" (FOREIGN KEY|CHECK) [^;\n]*;\n`, s)
		require.NotContains(t, s, `VALIDATE CONSTRAINT "`+c+`"`)
	}
	require.Equal(t, 1, strings.Count(s, "NOT VALID"), s)
	require.Contains(t, s, `VALIDATE CONSTRAINT "t_n_not_null"`, "NOT NULL is its own switch")

	s = off(func(p *Policy) { p.NotNull = false })
	require.Regexp(t, `\nALTER TABLE "t" [^;\n]*ALTER COLUMN "n" SET NOT NULL[,;]`, s)
	require.NotContains(t, s, "t_n_not_null")
	require.Contains(t, s, `ADD CONSTRAINT "t_p_fk" FOREIGN KEY ("p_id") REFERENCES "p" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;`)

	s = off(func(p *Policy) { p.EnumGuard = false })
	require.NotContains(t, s, "DO $guard$")
	require.Contains(t, s, `ALTER TABLE "t" ALTER COLUMN "s" TYPE "e" USING "s"::text::"e";`)

	s = off(func(p *Policy) { p.LockTimeout = "" })
	require.NotContains(t, s, "lock_timeout")

	s = off(func(p *Policy) { p.ConcurrentAdd = false })
	require.Contains(t, s, "\nCREATE INDEX \"t_n\" ON \"t\" (\"n\");\n")
	require.NotContains(t, s, "_create_indexes.sql")

	s = plan(Policy{})
	require.Equal(t, 1, strings.Count(s, "-- 2030"), s)
	require.NotContains(t, s, "NOT VALID")
	require.NotContains(t, s, "lock_timeout")
	require.NotContains(t, s, "$guard$")
	require.Regexp(t, `\nALTER TABLE "t" [^;\n]*ALTER COLUMN "n" SET NOT NULL[^;\n]* ADD CONSTRAINT "t_p_fk" FOREIGN KEY [^;\n]*;\n`, s)
}

// PostgreSQL sets the column NOT NULL without scanning the table: the
// CHECK validated just before proves it (it says so at DEBUG1).
func TestPlanNotNullSkipsScan(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE t (id int, n int); INSERT INTO t SELECT i, i FROM generate_series(1, 100) AS i;`)
	want, _ := inspect(t, `CREATE TABLE t (id int, n int NOT NULL);`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "nn", nil, day, safe)
	require.NoError(t, err)
	require.Len(t, files, 2)
	require.Equal(t, `-- Wait at most 5s for a table lock: queries queue behind a waiting migration
SET LOCAL lock_timeout = '5s';
-- Check column "n" of table: "t" for NULLs in new rows (set NOT NULL in a later file)
ALTER TABLE "t" ADD CONSTRAINT "t_n_not_null" CHECK ("n" IS NOT NULL) NOT VALID;
`, string(files[0].Data))
	applyFiles(t, conn, files[:1])

	var u string
	require.NoError(t, conn.DB.QueryRowContext(ctx, `SELECT 'postgres://' || current_user || '@/' || current_database() || '?host=' || current_setting('unix_socket_directories') || '&port=' || current_setting('port')`).Scan(&u))
	cfg, err := pgx.ParseConfig(u)
	require.NoError(t, err)
	var notices []string
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { notices = append(notices, n.Message) }
	c, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(t, err)
	defer c.Close(ctx)
	_, err = c.Exec(ctx, "BEGIN; SET LOCAL client_min_messages = debug1;\n"+string(files[1].Data)+"COMMIT;")
	require.NoError(t, err)
	require.Contains(t, notices, `existing constraints on column "t.n" are sufficient to prove that it does not contain nulls`)
	var notNull bool
	require.NoError(t, conn.DB.QueryRowContext(ctx, `SELECT attnotnull FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'n'`).Scan(&notNull))
	require.True(t, notNull)
}

// A NULL left in the column: the constraint added NOT VALID does not stop
// the first file; the validation stops the second, which leaves the column
// as it was, and names the check.
func TestPlanNotNullFailsOnNull(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE t (id int, n int); INSERT INTO t VALUES (1, 1), (2, NULL);`)
	want, _ := inspect(t, `CREATE TABLE t (id int, n int NOT NULL);`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "nn", nil, day, safe)
	require.NoError(t, err)
	require.Len(t, files, 2)
	applyFiles(t, conn, files[:1])
	_, err = conn.DB.ExecContext(ctx, "BEGIN;\n"+string(files[1].Data)+"COMMIT;")
	require.ErrorContains(t, err, `check constraint "t_n_not_null" of relation "t" is violated by some row`)
	_, _ = conn.DB.ExecContext(ctx, "ROLLBACK")
	var notNull bool
	require.NoError(t, conn.DB.QueryRowContext(ctx, `SELECT attnotnull FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'n'`).Scan(&notNull))
	require.False(t, notNull)
}

// The guard before a conversion to an enum stops the file, naming table,
// column, type, the number of rows and the values that do not cast; the
// transaction leaves the column as it was. Atlas's file lexer reads the DO
// block as one statement. Once the rows are fixed the same file applies.
func TestPlanEnumGuard(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE t (id int, s varchar DEFAULT 'a');
INSERT INTO t VALUES (1, 'a'), (2, 'x'), (3, 'y'), (4, 'x'), (5, NULL), (6, 'it''s');`)
	want, _ := inspect(t, `CREATE TYPE e AS ENUM ('a', 'b'); CREATE TABLE t (id int, s e DEFAULT 'a');`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "enum", nil, day, safe)
	require.NoError(t, err)
	require.Len(t, files, 1)
	stmts, err := migrate.NewLocalFile(files[0].Name, files[0].Data).Stmts()
	require.NoError(t, err)
	require.Len(t, stmts, 4, "lock_timeout, CREATE TYPE, the guard, the conversion: %q", stmts)
	require.True(t, strings.HasPrefix(stmts[2], "DO $guard$\nDECLARE\n"), stmts[2])

	_, err = conn.DB.ExecContext(ctx, "BEGIN;\n"+string(files[0].Data)+"COMMIT;")
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, `table "t" column "s": 4 row(s) hold a value that enum type "e" will not have: 'it''s', 'x', 'y'`, pgErr.Message)
	require.Equal(t, "P0001", pgErr.Code)
	_, _ = conn.DB.ExecContext(ctx, "ROLLBACK")
	var typ string
	require.NoError(t, conn.DB.QueryRowContext(ctx, `SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 's'`).Scan(&typ))
	require.Equal(t, "character varying", typ)

	_, err = conn.DB.ExecContext(ctx, `UPDATE t SET s = 'b' WHERE s <> 'a'`)
	require.NoError(t, err)
	applyFiles(t, conn, files)
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, day, safe)
	require.NoError(t, err)
	require.Empty(t, again)
}

// More values that do not cast than the message lists: it says so.
func TestPlanEnumGuardManyValues(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE t (s text); INSERT INTO t SELECT 'v' || lpad(i::text, 2, '0') FROM generate_series(1, 12) AS i;`)
	want, _ := inspect(t, `CREATE TYPE e AS ENUM ('a'); CREATE TABLE t (s e);`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "", nil, day, safe)
	require.NoError(t, err)
	_, err = conn.DB.ExecContext(ctx, "BEGIN;\n"+string(files[0].Data)+"COMMIT;")
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, `table "t" column "s": 12 row(s) hold a value that enum type "e" will not have: 'v01', 'v02', 'v03', 'v04', 'v05', 'v06', 'v07', 'v08', 'v09', 'v10', ...`, pgErr.Message)
}

// lock_timeout heads a file only where a statement locks an existing table
// against reads or writes (the review's SC306): not a new table's file, not
// an enum value's, not one of concurrent index changes (whose wait for older
// transactions it would cut short); a plain index build on an existing
// table blocks writes, so its file has one.
func TestPlanLockTimeout(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name, before, after string
		policy              Policy
		want                []bool // per file: starts with SET LOCAL lock_timeout
	}{
		{"new table", `CREATE TABLE t (a int);`, `CREATE TABLE t (a int); CREATE TABLE u (a int); CREATE INDEX u_a ON u (a);`, safe, []bool{false}},
		{"enum value", `CREATE TYPE e AS ENUM ('a');`, `CREATE TYPE e AS ENUM ('a', 'b');`, safe, []bool{false}},
		{"concurrent index", `CREATE TABLE t (a int);`, `CREATE TABLE t (a int); CREATE INDEX t_a ON t (a);`, safe, []bool{false}},
		{"plain index", `CREATE TABLE t (a int);`, `CREATE TABLE t (a int); CREATE INDEX t_a ON t (a);`, Policy{LockTimeout: "1s"}, []bool{true}},
		{"column", `CREATE TABLE t (a int);`, `CREATE TABLE t (a int, b int);`, safe, []bool{true}},
		{"drop table", `CREATE TABLE t (a int);`, ``, safe, []bool{true}},
		{"column and index", `CREATE TABLE t (a int);`, `CREATE TABLE t (a int, b int); CREATE INDEX t_b ON t (b);`, safe, []bool{true, false}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cur, conn := inspect(t, tt.before)
			want, _ := inspect(t, tt.after)
			files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "", nil, day, tt.policy)
			require.NoError(t, err)
			var got []bool
			for _, f := range files {
				got = append(got, strings.Contains(string(f.Data), "SET LOCAL lock_timeout = '"+tt.policy.LockTimeout+"';\n"))
				if got[len(got)-1] {
					require.True(t, strings.HasPrefix(string(f.Data), "-- Wait at most "+tt.policy.LockTimeout+" for a table lock"), string(f.Data))
				}
			}
			require.Equal(t, tt.want, got)
			applyFiles(t, conn, files)
		})
	}
}

// A constraint name past PostgreSQL's 63 bytes is shortened with a hash,
// so that two long columns never share one.
func TestNotNullName(t *testing.T) {
	require.Equal(t, "t_c_not_null", notNullName("t", "c"))
	long := strings.Repeat("x", 40)
	a, b := notNullName(long, long+"a"), notNullName(long, long+"b")
	require.LessOrEqual(t, len(a), 63)
	require.NotEqual(t, a, b)
	require.True(t, strings.HasSuffix(a, "_not_null"), a)
	// A multi-byte name is cut between characters.
	u := notNullName(strings.Repeat("é", 40), "c")
	require.LessOrEqual(t, len(u), 63)
	require.True(t, strings.HasPrefix(u, "éé"), u)
	require.NotContains(t, u, "\ufffd")
	require.Equal(t, u, strings.ToValidUTF8(u, "?"))
}

// In a golang-migrate directory the validation is a version of its own
// after the others, versions strictly increasing; each version's down
// reverts that version alone (checkVersionDowns, pg_dump byte for byte:
// NOT VALID included). Each up file runs as golang-migrate runs it, one
// multi-statement query (SET LOCAL holds in its implicit transaction, the
// guard's DO block is one statement), on rows, and the downs, newest
// first, take the database back.
func TestPlanFormatSafe(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, safeBefore)
	want, _ := inspect(t, safeAfter)
	existing := []migrate.File{migrate.NewLocalFile("20300102030405_init.up.sql", nil)}
	p, err := PlanFormat(ctx, conn.Driver, lend, cur, want, "safe", existing, at, dirformat.GolangMigrate, safe)
	require.NoError(t, err)
	var names []string
	for _, f := range p.Files {
		names = append(names, f.Name)
	}
	require.Equal(t, []string{
		"20300102030406_safe.up.sql", "20300102030406_safe.down.sql",
		"20300102030407_safe_create_indexes.up.sql", "20300102030407_safe_create_indexes.down.sql",
		"20300102030408_safe_validate.up.sql", "20300102030408_safe_validate.down.sql",
	}, names)
	// The validation's down leaves the constraints NOT VALID again, and
	// the check that proved n NOT NULL back, NOT VALID too, without a scan.
	validateDown := string(p.Files[5].Data)
	require.NotContains(t, validateDown, "VALIDATE")
	require.Contains(t, validateDown, `ALTER TABLE "t" ADD CONSTRAINT "t_n_not_null" CHECK ((n IS NOT NULL)) NOT VALID;`)
	require.Contains(t, validateDown, `ALTER TABLE "t" ADD CONSTRAINT "t_p_fk" FOREIGN KEY (p_id) REFERENCES p(id) NOT VALID;`)
	require.Contains(t, string(p.Files[1].Data), `DROP TABLE "u"`)
	require.Equal(t, "-- drop index \"t_n\" from table: \"t\"\nDROP INDEX \"t_n\";\n", string(p.Files[3].Data))
	checkVersionDowns(t, safeBefore, versionsOf(t, dirformat.GolangMigrate, p.Files))
	require.True(t, strings.HasPrefix(string(p.Files[4].Data), "-- Wait at most 5s for a table lock"))
	for _, i := range []int{0, 2, 4} {
		_, err := conn.DB.ExecContext(ctx, string(p.Files[i].Data))
		require.NoError(t, err, p.Files[i].Name)
	}
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, at, safe)
	require.NoError(t, err)
	require.Empty(t, again)
	for _, i := range []int{5, 3, 1} {
		_, err := conn.DB.ExecContext(ctx, string(p.Files[i].Data))
		require.NoError(t, err, p.Files[i].Name)
	}
	back, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err = Plan(ctx, conn.Driver, nil, back, cur, "again", nil, at, Policy{})
	require.NoError(t, err)
	require.Empty(t, again)
	var rows int
	require.NoError(t, conn.DB.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&rows))
	require.Equal(t, 49, rows)
}
