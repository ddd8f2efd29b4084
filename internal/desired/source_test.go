package desired

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/report"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

// write creates files under a temporary directory and returns it.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

// build builds st on a fresh database and returns the connection.
func build(t *testing.T, st *State) (*pgdb.Conn, error) {
	t.Helper()
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	conn, err := pgdb.ConnectDev(ctx, u)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn, st.DDL.Exec(ctx, conn)
}

func loadSources(t *testing.T, sources ...Source) (*State, error) {
	t.Helper()
	return Load(context.Background(), sources, Options{ServerVersion: serverVersion})
}

func TestParseURL(t *testing.T) {
	s, err := ParseURL("file://db/schema.sql")
	require.NoError(t, err)
	require.Equal(t, Source{Kind: File, URL: "file://db/schema.sql", Path: "db/schema.sql"}, s)
	s, err = ParseURL("ent://ent/schema")
	require.NoError(t, err)
	require.Equal(t, Ent, s.Kind)
	require.Equal(t, "ent/schema", s.Path)
	_, err = ParseURL("mysql://x")
	require.ErrorIs(t, err, ErrScheme)
	_, err = ParseURL("file://schema.hcl")
	require.EqualError(t, err, "an Atlas HCL schema is not read: declare the schema in SQL (file://schema.sql)")
	_, err = ParseURL("ent://ent/schema?globalid=1")
	require.ErrorContains(t, err, "ent:// takes no parameters")
}

// A SQL file is split as Atlas splits it ($$ bodies whole), each statement
// with its file and line; a directory's .sql files are read in name order;
// neither declares functions for Ent alone.
func TestFileSource(t *testing.T) {
	dir := write(t, map[string]string{
		"one.sql":           "CREATE TABLE t (id int PRIMARY KEY);\n\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN NEW;\nEND\n$$;\n",
		"dir/2_trigger.sql": "CREATE TRIGGER t_f BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();\n",
		"dir/1_base.sql":    "CREATE TABLE t (id int PRIMARY KEY);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n",
		"dir/README.md":     "not SQL",
	})
	st, err := loadSources(t, Source{Kind: File, URL: "file://one.sql", Path: filepath.Join(dir, "one.sql")})
	require.NoError(t, err)
	require.True(t, st.DeclaresExtras())
	require.Empty(t, st.Graph.Nodes)
	require.Len(t, st.SQL, 1)
	stmts := st.SQL[0].Stmts
	require.Len(t, stmts, 2)
	require.Equal(t, 3, stmts[1].Line)
	require.Equal(t, filepath.ToSlash(filepath.Join(dir, "one.sql")), stmts[1].File)
	require.Contains(t, stmts[1].Text, "RETURN NEW;")

	st, err = loadSources(t, Source{Kind: File, URL: "file://dir", Path: filepath.Join(dir, "dir")})
	require.NoError(t, err)
	conn, err := build(t, st)
	require.NoError(t, err, "1_base.sql runs before 2_trigger.sql")
	r, err := conn.Inspect(context.Background())
	require.NoError(t, err)
	require.Len(t, pgdb.ExtrasOf(r).Triggers, 1)
}

// What cannot be read is one line naming the source.
func TestFileSourceErrors(t *testing.T) {
	dir := write(t, map[string]string{"migrations/atlas.sum": "h1:x=\n", "migrations/1_a.sql": "SELECT 1;", "empty/x.txt": ""})
	for _, tc := range []struct {
		src  Source
		want string
	}{
		{Source{Kind: File, URL: "file://nope.sql", Path: filepath.Join(dir, "nope.sql"), At: "--to file://nope.sql"},
			"desired: --to file://nope.sql: " + filepath.Join(dir, "nope.sql") + ": no such file or directory"},
		{Source{Kind: File, URL: "file://migrations", Path: filepath.Join(dir, "migrations")},
			"desired: file://migrations: " + filepath.Join(dir, "migrations") + " holds atlas.sum, so it is a migration directory, not a schema: name a SQL file or a directory of schema files (--dir takes migrations)"},
		{Source{Kind: File, URL: "file://empty", Path: filepath.Join(dir, "empty")},
			"desired: file://empty: " + filepath.Join(dir, "empty") + " holds no .sql file"},
	} {
		_, err := loadSources(t, tc.src)
		require.EqualError(t, err, tc.want)
	}
}

