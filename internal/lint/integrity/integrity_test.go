package integrity

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/report"
)

// Every file problem kind has a stable code in the gate's scheme and a
// remedy, and the finding points at the file and line.
func TestFiles(t *testing.T) {
	dir := t.TempDir()
	d, err := migdir.Open(dir)
	require.NoError(t, err)
	code := regexp.MustCompile(`^DIR[12][0-9]{2}$`)
	seen := map[string]bool{}
	for k := migdir.BadName; k <= migdir.MisplacedDirective; k++ {
		fs := Files(d, []migdir.FileProblem{{Kind: k, File: "1_a.sql", Line: 3, Detail: "x"}})
		require.Len(t, fs, 1)
		f := fs[0]
		require.Regexp(t, code, f.Code, "kind %d", k)
		require.False(t, seen[f.Code], "code %s used twice", f.Code)
		seen[f.Code] = true
		require.Equal(t, report.Integrity, f.Category)
		require.NotEmpty(t, f.Remedy)
		require.Equal(t, &report.Location{File: filepath.ToSlash(filepath.Join(dir, "1_a.sql")), Line: 3}, f.Fix)
		require.Equal(t, "1_a.sql:3: x", f.Message)
	}
}

// A line-ending-only change gets the .gitattributes remedy, not just "rehash".
func TestSumLineEndings(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "1_a.sql"), []byte("SELECT 1;\n"), 0o644))
	d, err := migdir.Open(dir)
	require.NoError(t, err)
	fs := Sum(d, []migdir.Problem{{Kind: migdir.FileEdited, File: "1_a.sql", LineEndings: "CRLF"}})
	require.Equal(t, "SUM103", fs[0].Code)
	require.Contains(t, fs[0].Message, "differs only in its line endings")
	require.Contains(t, fs[0].Remedy, "*.sql -text")
	fs = Sum(d, []migdir.Problem{{Kind: migdir.FileEdited, File: "1_a.sql"}})
	require.NotContains(t, fs[0].Remedy, "-text")
}

// A golang-migrate down file listed by an old atlas.sum is not "removed":
// SUM104 says what it is, and the remedy is Atlas v1.2's hash alone.
func TestSumNotMigration(t *testing.T) {
	dir := t.TempDir()
	d, err := migdir.OpenFormat(dir, "golang-migrate")
	require.NoError(t, err)
	fs := Sum(d, []migdir.Problem{{Kind: migdir.FileRemoved, File: "1_a.down.sql", NotMigrationIn: dirformat.GolangMigrate}})
	require.Equal(t, "SUM104", fs[0].Code)
	require.Contains(t, fs[0].Message, "1_a.down.sql is hashed, but it is not a migration in the golang-migrate format")
	require.Equal(t, "run `schemactl migrate hash` to hash the migrations alone, as the Atlas CLI v1.2 does", fs[0].Remedy)
	fs = Sum(d, []migdir.Problem{{Kind: migdir.FileRemoved, File: "1_a.down.sql"}})
	require.Contains(t, fs[0].Message, "was removed without rehashing")
	require.Contains(t, fs[0].Remedy, "never edit a migration")
}
