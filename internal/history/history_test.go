package history

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/report"
)

const (
	fileA  = "20260101000000_init.sql"
	fileB  = "20260102000000_users.sql"
	fileC  = "20260103000000_posts.sql" // the branch's
	fileD  = "20260104000000_audit.sql" // main's, after the branch was cut
	fileE  = "20260105000000_tags.sql"  // the branch's, after main's newest
	dirRel = "db/migrations"
)

// repo is a git repository whose migration directory is db/migrations.
type repo struct {
	t    *testing.T
	root string
	dir  string
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
	r.t.Helper()
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
	r.t.Helper()
	b, err := LoadBase(context.Background(), r.dir, ref)
	require.NoError(r.t, err)
	return b
}

func (r *repo) files() (*migdir.Dir, []migrate.File) {
	r.t.Helper()
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

func codes(fs []report.Finding) []string {
	var cs []string
	for _, f := range fs {
		cs = append(cs, f.Code)
	}
	return cs
}

func TestCleanChange(t *testing.T) {
	r := branch(t)
	r.write(fileC)
	b := r.load("main")
	require.Equal(t, "main", b.Ref)
	require.Equal(t, "20260102000000", b.Newest)
	require.Equal(t, map[string][]byte{fileA: []byte("-- " + fileA + "\nSELECT 1;\n"), fileB: []byte("-- " + fileB + "\nSELECT 1;\n")}, b.Files)
	d, files := r.files()
	require.Equal(t, []string{fileC}, b.Added(files))
	require.Empty(t, b.Check(d, files))

	// The same base through a relative path and through a symbolic link.
	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Symlink(r.root, link))
	t.Chdir(link)
	for _, p := range []string{dirRel, filepath.Join(link, dirRel)} {
		got, err := LoadBase(context.Background(), p, "main")
		require.NoError(t, err, p)
		require.Equal(t, b, got, p)
	}
}

func TestCheck(t *testing.T) {
	t.Run("edited", func(t *testing.T) {
		r := branch(t)
		require.NoError(t, os.WriteFile(filepath.Join(r.dir, fileA), []byte("SELECT 2;\n"), 0o644))
		d, files := r.files()
		fs := r.load("main").Check(d, files)
		require.Equal(t, []string{"SC401"}, codes(fs))
		path := filepath.ToSlash(filepath.Join(r.dir, fileA))
		require.Equal(t, report.Finding{Code: "SC401", Category: report.History, Severity: report.Error, Object: path,
			Message: fs[0].Message, Fix: &report.Location{File: path},
			Remedy: "never edit a merged migration: revert the edit and add a new migration"}, fs[0])
		require.Contains(t, fs[0].Message, fileA)
	})
	t.Run("deleted", func(t *testing.T) {
		r := branch(t)
		require.NoError(t, os.Remove(filepath.Join(r.dir, fileA)))
		d, files := r.files()
		fs := r.load("main").Check(d, files)
		require.Equal(t, []string{"SC402"}, codes(fs))
		require.Equal(t, filepath.ToSlash(filepath.Join(r.dir, fileA)), fs[0].Object)
		require.Contains(t, fs[0].Message, fileA)
		require.Nil(t, fs[0].Fix)
		require.Equal(t, "restore it: a merged migration may already be applied", fs[0].Remedy)
	})
	t.Run("non-linear", func(t *testing.T) {
		r := nonLinear(t)
		b := r.load("main")
		require.Equal(t, "20260104000000", b.Newest)
		d, files := r.files()
		require.Equal(t, []string{fileC}, b.Added(files))
		fs := b.Check(d, files)
		require.Equal(t, []string{"SC403"}, codes(fs))
		require.Equal(t, filepath.ToSlash(filepath.Join(r.dir, fileC)), fs[0].Object)
		require.Regexp(t, fileC+".*"+fileD, fs[0].Message)
		require.Equal(t, "run `schemactl migrate rebase --git-base main`", fs[0].Remedy)
	})
}