// A failing statement of a SQL source is named by its file and line.
func TestSQLSourceFailsWithItsLine(t *testing.T) {
	dir := write(t, map[string]string{"schema.sql": "CREATE TABLE t (id int);\n\nCREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION missing();\n"})
	st, err := loadSources(t, Source{Kind: File, URL: "file://schema.sql", Path: filepath.Join(dir, "schema.sql")})
	require.NoError(t, err)
	_, err = build(t, st)
	var se *sqlscript.StmtError
	require.ErrorAs(t, err, &se)
	require.Equal(t, filepath.ToSlash(filepath.Join(dir, "schema.sql")), se.File)
	require.Equal(t, 3, se.Line)
	require.ErrorContains(t, err, "desired: the desired state does not apply on the dev database: "+se.File+":3: ERROR: function missing() does not exist (SQLSTATE 42883)")
}

// An external_schema's program writes the SQL on its standard output, in
// its working directory; a failing one is one line with its exit status
// and the first line of its standard error.
func TestExternalSource(t *testing.T) {
	dir := write(t, map[string]string{"gen.sh": "cat schema.sql\n", "schema.sql": "CREATE TABLE t (id int);\nCREATE FUNCTION one() RETURNS int LANGUAGE sql AS 'SELECT 1';\n"})
	st, err := loadSources(t, Source{Kind: External, URL: "external_schema://sql", Name: "sql", Program: []string{"sh", "gen.sh"}, Dir: dir})
	require.NoError(t, err)
	require.Len(t, st.SQL[0].Stmts, 2)
	require.Equal(t, "external_schema.sql", st.SQL[0].Stmts[1].File)
	require.Equal(t, 2, st.SQL[0].Stmts[1].Line)

	_, err = loadSources(t, Source{Kind: External, URL: "external_schema://bad", Name: "bad", At: `atlas.hcl:1,1-30: data "external_schema" "bad"`,
		Program: []string{"sh", "-c", "echo 'first: connection refused' >&2; echo second >&2; exit 3"}})
	require.EqualError(t, err, `desired: atlas.hcl:1,1-30: data "external_schema" "bad": program ["sh", "-c", "echo 'first: connection refused' >&2; echo second >&2; exit 3"] exited with status 3: first: connection refused`)

	_, err = loadSources(t, Source{Kind: External, URL: "external_schema://none", Name: "none", Program: []string{"schemactl-no-such-program"}})
	require.EqualError(t, err, `desired: external_schema "none": program ["schemactl-no-such-program"]: exec: "schemactl-no-such-program": executable file not found in $PATH`)
}

