package replaycache

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/buildid"
	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/lockdir"
)

// The store only files archives away: these tests give it small files
// standing for clusters (internal/states runs it on real ones).

func open(t *testing.T) *Store {
	t.Helper()
	t.Setenv(cachedir.Env, t.TempDir())
	s, err := Open(15)
	require.NoError(t, err)
	return s
}

// put stores an entry for the first len(sums) files whose archive holds
// its own sum, so that a reader can tell which entry it got.
func put(t *testing.T, s *Store, sums []string, desired string) {
	t.Helper()
	require.NoError(t, s.Put(meta(sums, desired), archiveOf(sums, desired)))
}

func meta(sums []string, desired string) Meta {
	m := Meta{Files: len(sums), Desired: desired}
	if len(sums) > 0 {
		m.Sum, m.Last = sums[len(sums)-1], fmt.Sprintf("%d_f.sql", len(sums))
	}
	return m
}

func archiveOf(sums []string, desired string) func(string) error {
	return func(dst string) error {
		return os.WriteFile(dst, []byte(strings.Join(sums, ",")+"|"+desired), 0o600)
	}
}

// find looks up sums and returns the entry's file count and archive.
func find(t *testing.T, s *Store, sums ...string) (int, string) {
	t.Helper()
	e, err := s.Find(sums)
	require.NoError(t, err)
	if e == nil {
		return -1, ""
	}
	defer e.Release()
	b, err := os.ReadFile(e.Cluster)
	require.NoError(t, err)
	return e.Files, string(b)
}

// listing is what the store directory holds, but its lock file.
func listing(t *testing.T, s *Store) []string {
	t.Helper()
	es, err := os.ReadDir(s.Dir())
	require.NoError(t, err)
	var out []string
	for _, e := range es {
		if e.Name() != "lock" {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

func TestLongestPrefixWins(t *testing.T) {
	s := open(t)
	require.Equal(t, -1, func() int { n, _ := find(t, s, "h1"); return n }(), "empty store")
	put(t, s, []string{"h1"}, "")
	put(t, s, []string{"h1", "h2"}, "d")

	n, archive := find(t, s, "h1", "h2", "h3")
	require.Equal(t, 2, n)
	require.Equal(t, "h1,h2|d", archive)
	n, _ = find(t, s, "h1", "x2", "x3")
	require.Equal(t, 1, n, "file 2 changed: only the first file's entry holds")
	n, _ = find(t, s, "x1")
	require.Equal(t, -1, n, "file 1 changed: nothing holds")
	n, _ = find(t, s, "h1")
	require.Equal(t, 1, n, "an entry longer than the directory never matches")

	// The normalised schema alone: an entry of no files matches any directory.
	put(t, s, nil, "d0")
	n, archive = find(t, s, "x1")
	require.Equal(t, 0, n)
	require.Equal(t, "|d0", archive)
}

// An entry for a prefix already stored replaces it, whole.
func TestPutReplaces(t *testing.T) {
	s := open(t)
	put(t, s, []string{"h1"}, "old")
	before := listing(t, s)
	put(t, s, []string{"h1"}, "new")
	_, archive := find(t, s, "h1")
	require.Equal(t, "h1|new", archive)
	require.Equal(t, before, listing(t, s), "one entry, and no scratch left")
}

// A snapshot that fails stores nothing and leaves nothing.
func TestPutFailureLeavesNothing(t *testing.T) {
	s := open(t)
	boom := errors.New("boom")
	err := s.Put(meta([]string{"h1"}, ""), func(dst string) error {
		require.NoError(t, os.WriteFile(dst, []byte("half"), 0o600))
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.Empty(t, listing(t, s))
}

// At most MaxEntries stay, the least recently used going first: finding an
// entry counts as a use.
func TestEvictsLeastRecentlyUsed(t *testing.T) {
	s := open(t)
	for _, k := range []string{"a", "b", "c", "d"} {
		put(t, s, []string{k}, "")
	}
	n, _ := find(t, s, "a") // a is now the most recently used; b the least
	require.Equal(t, 1, n)
	put(t, s, []string{"e"}, "")
	require.Len(t, listing(t, s), MaxEntries)
	for k, want := range map[string]int{"a": 1, "b": -1, "c": 1, "d": 1, "e": 1} {
		n, _ := find(t, s, k)
		require.Equal(t, want, n, "entry %s", k)
	}
}

// Entries of another schemactl build are never used.
func TestAnotherBuildMisses(t *testing.T) {
	s := open(t)
	self, err := buildid.Self()
	require.NoError(t, err)
	require.Equal(t, self, s.tool, "a build is named by its Go build ID")
	put(t, s, []string{"h1"}, "")
	other := &Store{dir: s.dir, tool: "go:another/build"}
	e, err := other.Find([]string{"h1"})
	require.NoError(t, err)
	require.Nil(t, e)
}

// A damaged entry is removed: discarded when it fails to start, or, with an
// unreadable meta, at the next store.
func TestDamagedEntriesAreRemoved(t *testing.T) {
	s := open(t)
	put(t, s, []string{"h1"}, "")
	e, err := s.Find([]string{"h1"})
	require.NoError(t, err)
	require.NotNil(t, e)
	e.Release()
	require.NoError(t, s.Discard(e))
	n, _ := find(t, s, "h1")
	require.Equal(t, -1, n)
	require.Empty(t, listing(t, s))
	require.NoError(t, s.Discard(e), "discarding twice is no error")

	put(t, s, []string{"h2"}, "")
	e, err = s.Find([]string{"h2"})
	require.NoError(t, err)
	e.Release()
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(e.Cluster), metaFile), []byte("{not json"), 0o644))
	put(t, s, []string{"h3"}, "")
	require.Equal(t, []string{entryName("h3")}, listing(t, s))
}

// What a killed run was writing or removing is swept by the next Open;
// what a live run writes is not.
func TestOpenSweepsKilledWriters(t *testing.T) {
	s := open(t)
	dead, err := lockdir.New(s.dir, tmpPrefix, 0o755)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dead.Path, clusterFile), []byte("half an archive"), 0o600))
	dead.Abandon() // killed
	live, err := lockdir.New(s.dir, tmpPrefix, 0o755)
	require.NoError(t, err)
	defer live.Remove()
	old := filepath.Join(s.dir, tmpPrefix+"legacy")
	require.NoError(t, os.Mkdir(old, 0o755))
	fresh := filepath.Join(s.dir, tmpPrefix+"legacy-fresh")
	require.NoError(t, os.Mkdir(fresh, 0o755))
	long := time.Now().Add(-2 * time.Hour)
	require.NoError(t, os.Chtimes(old, long, long))

	s, err = Open(15)
	require.NoError(t, err)
	require.NoDirExists(t, dead.Path)
	require.NoFileExists(t, dead.Path+".lock")
	require.DirExists(t, live.Path)

	// Scratch of a schemactl before locks: removed once clearly abandoned.
	put(t, s, []string{"h1"}, "")
	require.NoDirExists(t, old)
	require.DirExists(t, fresh)
	require.DirExists(t, live.Path)
}

