package devdb

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/cachedir"
)

// run1 runs sql on the database at u.
func run1(t *testing.T, u, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	require.NoError(t, err, sql)
}

// texts runs a query returning one text column on the database at u.
func texts(t *testing.T, u, query string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, query)
	require.NoError(t, err)
	out, err := collect(rows)
	require.NoError(t, err)
	return out
}

// TestContribExtensions: the five contrib extensions projects use most
// are created and used on the embedded dev database, each once. It fails
// when the server's contrib package is missing one.
func TestContribExtensions(t *testing.T) {
	for _, tc := range []struct{ ext, use string }{
		{"citext", "CREATE TABLE t (email citext UNIQUE); INSERT INTO t VALUES ('A@x.io'); SELECT 1/count(*) FROM t WHERE email = 'a@X.IO'"},
		{"pgcrypto", "SELECT 1/(length(digest('x', 'sha256')) - 31)"},
		{"uuid-ossp", "CREATE TABLE t (id uuid DEFAULT uuid_generate_v4()); INSERT INTO t DEFAULT VALUES"},
		{"pg_trgm", "CREATE TABLE t (name text); CREATE INDEX t_name ON t USING gin (name gin_trgm_ops); SELECT similarity('schema', 'schemas')"},
		{"hstore", "CREATE TABLE t (attrs hstore); INSERT INTO t VALUES ('a=>1'); SELECT 1/count(*) FROM t WHERE attrs -> 'a' = '1'"},
	} {
		t.Run(tc.ext, func(t *testing.T) {
			u, err := server.CreateDatabase(context.Background())
			require.NoError(t, err)
			run1(t, u, "CREATE EXTENSION "+pgx.Identifier{tc.ext}.Sanitize())
			run1(t, u, tc.use)
		})
	}
}

func TestMissingExtension(t *testing.T) {
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	p, err := OpenWith(ctx, Options{DevURL: u, Baseline: "CREATE EXTENSION citext;\nCREATE EXTENSION postgis;\n", BaselineFrom: "atlas.hcl:4,3-40"})
	require.Nil(t, p)
	var ee *ExtensionError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, ExtensionError{File: "atlas.hcl:4,3-40", Line: 2, Name: "postgis", Major: server.Bin.Major}, *ee)
	v := strconv.Itoa(server.Bin.Major)
	require.Equal(t, `atlas.hcl:4,3-40:2: extension "postgis" is not installed on the dev database's server (PostgreSQL `+v+
		"): install it there (on Debian: `apt-get install postgresql-"+v+"-postgis-3`), then run again", err.Error())
	// The baseline ran in one transaction: nothing of it stayed.
	require.Empty(t, texts(t, u, "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'"))
}

func TestBaselineError(t *testing.T) {
	ctx := context.Background()
	_, err := OpenWith(ctx, Options{Baseline: "CREATE SCHEMA auth;\n\nCREATE TABLE auth.users (id uuid DEFAULT nope());\n"})
	var be *BaselineError
	require.ErrorAs(t, err, &be)
	require.Equal(t, 3, be.Line)
	require.Equal(t, "devdb: the dev database baseline:3: ERROR: function nope() does not exist (SQLSTATE 42883)", err.Error())
}

// baseline is what Atlas's documentation puts in a docker block: a
// schema, an extension in it, and a table the project does not manage.
const baseline = `CREATE SCHEMA auth;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp" SCHEMA auth;
CREATE EXTENSION citext;
CREATE TABLE auth.users (id uuid PRIMARY KEY DEFAULT auth.uuid_generate_v4());
`

func TestEmbeddedBaseline(t *testing.T) {
	ctx := context.Background()
	p, err := OpenWith(ctx, Options{Baseline: baseline})
	require.NoError(t, err)
	defer p.Close()
	for range 2 {
		db, err := p.Acquire(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"citext", "uuid-ossp"}, texts(t, db.URL, "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1"))
		run1(t, db.URL, "CREATE TABLE profiles (user_id uuid REFERENCES auth.users, nick citext)")
		require.NoError(t, db.Release(ctx))
	}
}

func TestExternalWithExtensions(t *testing.T) {
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	run1(t, u, "CREATE EXTENSION citext")

	// Only what an extension owns (function public.citextin, …): accepted.
	p, err := Open(ctx, u)
	require.NoError(t, err)
	db, err := p.Acquire(ctx)
	require.NoError(t, err)
	run1(t, db.URL, `CREATE EXTENSION hstore; CREATE SCHEMA billing; CREATE TYPE mood AS ENUM ('ok');
		CREATE TABLE users (email citext, m mood, attrs hstore); CREATE VIEW v AS SELECT email FROM users;
		CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE TABLE billing.t (id int)`)
	require.NoError(t, db.Release(ctx))
	// Released: what the use added is gone, citext stays.
	require.Equal(t, []string{"citext"}, texts(t, u, "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'"))
	obj, err := firstObject(ctx, connect1(t, u))
	require.NoError(t, err)
	require.Empty(t, obj)
	require.NoError(t, p.Close())

	// A table is still refused, named.
	run1(t, u, "CREATE TABLE precious (id int)")
	_, err = Open(ctx, u)
	require.ErrorIs(t, err, ErrNotEmpty)
	require.Contains(t, err.Error(), `has relation "public.precious"`)
}