func TestRebase(t *testing.T) {
	early := time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC) // behind main's newest
	late := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		extra []string // further files the branch adds
		now   time.Time
		sum   string // atlas.sum before; "" to hash the directory
		want  []Rename
	}{
		{name: "after the newest", now: early,
			want: []Rename{{fileC, "20260104000001_posts.sql"}}},
		{name: "at now", now: late,
			want: []Rename{{fileC, "20260201120000_posts.sql"}}},
		{name: "a later file is kept", extra: []string{fileE}, now: early,
			want: []Rename{{fileC, "20260104000001_posts.sql"}}},
		{name: "a later file is not overtaken", extra: []string{fileE}, now: late,
			want: []Rename{{fileC, "20260201120000_posts.sql"}, {fileE, "20260201120001_tags.sql"}}},
		{name: "conflicted sum", now: early, sum: "<<<<<<< HEAD\nh1:abc=\n=======\nh1:def=\n>>>>>>> main\n",
			want: []Rename{{fileC, "20260104000001_posts.sql"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := nonLinear(t, tt.extra...)
			d, _ := r.files()
			if tt.sum == "" {
				require.NoError(t, d.Hash())
			} else {
				require.NoError(t, os.WriteFile(filepath.Join(r.dir, migrate.HashFileName), []byte(tt.sum), 0o644))
			}
			b := r.load("main")
			renames, err := Rebase(d, b, tt.now)
			require.NoError(t, err)
			require.Equal(t, tt.want, renames)
			for _, rn := range renames {
				require.NoFileExists(t, filepath.Join(r.dir, rn.From))
				got, err := os.ReadFile(filepath.Join(r.dir, rn.To))
				require.NoError(t, err)
				require.Equal(t, "-- "+rn.From+"\nSELECT 1;\n", string(got), "content kept")
			}
			problems, err := d.CheckSum()
			require.NoError(t, err)
			require.Empty(t, problems)
			_, files := r.files()
			require.Empty(t, b.Check(d, files))
		})
	}
}

func TestRebaseNothingToDo(t *testing.T) {
	r := branch(t)
	r.write(fileC)
	d, _ := r.files()
	renames, err := Rebase(d, r.load("main"), time.Now())
	require.NoError(t, err)
	require.Empty(t, renames)
	problems, err := d.CheckSum() // atlas.sum was written
	require.NoError(t, err)
	require.Empty(t, problems)
}

func TestRebaseUndoes(t *testing.T) {
	r := nonLinear(t, fileE)
	d, files := r.files()
	require.NoError(t, d.Hash())
	sum, err := os.ReadFile(filepath.Join(r.dir, migrate.HashFileName))
	require.NoError(t, err)
	calls := 0
	rename = func(from, to string) error {
		if calls++; calls == 2 { // the second of two renames
			return errors.New("injected failure")
		}
		return os.Rename(from, to)
	}
	t.Cleanup(func() { rename = os.Rename })

	_, err = Rebase(d, r.load("main"), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	require.ErrorContains(t, err, "injected failure")
	require.ErrorContains(t, err, fileC)
	_, after := r.files()
	require.Equal(t, files, after, "renames undone")
	got, err := os.ReadFile(filepath.Join(r.dir, migrate.HashFileName))
	require.NoError(t, err)
	require.Equal(t, string(sum), string(got), "atlas.sum untouched")
}

func TestBadRef(t *testing.T) {
	r := branch(t)
	for _, ref := range []string{"nope", "-h", ""} {
		_, err := LoadBase(context.Background(), r.dir, ref)
		require.ErrorIs(t, err, ErrBadRef, ref)
		require.ErrorContains(t, err, `history: unknown git ref "`+ref+`"`)
	}
	_, err := LoadBase(context.Background(), t.TempDir(), "main")
	require.ErrorContains(t, err, "not in a git work tree")
	require.NotErrorIs(t, err, ErrBadRef)
}

func TestDirMissingOnBase(t *testing.T) {
	r := newRepo(t)
	r.commit("no migrations yet")
	r.write(fileA, fileB)
	b := r.load("main")
	require.Empty(t, b.Files)
	require.Empty(t, b.Newest)
	d, files := r.files()
	require.Equal(t, []string{fileA, fileB}, b.Added(files))
	require.Empty(t, b.Check(d, files))
	renames, err := Rebase(d, b, time.Now())
	require.NoError(t, err)
	require.Empty(t, renames)
}
