package dirformat_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// fixtures are the directories under testdata/dirformat, one per format;
// each holds the atlas.sum the Atlas CLI wrote for it (docs/formats.md
// names the Atlas commit).
var fixtures = map[string]dirformat.Format{
	"golang-migrate": dirformat.GolangMigrate,
	"goose":          dirformat.Goose,
	"flyway":         dirformat.Flyway,
	"flyway-nested":  dirformat.Flyway,
	"dbmate":         dirformat.DBMate,
}

func fixture(name string) string { return filepath.Join("..", "..", "testdata", "dirformat", name) }

// TestSumIsAtlas: atlas.sum, computed over the format's migrations, is
// byte for byte the one `atlas migrate hash --dir file://DIR?format=F`
// wrote.
func TestSumIsAtlas(t *testing.T) {
	for name, f := range fixtures {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(fixture(name), migrate.HashFileName))
			require.NoError(t, err)
			local, err := migrate.NewLocalDir(fixture(name))
			require.NoError(t, err)
			sum, err := dirformat.Dir(local, f).Checksum()
			require.NoError(t, err)
			got, err := sum.MarshalText()
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
			// And Atlas's own validation accepts the directory.
			require.NoError(t, migrate.Validate(dirformat.Dir(local, f)))
		})
	}
}

// TestFiles: the migrations, their versions and descriptions as Atlas
// records them in atlas_schema_revisions (checked against the Atlas CLI),
// and the statements that run.
func TestFiles(t *testing.T) {
	type file struct {
		name, version, desc string
		stmts               []string // prefixes
		noTx                bool
	}
	for _, tt := range []struct {
		dir   string
		files []file
	}{
		{"golang-migrate", []file{
			{"1_users.up.sql", "1", "users", []string{"CREATE TYPE userstatus", "CREATE TABLE users", "CREATE UNIQUE INDEX users_email_key"}, false},
			{"2_posts.up.sql", "2", "posts", []string{"CREATE TABLE posts"}, false},
			{"3_post_index.up.sql", "3", "post_index", []string{"CREATE INDEX post_user_id_title"}, false},
		}},
		{"goose", []file{
			{"20240101000001_users.sql", "20240101000001", "users", []string{"DO $$\nBEGIN\n    IF NOT EXISTS", "CREATE TABLE users", "CREATE UNIQUE INDEX users_email_key"}, false},
			{"20240101000002_posts.sql", "20240101000002", "posts", []string{"CREATE TABLE posts"}, false},
			{"20240101000003_post_index.sql", "20240101000003", "post_index", []string{"CREATE INDEX CONCURRENTLY"}, true},
		}},
		{"flyway", []file{
			{"V1__users.sql", "1", "users", []string{"CREATE TYPE", "CREATE TABLE users", "CREATE UNIQUE INDEX"}, false},
			{"V1.1__posts.sql", "1.1", "posts", []string{"CREATE TABLE posts"}, false},
			{"V2__post_index.sql", "2", "post_index", []string{"CREATE INDEX"}, false},
			{"R__post_count.sql", "", "post_count", []string{"CREATE OR REPLACE FUNCTION user_post_count"}, false},
		}},
		{"flyway-nested", []file{
			{"B2__baseline.sql", "2", "baseline", []string{"CREATE TABLE a", "CREATE TABLE b"}, false},
			{"V3__c.sql", "3", "c", []string{"CREATE TABLE c"}, false},
			{"sub/V3.5__e.sql", "3.5", "e", []string{"CREATE TABLE e"}, false},
			{"R__va.sql", "", "va", []string{"CREATE OR REPLACE VIEW va"}, false},
		}},
		{"dbmate", []file{
			{"20240101000001_users.sql", "20240101000001", "users", []string{"CREATE TYPE", "CREATE TABLE users", "CREATE UNIQUE INDEX"}, false},
			{"20240101000002_posts.sql", "20240101000002", "posts", []string{"CREATE TABLE posts"}, false},
			{"20240101000003_post_index.sql", "20240101000003", "post_index", []string{"CREATE INDEX CONCURRENTLY"}, true},
		}},
	} {
		t.Run(tt.dir, func(t *testing.T) {
			files, err := dirformat.Files(os.DirFS(fixture(tt.dir)), fixtures[tt.dir])
			require.NoError(t, err)
			require.Len(t, files, len(tt.files))
			for i, want := range tt.files {
				f := files[i]
				require.Equal(t, want.name, f.Name())
				require.Equal(t, want.version, f.Version(), f.Name())
				require.Equal(t, want.desc, f.Desc(), f.Name())
				require.Equal(t, want.noTx, dirformat.NoTransaction(f), f.Name())
				stmts, err := f.Stmts()
				require.NoError(t, err)
				require.Len(t, stmts, len(want.stmts), f.Name())
				for j, s := range stmts {
					require.True(t, strings.HasPrefix(s, want.stmts[j]), "%s: statement %d is %q", f.Name(), j, s)
				}
				line, detail := dirformat.Check(f)
				require.Zero(t, line)
				require.Empty(t, detail)
			}
		})
	}
}