// A composite's members apply in order on one database; a SQL member runs
// in its schema block's schema; an Ent member after a SQL one uses what
// it created (the schema "audit", here created by the SQL member first).
func TestCompositeSource(t *testing.T) {
	dir := write(t, map[string]string{
		"first.sql":  "CREATE SCHEMA audit;\nCREATE EXTENSION citext;\n",
		"stamp.sql":  "CREATE FUNCTION stamp() RETURNS int LANGUAGE sql AS 'SELECT 1';\n",
		"after.sql":  "CREATE FUNCTION n_accounts() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM accounts';\n",
		"before.sql": "CREATE FUNCTION n_accounts() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM accounts';\n",
	})
	file := func(name, schema string) Source {
		return Source{Kind: File, URL: "file://" + name, Path: filepath.Join(dir, name), Schema: schema}
	}
	ent := Source{Kind: Ent, URL: "ent://realm", Path: fixtures + "v14/ent/realm", Schema: "public"}
	st, err := loadSources(t, Source{Kind: Composite, Name: "app", URL: "composite_schema://app",
		Members: []Source{file("first.sql", "public"), ent, file("stamp.sql", "util"), file("after.sql", "")}})
	require.NoError(t, err)
	require.Len(t, st.Packages, 1)
	require.Len(t, st.SQL, 3)
	conn, err := build(t, st)
	require.NoError(t, err)
	r, err := conn.Inspect(context.Background())
	require.NoError(t, err)
	var funcs []string
	for _, f := range pgdb.ExtrasOf(r).Funcs {
		funcs = append(funcs, pgdb.FuncKey(f))
	}
	require.Equal(t, []string{"public.n_accounts()", "util.stamp()"}, funcs)
	var path string
	require.NoError(t, conn.DB.QueryRow("SHOW search_path").Scan(&path))
	require.Equal(t, `"$user", public`, path, "the member's search_path is reset")

	// In the other order, the function's body names a table not yet there.
	st, err = loadSources(t, Source{Kind: Composite, Name: "app", URL: "composite_schema://app",
		Members: []Source{file("first.sql", ""), file("before.sql", ""), ent}})
	require.NoError(t, err)
	_, err = build(t, st)
	require.ErrorContains(t, err, `before.sql:1: ERROR: relation "accounts" does not exist`)

	_, err = loadSources(t, Source{Kind: Composite, Name: "app", URL: "composite_schema://app", At: "atlas.hcl:1,1-31",
		Members: []Source{{Kind: Ent, URL: "ent://realm", Path: fixtures + "v14/ent/realm", Schema: "audit"}}})
	require.EqualError(t, err, `desired: atlas.hcl:1,1-31: composite_schema "app": schema "audit" member ent://realm: an Ent package is loaded into "public" (place its tables in another schema with entsql.Schema)`)
}

// The SQL sources place what they declare, for the findings' "fix" line.
func TestDeclared(t *testing.T) {
	dir := write(t, map[string]string{"schema.sql": `CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE t (id int);
CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE sql AS 'SELECT a';
CREATE FUNCTION audit.g() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_g BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit.g();
CREATE VIEW v AS SELECT id FROM t;
`})
	st, err := loadSources(t, Source{Kind: File, URL: "file://schema.sql", Path: filepath.Join(dir, "schema.sql")})
	require.NoError(t, err)
	file := filepath.ToSlash(filepath.Join(dir, "schema.sql"))
	for _, tc := range []struct {
		ref  report.ObjectRef
		line int
		elem string
	}{
		{report.ObjectRef{Kind: report.KindExtension, Name: "citext"}, 1, "CREATE EXTENSION citext"},
		{report.ObjectRef{Kind: report.KindFunction, Schema: "public", Name: "f(integer)"}, 3, "CREATE FUNCTION f"},
		{report.ObjectRef{Kind: report.KindFunction, Schema: "audit", Name: "g()"}, 4, "CREATE FUNCTION g"},
		{report.ObjectRef{Kind: report.KindTrigger, Schema: "public", Table: "t", Name: "t_g"}, 5, "CREATE TRIGGER t_g"},
		{report.ObjectRef{Kind: report.KindView, Schema: "public", Name: "v"}, 6, "CREATE VIEW v"},
	} {
		l, ok := st.Declared(tc.ref)
		require.True(t, ok, tc.ref.String())
		require.Equal(t, report.Location{File: file, Line: tc.line, Element: tc.elem}, l)
	}
	_, ok := st.Declared(report.ObjectRef{Kind: report.KindFunction, Schema: "audit", Name: "f(integer)"})
	require.False(t, ok, "another schema's function")
	_, ok = st.Declared(report.ObjectRef{Kind: report.KindTrigger, Schema: "public", Table: "u", Name: "t_g"})
	require.False(t, ok, "a trigger of another table")
}