// Runs at once, under the store's flock: a reader always gets a whole
// entry that stays readable until it releases it, however many entries are
// stored and evicted meanwhile, and the store ends within bounds with no
// scratch left. Run with -race.
func TestConcurrentRuns(t *testing.T) {
	s := open(t)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				sums := []string{"base", fmt.Sprintf("w%d-%d", w, i%5)}
				if err := s.Put(meta(sums, ""), archiveOf(sums, "")); err != nil {
					errs <- err
					return
				}
				e, err := s.Find(sums)
				if err != nil {
					errs <- err
					return
				}
				if e == nil {
					continue // evicted by the others already
				}
				time.Sleep(time.Millisecond) // hold it while others evict
				b, err := os.ReadFile(e.Cluster)
				want := strings.Join(sums[:e.Files], ",") + "|"
				e.Release()
				if err != nil {
					errs <- fmt.Errorf("a found entry vanished: %w", err)
					return
				}
				if string(b) != want {
					errs <- fmt.Errorf("entry for %d files holds %q, want %q", e.Files, b, want)
					return
				}
				if i%4 == 3 {
					if err := s.Discard(e); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	l := listing(t, s)
	require.LessOrEqual(t, len(l), MaxEntries)
	for _, n := range l {
		require.False(t, strings.HasPrefix(n, "."), "scratch left: %v", l)
	}
}

// TestBaselineKeyed: an entry built on one dev database baseline never
// serves a run with another (or none), and the two live side by side.
func TestBaselineKeyed(t *testing.T) {
	plain := open(t)
	ext, err := OpenFor(15, BaselineKey("CREATE EXTENSION citext;"))
	require.NoError(t, err)
	require.Equal(t, plain.Dir(), ext.Dir())
	put(t, plain, []string{"h1", "h2"}, "")
	n, _ := find(t, ext, "h1", "h2")
	require.Equal(t, -1, n, "built without the baseline")
	put(t, ext, []string{"h1"}, "d")
	n, archive := find(t, ext, "h1", "h2")
	require.Equal(t, 1, n)
	require.Equal(t, "h1|d", archive)
	n, archive = find(t, plain, "h1", "h2")
	require.Equal(t, 2, n)
	require.Equal(t, "h1,h2|", archive)
	put(t, plain, []string{"h1"}, "")
	n, archive = find(t, ext, "h1")
	require.Equal(t, "h1|d", archive, "the same prefix without the baseline replaced nothing")
	require.Equal(t, 1, n)
	require.Empty(t, BaselineKey(""))
}