// TestStatementsAreSqltools: goose and dbmate statements are those Atlas's
// sqltool reads, where sqltool reads the file right (it reads nothing from
// a `-- migrate:up transaction:false` file).
func TestStatementsAreSqltools(t *testing.T) {
	for _, tt := range []struct {
		dir  string
		open func(string) (migrate.Dir, error)
		skip string
	}{
		{"goose", func(p string) (migrate.Dir, error) { return sqltool.NewGooseDir(p) }, ""},
		{"dbmate", func(p string) (migrate.Dir, error) { return sqltool.NewDBMateDir(p) }, "20240101000003_post_index.sql"},
	} {
		theirs, err := tt.open(fixture(tt.dir))
		require.NoError(t, err)
		want, err := theirs.Files()
		require.NoError(t, err)
		got, err := dirformat.Files(os.DirFS(fixture(tt.dir)), fixtures[tt.dir])
		require.NoError(t, err)
		require.Len(t, got, len(want))
		for i := range want {
			if want[i].Name() == tt.skip {
				continue
			}
			ws, err := want[i].StmtDecls()
			require.NoError(t, err)
			gs, err := got[i].StmtDecls()
			require.NoError(t, err)
			require.Len(t, gs, len(ws), want[i].Name())
			for j := range ws {
				require.Equal(t, ws[j].Text, gs[j].Text)
				require.Equal(t, ws[j].Comments, gs[j].Comments)
			}
		}
	}
}

// TestPositionsInFile: a statement's position is in the file, so errors
// name the file's line, not a line of the up section's copy.
func TestPositionsInFile(t *testing.T) {
	files, err := dirformat.Files(os.DirFS(fixture("goose")), dirformat.Goose)
	require.NoError(t, err)
	stmts, err := files[0].StmtDecls()
	require.NoError(t, err)
	b := files[0].Bytes()
	for i, wantLine := range []int{4, 13, 18} {
		require.Equal(t, wantLine, 1+strings.Count(string(b[:stmts[i].Pos]), "\n"), "statement %d", i)
		require.True(t, strings.HasPrefix(string(b[stmts[i].Pos:]), stmts[i].Text[:10]))
	}
	// CRLF line endings count as LF; positions stay in the file.
	crlf := []byte(strings.ReplaceAll(string(b), "\n", "\r\n"))
	fs := fstest.MapFS{"1_x.sql": {Data: crlf}}
	files, err = dirformat.Files(fs, dirformat.Goose)
	require.NoError(t, err)
	stmts, err = files[0].StmtDecls()
	require.NoError(t, err)
	require.Len(t, stmts, 3)
	require.Equal(t, 13, 1+strings.Count(string(crlf[:stmts[1].Pos]), "\n"))
}

// TestUp: the review reads only the up section, on the file's lines.
func TestUp(t *testing.T) {
	files, err := dirformat.Files(os.DirFS(fixture("goose")), dirformat.Goose)
	require.NoError(t, err)
	up := string(dirformat.Up(files[1]))
	require.Equal(t, strings.Count(string(files[1].Bytes()), "\n"), strings.Count(up, "\n"))
	require.Contains(t, up, "CREATE TABLE posts")
	require.NotContains(t, up, "DROP")
	require.NotContains(t, up, "+goose")
	files, err = dirformat.Files(os.DirFS(fixture("dbmate")), dirformat.DBMate)
	require.NoError(t, err)
	up = string(dirformat.Up(files[2]))
	require.Equal(t, "\nCREATE INDEX CONCURRENTLY post_user_id_title ON posts (user_id, title);\n\n\n\n", up)
}

func TestGooseAnnotations(t *testing.T) {
	for _, tt := range []struct {
		name, content string
		line          int
		detail        string
	}{
		{"down first", "-- +goose Down\nDROP TABLE t;\n", 1, "unexpected `-- +goose Down`"},
		{"end without begin", "-- +goose Up\nSELECT 1;\n-- +goose StatementEnd\n", 3, "unexpected `-- +goose StatementEnd`"},
		{"two ups", "-- +goose Up\nSELECT 1;\n-- +goose Up\n", 3, "unexpected `-- +goose Up`"},
		{"no up", "SELECT 1;\n", 0, "no `-- +goose Up` annotation"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files, err := dirformat.Files(fstest.MapFS{"1_x.sql": {Data: []byte(tt.content)}}, dirformat.Goose)
			require.NoError(t, err)
			line, detail := dirformat.Check(files[0])
			require.Equal(t, tt.line, line)
			require.True(t, strings.HasPrefix(detail, tt.detail), detail)
		})
	}
	// A line that only mentions Down is SQL (sqltool drops it).
	files, err := dirformat.Files(fstest.MapFS{"1_x.sql": {Data: []byte("-- +goose Up\nCREATE TYPE dir AS ENUM ('Up', 'Down');\n-- +goose Down\nDROP TYPE dir;\n")}}, dirformat.Goose)
	require.NoError(t, err)
	stmts, err := files[0].Stmts()
	require.NoError(t, err)
	require.Equal(t, []string{"CREATE TYPE dir AS ENUM ('Up', 'Down');"}, stmts)
}

