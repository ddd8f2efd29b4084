package history

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/migdir"
)

// repo makes a git repository whose main branch holds files in migrations/.
func repo(t *testing.T, files map[string]string) string {
	t.Helper()
	for k, v := range map[string]string{"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
		"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.DevNull, "GIT_CONFIG_NOSYSTEM": "1"} {
		t.Setenv(k, v)
	}
	root := t.TempDir()
	dir := filepath.Join(root, "migrations")
	require.NoError(t, os.Mkdir(dir, 0o755))
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"commit", "-q", "--allow-empty", "-m", "base"}} {
		out, err := exec.Command("git", append([]string{"-C", root}, args...)...).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	return dir
}

func TestBase(t *testing.T) {
	dir := repo(t, map[string]string{"20260101000000_a.sql": "CREATE TABLE a (id int);\n", "20260102000000_b.sql": "CREATE TABLE b (id int);\n"})
	b, err := LoadBase(context.Background(), dir, "main")
	require.NoError(t, err)
	require.Len(t, b.Files, 2)
	require.Equal(t, "20260102000000_b.sql", b.Newest)

	_, err = LoadBase(context.Background(), dir, "no-such-branch")
	require.ErrorIs(t, err, ErrBadRef)
	require.ErrorContains(t, err, `"no-such-branch"`)
}

func TestBaseWithoutTheDirectory(t *testing.T) {
	dir := repo(t, nil) // migrations/ is empty, so git does not track it
	require.NoError(t, os.WriteFile(filepath.Join(dir, "20260101000000_a.sql"), []byte("SELECT 1;\n"), 0o644))
	b, err := LoadBase(context.Background(), dir, "main")
	require.NoError(t, err)
	require.Empty(t, b.Files)
	d, err := migdir.Open(dir)
	require.NoError(t, err)
	files, err := d.Files()
	require.NoError(t, err)
	require.Equal(t, []string{"20260101000000_a.sql"}, b.Added(files))
	require.Empty(t, b.Check(d, files))
}

func TestRebaseRewritesAConflictedSum(t *testing.T) {
	dir := repo(t, map[string]string{"20260105000000_main.sql": "CREATE TABLE m (id int);\n"})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "20260101000000_mine.sql"), []byte("CREATE TABLE x (id int);\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "20260102000000_mine2.sql"), []byte("CREATE TABLE y (id int);\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "atlas.sum"), []byte("<<<<<<< HEAD\nh1:abc=\n=======\nh1:def=\n>>>>>>> main\n"), 0o644))
	b, err := LoadBase(context.Background(), dir, "main")
	require.NoError(t, err)
	d, err := migdir.Open(dir)
	require.NoError(t, err)
	files, err := d.Files()
	require.NoError(t, err)
	require.Equal(t, []string{"SC403", "SC403"}, []string{b.Check(d, files)[0].Code, b.Check(d, files)[1].Code})

	renames, err := Rebase(d, b, time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.Equal(t, []Rename{{"20260101000000_mine.sql", "20260105000001_mine.sql"}, {"20260102000000_mine2.sql", "20260105000002_mine2.sql"}}, renames)
	problems, err := d.CheckSum()
	require.NoError(t, err)
	require.Empty(t, problems)
	files, err = d.Files()
	require.NoError(t, err)
	require.Empty(t, b.Check(d, files))
}