func TestExternalWithBaseline(t *testing.T) {
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	// An empty database: the baseline is run in it once, and stays.
	p, err := OpenWith(ctx, Options{DevURL: u, Baseline: baseline})
	require.NoError(t, err)
	for range 2 {
		db, err := p.Acquire(ctx)
		require.NoError(t, err)
		run1(t, db.URL, "CREATE TABLE profiles (user_id uuid REFERENCES auth.users, nick citext)")
		require.NoError(t, db.Release(ctx))
	}
	require.NoError(t, p.Close())
	require.Equal(t, []string{"users"}, texts(t, u, "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace IN ('auth'::regnamespace, 'public'::regnamespace)"))

	// Holding the baseline's objects already: accepted as it is (the
	// baseline, not idempotent, is not run again).
	p, err = OpenWith(ctx, Options{DevURL: u, Baseline: baseline})
	require.NoError(t, err)
	require.NoError(t, p.Close())

	// Anything else is refused.
	run1(t, u, "CREATE TABLE auth.sessions (id int)")
	_, err = OpenWith(ctx, Options{DevURL: u, Baseline: baseline})
	require.ErrorIs(t, err, ErrNotEmpty)
	require.Contains(t, err.Error(), `has relation "auth.sessions"`)
}

func connect1(t *testing.T, u string) *pgx.Conn {
	conn, err := pgx.Connect(context.Background(), u)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestParseDocker(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want Docker
		err  string
	}{
		{url: "docker://postgres/15/dev?search_path=public", want: Docker{Major: 15, Database: "dev", SearchPath: "public"}},
		{url: "docker://postgres/15", want: Docker{Major: 15}},
		{url: "docker://postgres/16.2-alpine/app", want: Docker{Major: 16, Database: "app"}},
		{url: "docker://postgres/latest/dev", want: Docker{Database: "dev"}},
		{url: "docker://postgres", want: Docker{}},
		{url: "docker://postgres/stable/dev", err: `tag "stable" names no PostgreSQL major version`},
		{url: "docker://mysql/8/dev", err: "only PostgreSQL dev databases are supported"},
		{url: "docker://postgis/latest/dev", err: "apt-get install postgresql-<version>-postgis-3"},
		{url: "docker+postgres://_/local/dev", err: "custom images are not run"},
	} {
		d, ok, err := ParseDocker(tc.url)
		require.True(t, ok, tc.url)
		if tc.err != "" {
			require.ErrorIs(t, err, ErrDockerImage, tc.url)
			require.ErrorContains(t, err, tc.err, tc.url)
			continue
		}
		require.NoError(t, err, tc.url)
		require.Equal(t, tc.want, d, tc.url)
	}
	_, ok, err := ParseDocker("postgres://u@h/db")
	require.False(t, ok)
	require.NoError(t, err)
}

// TestFindMajor: a requested major version is found by what postgres
// --version says, and each major has its own template cluster.
func TestFindMajor(t *testing.T) {
	real, err := FindBinaries()
	require.NoError(t, err)
	// A second installation: the real programs, reporting another version.
	other := real.Major - 1
	lib := t.TempDir()
	// Under root the server account runs the programs: let it reach them.
	require.NoError(t, os.Chmod(filepath.Dir(lib), 0o755))
	require.NoError(t, os.Chmod(lib, 0o755))
	for _, v := range []int{real.Major, other} {
		bin := filepath.Join(lib, strconv.Itoa(v), "bin")
		require.NoError(t, os.MkdirAll(bin, 0o755))
		require.NoError(t, os.Symlink(real.path("initdb"), filepath.Join(bin, "initdb")))
		if v == real.Major {
			require.NoError(t, os.Symlink(real.path("postgres"), filepath.Join(bin, "postgres")))
			continue
		}
		script := "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'postgres (PostgreSQL) " + strconv.Itoa(other) + ".9'; exit 0; fi\nexec " + real.path("postgres") + " \"$@\"\n"
		require.NoError(t, os.WriteFile(filepath.Join(bin, "postgres"), []byte(script), 0o755))
	}
	t.Setenv(LibDirEnv, lib)
	t.Setenv(cachedir.Env, t.TempDir())
	b, err := FindMajor(other)
	require.NoError(t, err)
	require.Equal(t, Binaries{Dir: filepath.Join(lib, strconv.Itoa(other), "bin"), Major: other}, b)
	b, err = FindMajor(0)
	require.NoError(t, err)
	require.Equal(t, real.Major, b.Major, "0: the newest")

	_, err = FindMajor(99)
	var ve *VersionError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "devdb: PostgreSQL 99 is not installed (installed: "+strconv.Itoa(real.Major)+" ("+filepath.Join(lib, strconv.Itoa(real.Major), "bin")+"), "+
		strconv.Itoa(other)+" ("+filepath.Join(lib, strconv.Itoa(other), "bin")+")); install its server with `apt-get install postgresql-99`, or ask for an installed version", err.Error())

	// The other major starts from its own template, beside the first.
	p, err := OpenWith(context.Background(), Options{Major: other})
	require.NoError(t, err)
	require.Equal(t, other, p.Server().Bin.Major)
	require.NoError(t, p.Close())
	cache, err := cachedir.Dir()
	require.NoError(t, err)
	templates, err := filepath.Glob(filepath.Join(cache, "pg*-template-"+templateLayout))
	require.NoError(t, err)
	require.Equal(t, []string{filepath.Join(cache, "pg"+strconv.Itoa(other)+"-template-"+templateLayout)}, templates)
}
