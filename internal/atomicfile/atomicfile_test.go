package atomicfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteReplaces(t *testing.T) {
	p := filepath.Join(t.TempDir(), "doc.md")
	require.NoError(t, os.WriteFile(p, []byte("old"), 0o644))
	require.NoError(t, Write(p, []byte("new"), 0o644))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Equal(t, "new", string(b))
	left, err := filepath.Glob(filepath.Join(filepath.Dir(p), ".*.tmp"))
	require.NoError(t, err)
	require.Empty(t, left)
}