func TestDetect(t *testing.T) {
	for name, f := range fixtures {
		t.Run(name, func(t *testing.T) {
			fsys := os.DirFS(fixture(name))
			e, err := dirformat.Mismatch(fsys, dirformat.Atlas)
			require.NoError(t, err)
			require.NotNil(t, e)
			require.Equal(t, f, e.Format)
			e, err = dirformat.Mismatch(fsys, f)
			require.NoError(t, err)
			require.Nil(t, e)
		})
	}
	e, err := dirformat.Mismatch(os.DirFS(fixture("golang-migrate")), dirformat.Atlas)
	require.NoError(t, err)
	require.Equal(t, "1_users.down.sql is a down migration", e.String())
	e, err = dirformat.Mismatch(os.DirFS(fixture("goose")), dirformat.GolangMigrate)
	require.NoError(t, err)
	require.Equal(t, `20240101000001_users.sql:1 has "-- +goose Up"`, e.String())
	// An Atlas directory declared as another format shows no sign of it.
	for f, sign := range map[dirformat.Format]string{
		dirformat.GolangMigrate: "no file is named <version>_<name>.up.sql",
		dirformat.Goose:         "no file has a `-- +goose Up` annotation",
		dirformat.Flyway:        "no file is named V<version>__<description>.sql",
		dirformat.DBMate:        "no file has a `-- migrate:up` annotation",
	} {
		e, err = dirformat.Mismatch(fstest.MapFS{"1_a.sql": {Data: []byte("SELECT 1;\n")}}, f)
		require.NoError(t, err)
		require.Equal(t, &dirformat.Evidence{Format: dirformat.Atlas, What: sign}, e)
		require.Equal(t, sign, e.String())
		// An empty directory is any format's.
		e, err = dirformat.Mismatch(fstest.MapFS{"README.md": {}}, f)
		require.NoError(t, err)
		require.Nil(t, e)
	}
	// An Atlas directory looks like nothing else.
	e, err = dirformat.Mismatch(fstest.MapFS{"20240101000000_init.sql": {Data: []byte("-- migrate: later\nSELECT 1;\n")}}, dirformat.Atlas)
	require.NoError(t, err)
	require.Nil(t, e)
}

func TestWith(t *testing.T) {
	fsys := dirformat.With(os.DirFS(fixture("golang-migrate")), map[string][]byte{
		"4_memo.up.sql":   []byte("ALTER TABLE posts ADD COLUMN memo text;\n"),
		"4_memo.down.sql": []byte("ALTER TABLE posts DROP COLUMN memo;\n"),
	})
	files, err := dirformat.Files(fsys, dirformat.GolangMigrate)
	require.NoError(t, err)
	require.Len(t, files, 4)
	require.Equal(t, "4_memo.up.sql", files[3].Name())
	require.Equal(t, "memo", files[3].Desc())
}

func TestParse(t *testing.T) {
	f, err := dirformat.Parse("")
	require.NoError(t, err)
	require.Equal(t, dirformat.Atlas, f)
	_, err = dirformat.Parse("liquibase")
	require.EqualError(t, err, `format "liquibase" is not supported (supported: atlas, golang-migrate, goose, flyway, dbmate)`)
	_, err = dirformat.Parse("golang_migrate")
	require.EqualError(t, err, `unknown format "golang_migrate" (supported: atlas, golang-migrate, goose, flyway, dbmate)`)
	require.Equal(t, `--dir "file://db/migrations?format=goose" or migration { format = goose } in atlas.hcl`, dirformat.Goose.Declare("file://db/migrations"))
}

// dbmate: an up line that mentions "down" is SQL (sqltool drops it), and
// transaction:false starts the up section (sqltool reads nothing).
func TestDBMateSections(t *testing.T) {
	files, err := dirformat.Files(fstest.MapFS{"1_x.sql": {Data: []byte("-- migrate:up transaction:false\nALTER TABLE t ADD COLUMN cooldown int;\n-- migrate:down\nALTER TABLE t DROP COLUMN cooldown;\n")}}, dirformat.DBMate)
	require.NoError(t, err)
	stmts, err := files[0].Stmts()
	require.NoError(t, err)
	require.Equal(t, []string{"ALTER TABLE t ADD COLUMN cooldown int;"}, stmts)
	require.True(t, dirformat.NoTransaction(files[0]))
	theirs, err := (&sqltool.DBMateFile{LocalFile: migrate.NewLocalFile("1_x.sql", files[0].Bytes())}).Stmts()
	require.NoError(t, err)
	require.Empty(t, theirs, "sqltool reads nothing from a transaction:false file")
}
