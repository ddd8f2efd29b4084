package history

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/migdir"
)

// repo is a git repository whose migration directory is db/migrations.
type repo struct {
	t         *testing.T
	root, dir string
}

func newRepo(t *testing.T) *repo {
	for k, v := range map[string]string{"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
		"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
		"GIT_CONFIG_GLOBAL": os.DevNull, "GIT_CONFIG_NOSYSTEM": "1"} {
		t.Setenv(k, v)
	}
	r := &repo{t: t, root: t.TempDir()}
	r.dir = filepath.Join(r.root, filepath.FromSlash(dirRel))
	require.NoError(t, os.MkdirAll(r.dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(r.root, "README"), []byte("x\n"), 0o644))
	r.git("init", "-q", "-b", "main")
	return r
}

func (r *repo) git(args ...string) {
	out, err := exec.Command("git", append([]string{"-C", r.root}, args...)...).CombinedOutput()
	require.NoError(r.t, err, "git %v: %s", args, out)
}

// write creates migration files holding their own name.
func (r *repo) write(names ...string) {
	for _, n := range names {
		require.NoError(r.t, os.WriteFile(filepath.Join(r.dir, n), []byte("-- "+n+"\nSELECT 1;\n"), 0o644))
	}
}

func (r *repo) commit(msg string) { r.git("add", "-A"); r.git("commit", "-q", "-m", msg) }

func (r *repo) load(ref string) *Base {
	b, err := LoadBase(context.Background(), r.dir, ref)
	require.NoError(r.t, err)
	return b
}

func (r *repo) files() (*migdir.Dir, []migrate.File) {
	d, err := migdir.Open(r.dir)
	require.NoError(r.t, err)
	fs, err := d.Files()
	require.NoError(r.t, err)
	return d, fs
}

// branch commits A and B (and a non-migration file) on main and starts
// branch feature.
func branch(t *testing.T) *repo {
	r := newRepo(t)
	r.write(fileA, fileB)
	require.NoError(t, os.WriteFile(filepath.Join(r.dir, "notes.txt"), []byte("x"), 0o644))
	r.commit("base")
	r.git("checkout", "-q", "-b", "feature")
	return r
}

// nonLinear: feature adds C (and extra), main gains D meanwhile, and feature
// merges main.
func nonLinear(t *testing.T, extra ...string) *repo {
	r := branch(t)
	r.write(append([]string{fileC}, extra...)...)
	r.commit("feature")
	r.git("checkout", "-q", "main")
	r.write(fileD)
	r.commit("main")
	r.git("checkout", "-q", "feature")
	r.git("merge", "-q", "--no-edit", "main")
	return r
}
