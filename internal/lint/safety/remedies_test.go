package safety

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/report"
)

// Every code reports each statement that has its hazard, not only the
// file's first; and the directive the remedies offer, on the line above a
// statement, accepts that statement alone.
func TestEachHazardousStatementIsReported(t *testing.T) {
	const lt = "SET lock_timeout = '5s';\n"
	const noTx = "-- atlas:txmode none\n\n"
	for _, tt := range []struct {
		code, header string
		setup        []string // statements before the hazards
		hazards      []string // each reported under code
	}{
		{"DS101", "", nil, []string{"DROP SCHEMA a CASCADE;", "DROP SCHEMA b CASCADE;"}},
		{"DS102", lt, nil, []string{"DROP TABLE users;", "DROP TABLE orgs;"}},
		{"DS103", lt, nil, []string{"ALTER TABLE users DROP COLUMN name;", "ALTER TABLE users DROP COLUMN email;"}},
		{"SC101", "", nil, []string{"DROP TYPE userstatus;", "DROP TYPE IF EXISTS userstatus;"}},
		{"SC102", "", nil, []string{"ALTER TYPE userstatus RENAME VALUE 'gone' TO 'deleted';", "ALTER TYPE userstatus RENAME VALUE 'active' TO 'live';"}},
		{"MF101", noTx, nil, []string{"CREATE UNIQUE INDEX CONCURRENTLY users_name_key ON users (name);", "CREATE UNIQUE INDEX CONCURRENTLY users_amount_key ON users (amount);"}},
		{"MF102", noTx, []string{"DROP INDEX CONCURRENTLY users_email_key;"}, []string{
			"CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email, name);", "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email, amount);"}},
		{"MF103", lt, nil, []string{"ALTER TABLE users ADD COLUMN x int NOT NULL;", "ALTER TABLE users ADD COLUMN y int NOT NULL;"}},
		{"MF104", lt, nil, []string{"ALTER TABLE users ALTER COLUMN name SET NOT NULL;", "ALTER TABLE users ALTER COLUMN org_id SET NOT NULL;"}},
		{"SC201", lt, nil, []string{"ALTER TABLE users ALTER COLUMN email TYPE varchar(50);", "ALTER TABLE users ALTER COLUMN name TYPE varchar(10);"}},
		{"BC101", lt, nil, []string{"ALTER TABLE users RENAME TO people;", "ALTER TABLE orgs RENAME TO teams;"}},
		{"BC102", lt, nil, []string{"ALTER TABLE users RENAME COLUMN name TO full_name;", "ALTER TABLE users RENAME COLUMN email TO mail;"}},
		{"CD101", lt, []string{"ALTER TABLE users ADD CONSTRAINT fk2 FOREIGN KEY (amount) REFERENCES orgs (id) NOT VALID;"}, []string{
			"ALTER TABLE users DROP CONSTRAINT users_org_fk;", "ALTER TABLE users DROP CONSTRAINT users_org_fk;"}},
		{"PG101", lt, nil, []string{"CREATE INDEX users_name ON users (name);", "CREATE INDEX users_amount ON users (amount);"}},
		{"PG102", lt, []string{"CREATE INDEX users_name ON users (name);"}, []string{"DROP INDEX users_email_key;", "DROP INDEX users_name;"}},
		{"PG103", "", nil, []string{"CREATE INDEX CONCURRENTLY users_name ON users (name);", "DROP INDEX CONCURRENTLY users_email_key;"}},
		{"SC301", lt, nil, []string{"ALTER TABLE users ADD CONSTRAINT positive CHECK (amount > 0);", "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id);"}},
		{"SC302", lt, nil, []string{"ALTER TABLE users ALTER COLUMN name SET NOT NULL;", "ALTER TABLE users ALTER COLUMN org_id SET NOT NULL;"}},
		{"SC303", lt, nil, []string{"ALTER TABLE users ALTER COLUMN amount TYPE bigint;", "ALTER TABLE users ALTER COLUMN status TYPE text;"}},
		{"SC304", lt, nil, []string{"ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();", "ALTER TABLE users ADD COLUMN r float8 DEFAULT random();"}},
		{"SC305", "", []string{"ALTER TYPE userstatus ADD VALUE 'banned';"}, []string{
			"UPDATE users SET status = 'banned' WHERE amount < 0;", "UPDATE users SET status = 'banned' WHERE amount > 1000;"}},
		{"SC306", "", nil, []string{"ALTER TABLE users ADD COLUMN note text;", "ALTER TABLE users ADD COLUMN memo text;"}},
	} {
		t.Run(tt.code, func(t *testing.T) {
			file := func(directive string) string {
				var b strings.Builder
				b.WriteString(tt.header)
				for _, s := range tt.setup {
					b.WriteString(s + "\n")
				}
				for _, s := range tt.hazards {
					b.WriteString(directive + s + "\n")
				}
				return b.String()
			}
			var got []report.Finding
			for _, f := range run(t, nil, file("")) {
				if f.Code == tt.code {
					got = append(got, f)
				}
			}
			require.Len(t, got, len(tt.hazards), "%v", got)
			for i, f := range got {
				require.Equal(t, strings.TrimSuffix(tt.hazards[i], ";"), f.Stmt)
			}
			require.Less(t, got[0].Fix.Line, got[1].Fix.Line)

			// The directive on the line above accepts each statement (what
			// the remedies offer where only the data or the table's size
			// can clear the hazard).
			require.NotContains(t, codes(run(t, nil, file("-- atlas:nolint "+tt.code+"\n"))), tt.code)
		})
	}
}

