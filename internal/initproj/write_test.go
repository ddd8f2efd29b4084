package initproj

import (
	"os"
	"path/filepath"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"
)

// A new migration directory gets the atlas.sum Atlas writes for no files,
// so that git keeps it and Atlas's own commands accept it.
func TestWriteDir(t *testing.T) {
	tree(t)
	dir := filepath.Join("ent", "migrate", "migrations")
	require.NoError(t, Write([]Output{{Path: dir, Dir: true}, {Path: "atlas.hcl", Data: []byte("x")}}))
	got, err := os.ReadFile(filepath.Join(dir, "atlas.sum"))
	require.NoError(t, err)
	want, err := migrate.HashFile{}.MarshalText()
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
	require.FileExists(t, "atlas.hcl")
}

// A failure part-way removes what this run created: the files, the
// migration directory and the directories made for them.
func TestWriteLeavesNothing(t *testing.T) {
	tree(t, "blocker", "a file where a directory should be", "kept.hcl", "old")
	err := Write([]Output{
		{Path: filepath.Join("ent", "migrate", "migrations"), Dir: true},
		{Path: "atlas.hcl", Data: []byte("new")},
		{Path: filepath.Join(".github", "workflows", "schema.yml"), Data: []byte("w")},
		{Path: filepath.Join("blocker", "x.yml"), Data: []byte("fails")},
	})
	require.Error(t, err)
	for _, p := range []string{"ent", "atlas.hcl", ".github"} {
		require.NoFileExists(t, p)
		require.NoDirExists(t, p)
	}
	b, err := os.ReadFile("kept.hcl")
	require.NoError(t, err)
	require.Equal(t, "old", string(b))
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	require.Len(t, entries, 2, "no temp file left")
}
