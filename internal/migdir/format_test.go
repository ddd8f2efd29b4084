package migdir

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// copyFixture copies testdata/dirformat/NAME into a temp dir.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.CopyFS(dst, os.DirFS(filepath.Join("..", "..", "testdata", "dirformat", name))))
	return dst
}

// Hash writes, for each format, the atlas.sum the Atlas CLI wrote.
func TestHashFormats(t *testing.T) {
	for _, name := range []string{"golang-migrate", "goose", "flyway", "flyway-nested", "dbmate"} {
		t.Run(name, func(t *testing.T) {
			p := copyFixture(t, name)
			want, err := os.ReadFile(filepath.Join(p, migrate.HashFileName))
			require.NoError(t, err)
			require.NoError(t, os.Remove(filepath.Join(p, migrate.HashFileName)))
			format := name
			if name == "flyway-nested" {
				format = "flyway"
			}
			d, err := OpenFormat("file://"+p, format)
			require.NoError(t, err)
			require.NoError(t, d.Hash())
			got, err := os.ReadFile(filepath.Join(p, migrate.HashFileName))
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
			files, err := d.Files()
			require.NoError(t, err)
			ps, err := d.CheckFiles(files)
			require.NoError(t, err)
			require.Empty(t, ps)
		})
	}
}

// A directory of another format, read as Atlas's, is refused before
// anything reads it: hash would write a sum Atlas rejects.
func TestFormatMismatch(t *testing.T) {
	p := copyFixture(t, "golang-migrate")
	_, err := Open("file://" + p)
	require.ErrorIs(t, err, ErrFormatMismatch)
	var fe *FormatError
	require.True(t, errors.As(err, &fe))
	require.Equal(t, dirformat.GolangMigrate, fe.Sign.Format)
	require.Equal(t, `migration directory "`+p+`" looks like a golang-migrate directory (1_users.down.sql is a down migration) but is read as an Atlas directory: declare its format with --dir "file://`+p+`?format=golang-migrate" or migration { format = golang-migrate } in atlas.hcl`, err.Error())

	// The URL's format wins over atlas.hcl's, as in Atlas.
	_, err = OpenFormat("file://"+p+"?format=goose", "golang-migrate")
	require.EqualError(t, err, `migration directory "`+p+`" looks like a golang-migrate directory (1_users.down.sql is a down migration) but is read as a goose directory: declare its format with --dir "file://`+p+`?format=golang-migrate" or migration { format = golang-migrate } in atlas.hcl`)
	d, err := OpenFormat("file://"+p, "golang-migrate")
	require.NoError(t, err)
	require.Equal(t, dirformat.GolangMigrate, d.Format())
}

// atlas.sum of a golang-migrate directory covers the up files only (Atlas
// v1.2): a down file may change without rehashing.
func TestGolangMigrateSum(t *testing.T) {
	p := copyFixture(t, "golang-migrate")
	d, err := OpenFormat(p, "golang-migrate")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(p, "2_posts.down.sql"), []byte("DROP TABLE posts CASCADE;\n"), 0o644))
	ps, err := d.CheckSum()
	require.NoError(t, err)
	require.Empty(t, ps)
	require.NoError(t, os.WriteFile(filepath.Join(p, "2_posts.up.sql"), []byte("SELECT 1;\n"), 0o644))
	ps, err = d.CheckSum()
	require.NoError(t, err)
	require.Equal(t, []Problem{{Kind: FileEdited, File: "2_posts.up.sql"}}, ps)
}

// An atlas.sum the Atlas CLI before v1.2 wrote for a golang-migrate
// directory lists the down files too (as the pinned Atlas library still
// hashes it). They are not removed: they are there and are no migrations,
// and the message says so; migrate hash writes Atlas v1.2's sum.
func TestGolangMigrateOldSum(t *testing.T) {
	p := copyFixture(t, "golang-migrate")
	local, err := migrate.NewLocalDir(p)
	require.NoError(t, err)
	require.NoError(t, migrate.WriteSumFile(local, mustSum(t, local)))
	d, err := OpenFormat(p, "golang-migrate")
	require.NoError(t, err)
	ps, err := d.CheckSum()
	require.NoError(t, err)
	var downs []Problem
	for _, n := range []string{"1_users.down.sql", "2_posts.down.sql", "3_post_index.down.sql"} {
		downs = append(downs, Problem{Kind: FileRemoved, File: n, NotMigrationIn: dirformat.GolangMigrate})
	}
	require.Equal(t, downs, ps)
	require.Equal(t, "atlas.sum: file 1_users.down.sql is hashed, but it is not a migration in the golang-migrate format (the Atlas CLI before v1.2 hashed golang-migrate's .down.sql files; Atlas v1.2 and schemactl hash the .up.sql files alone) (run: schemactl migrate hash)", ps[0].String())

	// A down file deleted is still a removal, as is any file gone.
	require.NoError(t, os.Remove(filepath.Join(p, "2_posts.down.sql")))
	ps, err = d.CheckSum()
	require.NoError(t, err)
	require.Equal(t, Problem{Kind: FileRemoved, File: "2_posts.down.sql"}, ps[1])
	require.Equal(t, "atlas.sum: file 2_posts.down.sql was removed without rehashing (run: schemactl migrate hash)", ps[1].String())

	require.NoError(t, d.Hash())
	ps, err = d.CheckSum()
	require.NoError(t, err)
	require.Empty(t, ps)
}

func mustSum(t *testing.T, dir migrate.Dir) migrate.HashFile {
	t.Helper()
	h, err := dir.Checksum()
	require.NoError(t, err)
	return h
}

