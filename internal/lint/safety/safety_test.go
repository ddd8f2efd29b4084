package safety

import (
	"fmt"
	"slices"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/report"
	"github.com/ledgerforge/schemactl/internal/sqlparse"
)

// before is the schema the earlier files built: users and its enum.
func before() *schema.Schema {
	s := schema.New("public")
	status := &schema.EnumType{T: "userstatus", Values: []string{"active", "gone"}, Schema: s}
	s.AddObjects(status)
	id := schema.NewIntColumn("id", "bigint")
	email := schema.NewStringColumn("email", "character varying").SetType(&schema.StringType{T: "character varying", Size: 255})
	orgID := schema.NewIntColumn("org_id", "bigint").SetNull(true)
	users := schema.NewTable("users").AddColumns(id, email,
		schema.NewStringColumn("name", "text").SetNull(true),
		schema.NewIntColumn("amount", "integer"),
		schema.NewColumn("status").SetType(status).SetNull(true),
		orgID,
	)
	users.AddIndexes(schema.NewUniqueIndex("users_email_key").AddColumns(email))
	users.AddChecks(schema.NewCheck().SetName("users_amount_check").SetExpr("(amount >= 0)"))
	orgs := schema.NewTable("orgs").AddColumns(schema.NewIntColumn("id", "bigint"))
	users.AddForeignKeys(schema.NewForeignKey("users_org_fk").AddColumns(orgID).SetRefTable(orgs).AddRefColumns(orgs.Columns[0]))
	s.AddTables(users, orgs)
	return s
}

// run analyses files (named 1.sql, 2.sql, ...) and returns the codes found.
func run(t *testing.T, cfg Config, files ...string) []report.Finding {
	t.Helper()
	var parsed []*sqlparse.File
	for i, src := range files {
		f, err := sqlparse.Parse(fmt.Sprintf("%d.sql", i+1), []byte(src))
		require.NoError(t, err)
		parsed = append(parsed, f)
	}
	return Analyze(Input{Dir: "migrations", Files: parsed, Before: before(), Config: cfg})
}

