package desired

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The graph cache key must change with anything the loaded graph depends on,
// and only then.
func TestSourceKey(t *testing.T) {
	root := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(root, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	write("go.mod", "module example.com/app\n")
	write("go.sum", "")
	write("ent/schema/user.go", "package schema\n\nimport _ \"example.com/app/internal/mixins\"\n")
	write("ent/schema/user_test.go", "package schema\n")
	write("internal/mixins/m.go", "package mixins\n")
	write("internal/unrelated/u.go", "package unrelated\n")
	dir := filepath.Join(root, "ent", "schema")

	key := func() string {
		k, err := sourceKey(dir)
		require.NoError(t, err)
		return k
	}
	base := key()
	require.Equal(t, base, key(), "stable")

	write("internal/unrelated/u.go", "package unrelated\n// changed\n")
	write("ent/schema/user_test.go", "package schema\n// changed\n")
	require.Equal(t, base, key(), "tests and unimported packages do not count")

	for _, change := range []struct{ file, body string }{
		{"ent/schema/user.go", "package schema\n\nimport _ \"example.com/app/internal/mixins\"\n// edited\n"},
		{"internal/mixins/m.go", "package mixins\n// edited\n"},
		{"go.sum", "example.com/x v1.0.0 h1:abc=\n"},
		{"ent/schema/new.go", "package schema\n"},
	} {
		before := key()
		write(change.file, change.body)
		require.NotEqual(t, before, key(), "editing %s must invalidate the cache", change.file)
	}
}

func TestLoadGraphErrors(t *testing.T) {
	_, err := LoadGraph(filepath.Join(t.TempDir(), "missing"))
	require.ErrorContains(t, err, "not a directory")
}