func TestCheckFilesFormats(t *testing.T) {
	for _, tt := range []struct {
		format string
		files  map[string]string
		want   []string
	}{
		{"golang-migrate", map[string]string{"1_a.up.sql": "SELECT 1;\n", "1_a.down.sql": "", "seed.sql": "SELECT 1;\n", "2.up.sql": "SELECT 2;\n"}, []string{
			"seed.sql: neither <version>_<name>.up.sql nor .down.sql: golang-migrate and Atlas skip it; rename it to 1_seed.up.sql (then run `schemactl migrate hash`), or move it out of the directory",
			"2.up.sql: not a migration file name: want <version>_<name>.up.sql (and .down.sql) with an all-digit version, e.g. 20260101000000_migration.up.sql (rename it, then run `schemactl migrate hash`)",
		}},
		{"goose", map[string]string{"1_a.sql": "-- +goose Up\nSELECT 1;\n", "2_b.sql": "SELECT 2;\n", "3_c.sql": "-- +goose Up\n-- +goose StatementEnd\n"}, []string{
			"2_b.sql: no `-- +goose Up` annotation: goose refuses the file, and Atlas would run all of it as one statement; start the up section with `-- +goose Up`",
			"3_c.sql:2: unexpected `-- +goose StatementEnd`",
		}},
		{"dbmate", map[string]string{"1_a.sql": "-- migrate:up\nSELECT 1;\n", "2_b.sql": "SELECT 2;\n"}, []string{
			"2_b.sql: no `-- migrate:up` annotation: nothing in the file runs; start the up section with `-- migrate:up`",
		}},
		{"flyway", map[string]string{"V9__a.sql": "SELECT 1;\n", "V10__b.sql": "SELECT 2;\n", "R__c.sql": "SELECT 3;\n", "U10__b.sql": "", "notes.sql": ""}, []string{
			"notes.sql: not a Flyway migration name (V<version>__<description>.sql, R__<description>.sql): Flyway and Atlas skip it; rename it to V1__notes.sql (then run `schemactl migrate hash`), or move it out of the directory",
			"V10__b.sql: version 10 is lower than that of V9__a.sql, which runs before it: Atlas runs files in Flyway version order and records them by version; give every file a version of the same width (schemactl and Atlas write 14-digit UTC timestamps) so that Flyway version and version order agree",
		}},
	} {
		t.Run(tt.format, func(t *testing.T) {
			d, err := OpenFormat(writeTree(t, tt.files), tt.format)
			require.NoError(t, err)
			files, err := d.Files()
			require.NoError(t, err)
			ps, err := d.CheckFiles(files)
			require.NoError(t, err)
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
			}
			require.Equal(t, tt.want, got)
		})
	}
}

// WriteFiles on a golang-migrate directory writes the pair; atlas.sum
// covers the up file, and Atlas validates the directory.
func TestWriteFilesGolangMigrate(t *testing.T) {
	p := copyFixture(t, "golang-migrate")
	d, err := OpenFormat(p, "golang-migrate")
	require.NoError(t, err)
	require.NoError(t, d.WriteFiles([]NewFile{
		{Name: "4_memo.up.sql", Data: []byte("ALTER TABLE posts ADD COLUMN memo text;\n")},
		{Name: "4_memo.down.sql", Data: []byte("ALTER TABLE posts DROP COLUMN memo;\n")},
	}))
	require.NoError(t, migrate.Validate(d.Migrate()))
	sum := readSum(t, d)
	require.Contains(t, sum, "\n4_memo.up.sql h1:")
	require.NotContains(t, sum, "down")
	// A new up file must run last.
	err = d.WriteFiles([]NewFile{{Name: "0_early.up.sql", Data: []byte("SELECT 1;\n")}})
	require.ErrorIs(t, err, ErrBadName)
	require.EqualError(t, err, "invalid migration file name: 0_early.up.sql sorts before 4_memo.up.sql: Atlas runs files in name order, so a new file must come last")
}

// A Flyway file is new after every versioned file; repeatable files still
// run after it.
func TestWriteFilesFlyway(t *testing.T) {
	p := copyFixture(t, "flyway")
	d, err := OpenFormat(p, "flyway")
	require.NoError(t, err)
	require.NoError(t, d.WriteFiles([]NewFile{
		{Name: "V3__memo.sql", Data: []byte("ALTER TABLE posts ADD COLUMN memo text;\n")},
		{Name: "U3__memo.sql", Data: []byte("ALTER TABLE posts DROP COLUMN memo;\n")},
	}))
	files, err := d.Files()
	require.NoError(t, err)
	require.Equal(t, "V3__memo.sql", files[3].Name())
	require.Equal(t, "R__post_count.sql", files[4].Name())
	require.NoError(t, migrate.Validate(d.Migrate()))
	err = d.WriteFiles([]NewFile{{Name: "V1.5__early.sql", Data: []byte("SELECT 1;\n")}})
	require.EqualError(t, err, "invalid migration file name: V1.5__early.sql runs before V3__memo.sql: Atlas runs files in Flyway version order, so a new file must come last")
}

func TestTxModeFormats(t *testing.T) {
	for _, tt := range []struct{ format, file string }{
		{"goose", "20240101000003_post_index.sql"},
		{"dbmate", "20240101000003_post_index.sql"},
	} {
		d, err := OpenFormat(copyFixture(t, tt.format), tt.format)
		require.NoError(t, err)
		files, err := d.Files()
		require.NoError(t, err)
		for _, f := range files {
			require.Equal(t, f.Name() == tt.file, NoTx(f), "%s %s", tt.format, f.Name())
		}
	}
}
