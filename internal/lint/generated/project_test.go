package generated_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/stretchr/testify/require"
)

// project writes a txtar archive of files into a new working directory,
// with a go.mod for module example.com/app unless the archive has one.
func project(t *testing.T, archive string) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	a := txtar.Parse([]byte(archive))
	a.Files = append([]txtar.File{{Name: "go.mod", Data: []byte("module example.com/app\n\ngo 1.22\n")}}, a.Files...)
	for _, f := range a.Files {
		require.NoError(t, os.MkdirAll(filepath.Dir(f.Name), 0o755))
		require.NoError(t, os.WriteFile(f.Name, f.Data, 0o644))
	}
}