// A remedy fits a project whose migrations Ent drives: it names an Ent
// change or hand-written SQL, and where only the data or the table's size
// can clear the hazard, the directive that accepts it, for its own code,
// and the rehash the edit needs.
func TestRemediesFitEnt(t *testing.T) {
	for _, r := range Rules {
		fix := remedy[r.Code]
		if strings.Contains(fix, "atlas:nolint") {
			require.Contains(t, fix, "`-- atlas:nolint "+r.Code+"`", r.Code)
			require.Contains(t, fix, "schemactl migrate hash", r.Code)
		}
	}
	// A statement PostgreSQL certainly refuses is never to be accepted.
	for _, code := range []string{"PG103", "SC305"} {
		require.NotContains(t, remedy[code], "nolint", code)
	}
	// SC303's was a new column, a backfill and a swap: not what an Ent
	// schema declares.
	require.NotContains(t, remedy["SC303"], "backfill")
	require.NotContains(t, remedy["SC303"], "swap")
	require.Contains(t, remedy["SC303"], "`-- atlas:nolint SC303`")
	// Renames keep the old name in ent/schema rather than writing both.
	require.Contains(t, remedy["BC102"], "StorageKey")
	require.Contains(t, remedy["BC101"], "entsql.Annotation{Table:")
}

// MF101's remedy fits the statement: the duplicates to look for on its
// table and columns; never CONCURRENTLY for an index that already is (nor
// for a plain one: that is PG101's); a unique constraint, which has no
// CONCURRENTLY form, is pointed at a concurrent index attached with USING
// INDEX.
func TestMF101Remedy(t *testing.T) {
	const noTx = "-- atlas:txmode none\n\n"
	const lt = "SET lock_timeout = '5s';\n"
	find := func(fs []report.Finding, code string) report.Finding {
		t.Helper()
		for _, f := range fs {
			if f.Code == code {
				return f
			}
		}
		t.Fatalf("no %s in %v", code, codes(fs))
		return report.Finding{}
	}

	concurrent := find(run(t, nil, noTx+"CREATE UNIQUE INDEX CONCURRENTLY users_name_key ON users (name, amount);"), "MF101")
	require.NotContains(t, concurrent.Remedy, "CONCURRENTLY")
	require.Contains(t, concurrent.Remedy, `SELECT "name", "amount", count(*) FROM "users" GROUP BY "name", "amount" HAVING count(*) > 1`)
	require.Contains(t, concurrent.Remedy, "INVALID")
	require.Contains(t, concurrent.Remedy, "`-- atlas:nolint MF101`")

	fs := run(t, nil, lt+"CREATE UNIQUE INDEX users_name_key ON users (name);")
	plain := find(fs, "MF101")
	require.NotContains(t, plain.Remedy, "CONCURRENTLY")
	require.NotContains(t, plain.Remedy, "INVALID")
	require.Contains(t, plain.Remedy, `SELECT "name", count(*) FROM "users" GROUP BY "name" HAVING count(*) > 1`)
	require.Contains(t, find(fs, "PG101").Remedy, "CONCURRENTLY")

	expr := find(run(t, nil, noTx+"CREATE UNIQUE INDEX CONCURRENTLY ON users (lower(name));"), "MF101")
	require.Contains(t, expr.Remedy, `GROUP BY the indexed expressions of "users"`)

	constraint := find(run(t, nil, lt+"ALTER TABLE users ADD CONSTRAINT users_name_key UNIQUE (name);"), "MF101")
	require.Contains(t, constraint.Remedy, "CREATE UNIQUE INDEX CONCURRENTLY")
	require.Contains(t, constraint.Remedy, "USING INDEX")
	require.Contains(t, constraint.Remedy, `GROUP BY "name"`)

	column := find(run(t, nil, lt+"ALTER TABLE users ADD COLUMN handle text UNIQUE DEFAULT 'x';"), "MF101")
	require.Equal(t, mf101Default, column.Remedy)

	redefined := find(run(t, nil, noTx+"DROP INDEX CONCURRENTLY users_email_key;\nCREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email, name);"), "MF102")
	require.Contains(t, redefined.Remedy, `GROUP BY "email", "name"`)
	require.NotContains(t, redefined.Remedy, "CONCURRENTLY")
}
