package history

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

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

	// Nothing to rename; atlas.sum is written all the same.
	renames, err := Rebase(d, b, time.Now())
	require.NoError(t, err)
	require.Empty(t, renames)
	problems, err := d.CheckSum()
	require.NoError(t, err)
	require.Empty(t, problems)
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		repo   func(t *testing.T) *repo
		code   string
		file   string   // the Object
		names  []string // in the message, in order
		fix    bool
		remedy string
	}{
		{name: "edited", repo: func(t *testing.T) *repo {
			r := branch(t)
			require.NoError(t, os.WriteFile(filepath.Join(r.dir, fileA), []byte("SELECT 2;\n"), 0o644))
			return r
		}, code: "SC401", file: fileA, names: []string{fileA}, fix: true,
			remedy: "never edit a merged migration: revert the edit and add a new migration"},
		{name: "deleted", repo: func(t *testing.T) *repo {
			r := branch(t)
			require.NoError(t, os.Remove(filepath.Join(r.dir, fileA)))
			return r
		}, code: "SC402", file: fileA, names: []string{fileA},
			remedy: "restore it: a merged migration may already be applied"},
		{name: "non-linear", repo: func(t *testing.T) *repo { return nonLinear(t) },
			code: "SC403", file: fileC, names: []string{fileC, fileD}, fix: true,
			remedy: "run `schemactl migrate rebase --git-base main`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.repo(t)
			d, files := r.files()
			fs := r.load("main").Check(d, files)
			require.Len(t, fs, 1)
			path := filepath.ToSlash(filepath.Join(r.dir, tt.file))
			want := report.Finding{Code: tt.code, Category: report.History, Severity: report.Error, Object: path,
				Message: fs[0].Message, Remedy: tt.remedy}
			if tt.fix {
				want.Fix = &report.Location{File: path}
			}
			require.Equal(t, want, fs[0])
			require.Regexp(t, strings.Join(tt.names, ".*"), fs[0].Message)
		})
	}
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
			require.Equal(t, "20260104000000", b.Newest)
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

// diverged: feature leaves main after A and B and commits its own files
// (and removals); main gains D meanwhile, which feature never merges.
func diverged(t *testing.T, add []string, remove ...string) *repo {
	r := branch(t)
	r.write(add...)
	for _, name := range remove {
		require.NoError(t, os.Remove(filepath.Join(r.dir, name)))
	}
	r.commit("feature")
	r.git("checkout", "-q", "main")
	r.write(fileD)
	r.commit("main gains D")
	r.git("checkout", "-q", "feature")
	return r
}

// The base is where the branch left main, not main's tip: a file main
// gained since is not one the branch deleted.
func TestMergeBase(t *testing.T) {
	t.Run("main gained a file", func(t *testing.T) {
		r := diverged(t, []string{fileE})
		b := r.load("main")
		require.Equal(t, []string{fileA, fileB}, slices.Sorted(maps.Keys(b.Files)))
		require.Equal(t, []string{fileD}, b.Upstream)
		require.Equal(t, "20260104000000", b.Newest)
		d, files := r.files()
		require.Equal(t, []string{fileE}, b.Added(files))
		require.Empty(t, b.Check(d, files), "no SC402 for %s", fileD)
	})
	t.Run("the branch deleted a file", func(t *testing.T) {
		r := diverged(t, []string{fileE}, fileA)
		d, files := r.files()
		fs := r.load("main").Check(d, files)
		require.Len(t, fs, 1)
		require.Equal(t, "SC402", fs[0].Code)
		require.Equal(t, filepath.ToSlash(filepath.Join(r.dir, fileA)), fs[0].Object)
	})
	t.Run("the branch's file sorts before main's new one", func(t *testing.T) {
		// Merged as is, databases already at D would skip C: still SC403,
		// and rebase moves C after D.
		r := diverged(t, []string{fileC})
		b := r.load("main")
		d, files := r.files()
		fs := b.Check(d, files)
		require.Len(t, fs, 1)
		require.Equal(t, "SC403", fs[0].Code)
		require.Regexp(t, fileC+".*"+fileD, fs[0].Message)
		require.NoError(t, d.Hash())
		renames, err := Rebase(d, b, time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC))
		require.NoError(t, err)
		require.Equal(t, []Rename{{fileC, "20260104000001_posts.sql"}}, renames)
	})
	t.Run("merged since", func(t *testing.T) {
		// After feature merges main, the merge-base is main's tip: D is
		// the base's, and only E is added.
		r := diverged(t, []string{fileE})
		r.git("merge", "-q", "--no-edit", "main")
		b := r.load("main")
		require.Contains(t, b.Files, fileD)
		require.Empty(t, b.Upstream)
		d, files := r.files()
		require.Equal(t, []string{fileE}, b.Added(files))
		require.Empty(t, b.Check(d, files))
	})
}

func TestNoMergeBase(t *testing.T) {
	r := branch(t)
	r.git("checkout", "-q", "--orphan", "unrelated")
	r.commit("no common history")
	_, err := LoadBase(context.Background(), r.dir, "main")
	require.ErrorIs(t, err, ErrNoMergeBase)
	require.ErrorContains(t, err, "history: main: no common ancestor with HEAD: fetch the history of both")
}
