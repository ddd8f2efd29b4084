package history

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The merge-base's files are read in one batch, byte for byte: an empty
// file, one without a final newline, one holding NUL and CRLF, and a name
// the batch cannot carry (a newline), read on its own.
func TestShowFilesExact(t *testing.T) {
	r := newRepo(t)
	contents := map[string]string{
		"1_empty.sql":      "",
		"2_no_newline.sql": "SELECT 1;",
		"3_odd.sql":        "SELECT 'a\x00b';\r\nSELECT 2;\r\n\n",
		"4_new\nline.sql":  "SELECT 4;\n",
	}
	for name, c := range contents {
		require.NoError(t, os.WriteFile(filepath.Join(r.dir, name), []byte(c), 0o644))
	}
	r.commit("base")
	b := r.load("main")
	require.Len(t, b.Files, len(contents))
	for name, c := range contents {
		require.Equal(t, c, string(b.Files[name]), name)
	}
	require.Equal(t, "4", b.Newest)

	_, err := showFiles(context.Background(), r.root, "HEAD", []string{dirRel + "/nope.sql"})
	require.ErrorContains(t, err, "missing")
}
