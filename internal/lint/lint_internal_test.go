package lint

import (
	"os"
	"path/filepath"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/lint/consistency"
	"github.com/ledgerforge/schemactl/internal/migdir"
)

func TestFirstAdded(t *testing.T) {
	files := []migrate.File{migrate.NewLocalFile("1_a.sql", nil), migrate.NewLocalFile("2_b.sql", nil), migrate.NewLocalFile("3_c.sql", nil)}
	require.Equal(t, 3, firstAdded(files, nil), "no review: every file is history")
	require.Equal(t, 1, firstAdded(files, &Review{Added: []string{"2_b.sql", "3_c.sql"}}))
	require.Equal(t, 0, firstAdded(files, &Review{Added: []string{"1_a.sql"}}))
	require.Equal(t, 3, firstAdded(files, &Review{}), "nothing added")
}

// mentions points at the first file and line naming an identifier, quoted
// or bare, and not at a longer name that contains it.
func TestMentions(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "1_a.sql"), []byte("CREATE TABLE legacy_items (id int);\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "2_b.sql"), []byte("-- add it\n\nCREATE TABLE \"legacy\" (id int);\nALTER TABLE legacy ADD COLUMN fax text;\n"), 0o644))
	d, err := migdir.Open(dir)
	require.NoError(t, err)
	files, err := d.Files()
	require.NoError(t, err)
	find := consistency.MentionsIn(d, files)
	loc, ok := find("legacy")
	require.True(t, ok)
	require.Equal(t, filepath.ToSlash(filepath.Join(dir, "2_b.sql")), loc.File)
	require.Equal(t, 3, loc.Line)
	loc, ok = find("fax")
	require.True(t, ok)
	require.Equal(t, 4, loc.Line)
	_, ok = find("nowhere")
	require.False(t, ok)
}