func codes(fs []report.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

// Every rule fires on its hazard and stays quiet on the safe form.
func TestRules(t *testing.T) {
	const lt = "SET lock_timeout = '5s';\n"
	const noTx = "-- atlas:txmode none\n\n"
	for _, tt := range []struct {
		code       string
		fire, safe []string // files
	}{
		{"DS101", []string{"DROP SCHEMA legacy CASCADE;"}, []string{"CREATE SCHEMA legacy;"}},
		{"DS102", []string{lt + "DROP TABLE users;"}, []string{"CREATE TABLE tmp (id int);\nDROP TABLE tmp;"}},
		{"DS103", []string{lt + "ALTER TABLE users DROP COLUMN name;"}, []string{"CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;",
			lt + "ALTER TABLE users ADD COLUMN tmp int;\nALTER TABLE users DROP COLUMN tmp;"}},
		{"SC101", []string{"DROP TYPE userstatus;"}, []string{"DROP TYPE IF EXISTS some_composite;"}},
		{"SC102", []string{"ALTER TYPE userstatus RENAME VALUE 'gone' TO 'deleted';"}, []string{"ALTER TYPE userstatus ADD VALUE 'deleted';"}},
		{"MF101", []string{noTx + "CREATE UNIQUE INDEX CONCURRENTLY users_name_key ON users (name);", lt + "ALTER TABLE users ADD CONSTRAINT users_name_key UNIQUE (name);"}, []string{
			"CREATE TABLE t (a int);\nCREATE UNIQUE INDEX t_a ON t (a);",
			lt + "ALTER TABLE users ADD COLUMN handle text UNIQUE;",
			noTx + "ALTER TABLE users ADD COLUMN handle text;\nCREATE UNIQUE INDEX CONCURRENTLY users_handle ON users (handle);"}},
		{"MF102", []string{noTx + "DROP INDEX CONCURRENTLY users_email_key;\nCREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email, name);"}, []string{noTx + "CREATE UNIQUE INDEX CONCURRENTLY users_other ON users (email, name);"}},
		{"MF103", []string{lt + "ALTER TABLE users ADD COLUMN x int NOT NULL;"}, []string{lt + "ALTER TABLE users ADD COLUMN x int NOT NULL DEFAULT 0;"}},
		{"MF104", []string{lt + "ALTER TABLE users ALTER COLUMN name SET NOT NULL;",
			// Atlas's open-source parser does not see a backfill: neither does the review.
			lt + "UPDATE users SET name = '' WHERE name IS NULL;\nALTER TABLE users ALTER COLUMN name SET NOT NULL;"}, []string{
			"CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;"}},
		{"SC201", []string{lt + "ALTER TABLE users ALTER COLUMN email TYPE varchar(50);"}, []string{lt + "ALTER TABLE users ALTER COLUMN email TYPE varchar(500);"}},
		{"BC101", []string{lt + "ALTER TABLE users RENAME TO people;"}, []string{"CREATE TABLE t (a int);\nALTER TABLE t RENAME TO u;"}},
		{"BC102", []string{lt + "ALTER TABLE users RENAME COLUMN name TO full_name;"}, []string{"CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;"}},
		{"CD101", []string{lt + "ALTER TABLE users DROP CONSTRAINT users_org_fk;"}, []string{
			lt + "ALTER TABLE users DROP CONSTRAINT users_amount_check;", // only foreign keys, as Atlas
			lt + "ALTER TABLE users DROP CONSTRAINT users_org_fk, DROP COLUMN org_id;",
			lt + "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (amount) REFERENCES orgs (id) NOT VALID;\nALTER TABLE users DROP CONSTRAINT fk;",
			"CREATE TABLE t (a int CONSTRAINT c REFERENCES orgs (id));\nALTER TABLE t DROP CONSTRAINT c;"}},
		{"PG101", []string{"CREATE INDEX users_name ON users (name);"}, []string{noTx + "CREATE INDEX CONCURRENTLY users_name ON users (name);"}},
		{"PG102", []string{lt + "DROP INDEX users_email_key;"}, []string{noTx + "DROP INDEX CONCURRENTLY users_email_key;"}},
		{"PG103", []string{"CREATE INDEX CONCURRENTLY users_name ON users (name);"}, []string{noTx + "CREATE INDEX CONCURRENTLY users_name ON users (name);"}},
		{"SC301", []string{lt + "ALTER TABLE users ADD CONSTRAINT positive CHECK (amount > 0);"}, []string{lt + "ALTER TABLE users ADD CONSTRAINT positive CHECK (amount > 0) NOT VALID;", lt + "ALTER TABLE users VALIDATE CONSTRAINT positive;"}},
		{"SC301", []string{lt + "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (amount) REFERENCES users (id) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT fk;"}, []string{lt + "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (amount) REFERENCES users (id) NOT VALID;"}},
		{"SC302", []string{lt + "ALTER TABLE users ALTER COLUMN name SET NOT NULL;"}, []string{
			lt + "ALTER TABLE users ADD CONSTRAINT name_nn CHECK (name IS NOT NULL) NOT VALID;",
			lt + "ALTER TABLE users VALIDATE CONSTRAINT name_nn;",
			lt + "-- atlas:nolint MF104\nALTER TABLE users ALTER COLUMN name SET NOT NULL;"}},
		{"SC303", []string{lt + "ALTER TABLE users ALTER COLUMN amount TYPE bigint;"}, []string{lt + "ALTER TABLE users ALTER COLUMN email TYPE text;"}},
		{"SC304", []string{lt + "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();"}, []string{lt + "ALTER TABLE users ADD COLUMN seen_at timestamptz DEFAULT now();"}},
		{"SC305", []string{"ALTER TYPE userstatus ADD VALUE 'banned';\nUPDATE users SET status = 'banned' WHERE amount < 0;"}, []string{"ALTER TYPE userstatus ADD VALUE 'banned';", "UPDATE users SET status = 'banned' WHERE amount < 0;"}},
		{"SC306", []string{"ALTER TABLE users ADD COLUMN note text;", "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (amount) REFERENCES orgs (id) NOT VALID;", "CREATE INDEX users_name ON users (name);"}, []string{
			lt + "ALTER TABLE users ADD COLUMN note text;",
			// Locks that stop neither reads nor writes (PostgreSQL's table).
			"ALTER TABLE users SET (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.01);",
			"ALTER TABLE users VALIDATE CONSTRAINT users_amount_check;",
			"ALTER TABLE users ALTER COLUMN name SET STATISTICS 500;",
			noTx + "CREATE INDEX CONCURRENTLY users_name ON users (name);"}},
	} {
		t.Run(tt.code, func(t *testing.T) {
			require.Contains(t, codes(run(t, nil, tt.fire...)), tt.code)
			require.NotContains(t, codes(run(t, nil, tt.safe...)), tt.code)
		})
	}
}

// A hazard on a table the same file creates is not reported: the table is
// new and empty. A table an earlier added file created is exempt from
// schemactl's own rules only; Atlas's rules exempt it only in its own file,
// as Atlas does.
func TestNewTableExemption(t *testing.T) {
	hazards := `CREATE UNIQUE INDEX accounts_email ON accounts (email);
ALTER TABLE accounts ADD COLUMN region text NOT NULL;
ALTER TABLE accounts ALTER COLUMN email TYPE varchar(20);
ALTER TABLE accounts ADD CONSTRAINT region_code CHECK (length(region) = 2);
ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE accounts DROP COLUMN region;
DROP TABLE accounts;`
	const create = "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n"
	require.Empty(t, run(t, nil, create+hazards))
	// region is added and dropped by the same file: no data, no DS103.
	require.Equal(t, []string{"MF101", "PG101", "MF103", "DS102"}, codes(run(t, nil, create, hazards)))
}

func TestNolint(t *testing.T) {
	const drop = "SET lock_timeout = '1s';\nALTER TABLE users DROP COLUMN name;\nALTER TABLE users DROP COLUMN email;\n"
	require.Equal(t, []string{"DS103", "DS103"}, codes(run(t, nil, drop)))

	// One statement, by code and by analyzer name.
	fs := run(t, nil, "SET lock_timeout = '1s';\n-- atlas:nolint DS103\nALTER TABLE users DROP COLUMN name;\nALTER TABLE users DROP COLUMN email;\n")
	require.Len(t, fs, 1)
	require.Contains(t, fs[0].Stmt, "email")
	require.Equal(t, 4, fs[0].Fix.Line)
	fs = run(t, nil, "SET lock_timeout = '1s';\n-- atlas:nolint destructive\nALTER TABLE users DROP COLUMN name;\nALTER TABLE users DROP COLUMN email;\n")
	require.Len(t, fs, 1)

	// A directive for another code silences nothing.
	require.Len(t, run(t, nil, "SET lock_timeout = '1s';\n-- atlas:nolint MF101\nALTER TABLE users DROP COLUMN name;\n"), 1)

	// The whole file: the header, then a blank line.
	require.Empty(t, run(t, nil, "-- atlas:nolint DS103\n\n"+drop))
	require.Empty(t, run(t, nil, "-- atlas:nolint\n\n"+drop))
}

func TestSeverityConfig(t *testing.T) {
	fs := run(t, nil, "SET lock_timeout = '1s';\nALTER TABLE users DROP COLUMN name;\nALTER TABLE users RENAME COLUMN email TO mail;")
	require.Equal(t, []report.Severity{report.Error, report.Warning}, severities(fs))
	fs = run(t, Config{Destructive: report.Warning, Incompatible: report.Error}, "SET lock_timeout = '1s';\nALTER TABLE users DROP COLUMN name;\nALTER TABLE users RENAME COLUMN email TO mail;")
	require.Equal(t, []report.Severity{report.Warning, report.Error}, severities(fs))
}

// A rename loses no data: it is BC101 or BC102, never DS102 or DS103,
// and the incompatible block, not the destructive one, makes it an error.
// Atlas's analyzers classify it so when its parser recognises the rename;
// its open-source build's PostgreSQL parser does not, and reports the
// dropped-and-added pair its inspections show as DS102/DS103
// (docs/lint.md, "Renames").
func TestRenameIsNotADrop(t *testing.T) {
	const renames = "SET lock_timeout = '1s';\nALTER TABLE users RENAME COLUMN email TO mail;\nALTER TABLE orgs RENAME TO organisations;\n"
	fs := run(t, Config{Destructive: report.Error}, renames)
	require.Equal(t, []string{"BC102", "BC101"}, codes(fs))
	require.Equal(t, []report.Severity{report.Warning, report.Warning}, severities(fs))
	require.Equal(t, `column "users"."email" is renamed to "mail": the running release still uses the old name`, fs[0].Message)
	require.Equal(t, `table "orgs" is renamed to "organisations": the running release still uses the old name`, fs[1].Message)
	fs = run(t, Config{Destructive: report.Warning, Incompatible: report.Error}, renames)
	require.Equal(t, []report.Severity{report.Error, report.Error}, severities(fs))
}

func severities(fs []report.Finding) []report.Severity {
	var out []report.Severity
	for _, f := range fs {
		out = append(out, f.Severity)
	}
	return out
}

// Function bodies and DO blocks hold semicolons; PostgreSQL's parser keeps
// them whole, and lines stay right after them.
func TestDollarQuotedBodies(t *testing.T) {
	src := `CREATE FUNCTION touch() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now(); -- not a statement end
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DO $body$
BEGIN
  PERFORM 1; DROP TABLE users; -- inside the block: not analysed as DDL
END
$body$;

SET lock_timeout = '1s';
ALTER TABLE users DROP COLUMN name;
`
	f, err := sqlparse.Parse("1.sql", []byte(src))
	require.NoError(t, err)
	require.Len(t, f.Stmts, 4)
	require.Equal(t, []int{1, 8, 14, 15}, []int{f.Stmts[0].Line, f.Stmts[1].Line, f.Stmts[2].Line, f.Stmts[3].Line})
	fs := Analyze(Input{Dir: "m", Files: []*sqlparse.File{f}, Before: before()})
	require.Equal(t, []string{"DS103"}, codes(fs))
	require.Equal(t, 15, fs[0].Fix.Line)
	require.Equal(t, "m/1.sql", fs[0].Fix.File)
}

func TestRulesAreDocumentedOnce(t *testing.T) {
	var seen []string
	for _, r := range Rules {
		require.NotContains(t, seen, r.Code)
		seen = append(seen, r.Code)
		require.NotEmpty(t, remedy[r.Code], r.Code)
		require.Contains(t, Analyzers(), r.Analyzer)
	}
	require.True(t, slices.IsSorted(Analyzers()) || len(Analyzers()) == 6)
}

// One statement with several hazards of one kind is one finding naming
// them all; another statement is another finding.
func TestOneFindingPerStatement(t *testing.T) {
	fs := run(t, nil, "SET lock_timeout = '1s';\n"+
		"ALTER TABLE users ADD CONSTRAINT a FOREIGN KEY (amount) REFERENCES orgs (id), ADD CONSTRAINT b CHECK (amount < 100);\n"+
		"ALTER TABLE users DROP COLUMN name, DROP COLUMN email;\n")
	require.Equal(t, []string{"SC301", "DS103"}, codes(fs))
	require.Equal(t, `foreign key "a" and CHECK constraint "b"`, fs[0].Object)
	require.Equal(t, `foreign key "a" and CHECK constraint "b" are added to "users" without NOT VALID: every row is checked under ACCESS EXCLUSIVE on "users" and SHARE ROW EXCLUSIVE on "orgs"`, fs[0].Message)
	require.Equal(t, 2, fs[0].Fix.Line)
	require.Equal(t, `columns "users"."name" and "users"."email" are dropped with their data; the running release may still read them`, fs[1].Message)

	// The lock named is PostgreSQL's: a foreign key alone stops writes only.
	fs = run(t, nil, "ALTER TABLE users ADD CONSTRAINT a FOREIGN KEY (amount) REFERENCES orgs (id) NOT VALID, ADD CONSTRAINT b FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;")
	require.Equal(t, []string{"SC306"}, codes(fs))
	require.Equal(t, `the statement takes a SHARE ROW EXCLUSIVE lock on "users" (writes wait) and a SHARE ROW EXCLUSIVE lock on "orgs" (writes wait) while it waits and runs, and no lock_timeout is set before it`, fs[0].Message)
}

// Atlas's defaults: destructive changes are errors, every other analyzer
// warns; of schemactl's own codes only a certain failure is an error.
func TestDefaultSeverities(t *testing.T) {
	fs := run(t, nil, "ALTER TABLE users DROP COLUMN name;\nCREATE INDEX users_amount ON users (amount);\n"+
		"ALTER TABLE users ADD CONSTRAINT positive CHECK (amount > 0);\nALTER TYPE userstatus ADD VALUE 'banned';\nUPDATE users SET status = 'banned';")
	got := map[string]report.Severity{}
	for _, f := range fs {
		got[f.Code] = f.Severity
	}
	require.Equal(t, map[string]report.Severity{"DS103": report.Error, "SC306": report.Warning, "PG101": report.Warning,
		"SC301": report.Warning, "SC305": report.Error}, got)
}

// An index created without a name is named by its columns, not as "".
func TestUnnamedIndex(t *testing.T) {
	fs := run(t, nil, "SET lock_timeout = '5s';\nCREATE INDEX ON users (name);\nCREATE UNIQUE INDEX ON users (lower(name), amount);\n")
	require.Equal(t, []string{"PG101", "MF101", "PG101"}, codes(fs))
	require.Equal(t, `unnamed index (name) is created without CONCURRENTLY: writes to "users" wait until it is built`, fs[0].Message)
	require.Equal(t, `unnamed index (name)`, fs[0].Object)
	require.Equal(t, `unnamed unique index (expr, amount) is added on "users": it fails if existing rows have duplicates`, fs[1].Message)
	require.Equal(t, `unnamed index (expr, amount) is created without CONCURRENTLY: writes to "users" wait until it is built`, fs[2].Message)
}
