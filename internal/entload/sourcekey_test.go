package entload

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

// Packages a schema imports from a module replaced by a local directory,
// or from another module of its go.work, are source too: editing them must
// invalidate the cache, as editing the schema does.
func TestSourceKeyLocalModules(t *testing.T) {
	t.Setenv("GOWORK", "")
	root := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(root, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	write("app/go.mod", "module example.com/app\n\nrequire example.com/x v1.0.0\n\nreplace example.com/x => ../x\n")
	write("app/go.sum", "")
	write("app/ent/schema/user.go", "package schema\n\nimport (\n\t_ \"example.com/x/mixin\"\n\t_ \"example.com/y/field\"\n)\n")
	write("x/go.mod", "module example.com/x\n")
	write("x/mixin/m.go", "package mixin\n\nimport _ \"example.com/x/inner\"\n")
	write("x/inner/i.go", "package inner\n")
	write("x/unused/u.go", "package unused\n")
	write("y/go.mod", "module example.com/y\n")
	write("y/field/f.go", "package field\n")
	dir := filepath.Join(root, "app", "ent", "schema")
	key := func() string {
		k, err := sourceKey(dir)
		require.NoError(t, err)
		return k
	}

	before := key()
	write("x/unused/u.go", "package unused\n// edited\n")
	require.Equal(t, before, key(), "a package the schema does not import does not count")
	for _, rel := range []string{"x/mixin/m.go", "x/inner/i.go", "x/go.mod"} {
		before := key()
		write(rel, "package mixin\n\nimport _ \"example.com/x/inner\"\n// edited "+rel+"\n")
		if rel == "x/inner/i.go" {
			write(rel, "package inner\n// edited\n")
		}
		if rel == "x/go.mod" {
			write(rel, "module example.com/x\n\ngo 1.22\n")
		}
		require.NotEqual(t, before, key(), "editing the replaced module's %s must invalidate the cache", rel)
	}

	// example.com/y is reached through go.work only.
	before = key()
	write("y/field/f.go", "package field\n// edited\n")
	require.Equal(t, before, key(), "outside a workspace, y comes from the module cache")
	write("go.work", "go 1.22\n\nuse (\n\t./app\n\t./y\n)\n")
	withWork := key()
	require.NotEqual(t, before, withWork, "go.work counts")
	write("y/field/f.go", "package field\n// edited again\n")
	require.NotEqual(t, withWork, key(), "editing a go.work module's package must invalidate the cache")
	before = key()
	write("go.work.sum", "example.com/z v1.0.0 h1:abc=\n")
	require.NotEqual(t, before, key(), "go.work.sum counts")

	// GOWORK=off: module mode again.
	t.Setenv("GOWORK", "off")
	before = key()
	write("y/field/f.go", "package field\n// edited a third time\n")
	require.Equal(t, before, key())
}
