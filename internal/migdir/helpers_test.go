package migdir

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixture is a fixed migration directory whose atlas.sum is golden.
var fixture = map[string]string{
	"20260101000000_init.sql":     "CREATE TABLE users (id bigint PRIMARY KEY);\n",
	"20260102000000_accounts.sql": "CREATE TABLE accounts (\n  id bigint PRIMARY KEY,\n  user_id bigint REFERENCES users (id)\n);\n",
	"20260103000000_index.sql":    "CREATE INDEX accounts_user_id ON accounts (user_id);\n",
}

// writeTree creates a temp dir holding files (name -> content).
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for n, c := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644))
	}
	return dir
}

// snapshot maps every entry of dir (hidden temp files included) to its
// content, or to "<dir>" for directories, to check "exactly as before".
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		if e.IsDir() {
			m[e.Name()] = "<dir>"
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		m[e.Name()] = string(b)
	}
	return m
}

// openHashed opens a dir holding files plus an up-to-date atlas.sum.
func openHashed(t *testing.T, files map[string]string) *Dir {
	t.Helper()
	d, err := Open(writeTree(t, files))
	require.NoError(t, err)
	require.NoError(t, d.Hash())
	return d
}

func readSum(t *testing.T, d *Dir) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(d.Path(), "atlas.sum"))
	require.NoError(t, err)
	return string(b)
}
