package states

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/desired"
	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/devdb/devdbtest"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/replaycache"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

var server *devdb.Server

func TestMain(m *testing.M) { os.Exit(devdbtest.Main(m, &server)) }

// The tests below prove where a state came from by marking the cached
// copy: a table only the cache holds shows up exactly when the cache was
// used.
const marker = "only_in_the_cache"

func TestCacheReusesAnUnchangedPrefix(t *testing.T) {
	f1 := file("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY);")
	current(t, Options{Prefix: list(f1)}, f1) // fills the cache
	mark(t, list(f1), replaycache.ReplayDB)

	// A new file: the cached prefix is cloned, only the new file replays.
	f2 := file("2_b.sql", "CREATE TABLE b (id int REFERENCES a (id));")
	require.Equal(t, []string{"a", "b", marker}, current(t, Options{Prefix: list(f1, f2)}, f1, f2))
	// That run stored the longer prefix, so the next one starts there.
	e := open(t, Options{Prefix: list(f1, f2)})
	require.Equal(t, 2, e.entry.Files)
	require.NoError(t, e.Close())

	// --no-cache neither reads it nor writes it.
	require.Equal(t, []string{"a", "b"}, current(t, Options{Prefix: list(f1, f2), NoCache: true}, f1, f2))

	// Editing an earlier file invalidates every entry built on it.
	f1 = file("1_a.sql", "CREATE TABLE a (id int PRIMARY KEY, note text);")
	e = open(t, Options{Prefix: list(f1, f2)})
	require.Nil(t, e.entry)
	require.NoError(t, e.Close())
	require.Equal(t, []string{"a", "b"}, current(t, Options{Prefix: list(f1, f2)}, f1, f2))
}

// The state before a change's added files is what the cache keeps for a
// review; the added files replay on a copy, leaving the cached one intact.
func TestCacheKeepsTheStateBeforeAddedFiles(t *testing.T) {
	ctx := context.Background()
	f1, f2 := file("1_c.sql", "CREATE TABLE c (id int);"), file("2_d.sql", "CREATE TABLE d (id int);")
	e := open(t, Options{Prefix: list(f1)})
	before, cur, err := e.CurrentSplit(ctx, list(f1, f2), 1)
	require.NoError(t, err)
	require.Equal(t, []string{"c"}, names(before))
	require.Equal(t, []string{"c", "d"}, names(cur))
	require.NoError(t, e.Close())

	e = open(t, Options{Prefix: list(f1)})
	require.Equal(t, 1, e.entry.Files)
	s, err := e.Replay(ctx, list(f1))
	require.NoError(t, err)
	require.Equal(t, []string{"c"}, names(s), "the cached database must hold only the files before the added ones")
	require.NoError(t, e.Close())
}

// Concurrent runs, sharing one cache, each get their own right answer, and
// leave a cache the next run can use.
func TestCacheUnderConcurrentRuns(t *testing.T) {
	base := file("1_base.sql", "CREATE TABLE base (id int);")
	var wg sync.WaitGroup
	results := make([][]string, 6)
	errs := make([]error, len(results))
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			files := list(base)
			if i%2 == 1 {
				files = append(files, file("2_odd.sql", "CREATE TABLE odd (id int);"))
			}
			results[i], errs[i] = replayed(Options{Prefix: files}, files)
		}()
	}
	wg.Wait()
	for i, got := range results {
		require.NoError(t, errs[i], "run %d", i)
		want := []string{"base"}
		if i%2 == 1 {
			want = []string{"base", "odd"}
		}
		require.Equal(t, want, got, "run %d", i)
	}
	e := open(t, Options{Prefix: list(base)})
	require.NotNil(t, e.entry)
	require.NoError(t, e.Close())
}

// The normalised Ent schema is reused only while its script is the same.
func TestCacheReusesTheNormalisedSchema(t *testing.T) {
	ctx := context.Background()
	e := open(t, Options{})
	want, _, err := e.Desired(ctx, desired.EntSources("../../ent/schema")...)
	require.NoError(t, err)
	require.NoError(t, e.Close())
	mark(t, nil, replaycache.DesiredDB)

	e = open(t, Options{})
	got, _, err := e.Desired(ctx, desired.EntSources("../../ent/schema")...)
	require.NoError(t, err)
	require.Contains(t, names(got), marker, "an unchanged schema comes from the cache")
	require.NoError(t, e.Close())

	// An entry whose script differs (the schema changed) is not used.
	restamp(t, nil, "a different script")
	e = open(t, Options{})
	got, _, err = e.Desired(ctx, desired.EntSources("../../ent/schema")...)
	require.NoError(t, err)
	require.Equal(t, names(want), names(got))
	require.NoError(t, e.Close())
}

// Before reads the schema the added files run against, and applies them
// without reading the result: a file that does not replay is still the
// error it is.
func TestBeforeAppliesTheRest(t *testing.T) {
	ctx := context.Background()
	f1, f2 := file("1_e.sql", "CREATE TABLE e (id int);"), file("2_f.sql", "CREATE TABLE f (id int);")
	e := open(t, Options{NoCache: true})
	before, err := e.Before(ctx, list(f1, f2), 1)
	require.NoError(t, err)
	require.Equal(t, []string{"e"}, names(before))
	all, err := e.Before(ctx, list(f1, f2), 2)
	require.NoError(t, err)
	require.Equal(t, []string{"e", "f"}, names(all))

	_, err = e.Before(ctx, list(f1, file("2_f.sql", "CREATE TABLE e (id int);")), 1)
	var se *sqlscript.StmtError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "2_f.sql", se.File)
	require.NoError(t, e.Close())
}

func file(name, sql string) migrate.File { return migrate.NewLocalFile(name, []byte(sql+"\n")) }

func list(fs ...migrate.File) []migrate.File { return fs }

func open(t *testing.T, o Options) *Env {
	t.Helper()
	e, err := Open(context.Background(), o)
	require.NoError(t, err)
	_, err = e.Pool(context.Background()) // started: e.entry is set
	require.NoError(t, err)
	require.NoError(t, e.warn)
	return e
}

// current replays files in a fresh Env and returns the table names.
func current(t *testing.T, o Options, files ...migrate.File) []string {
	t.Helper()
	got, err := replayed(o, files)
	require.NoError(t, err)
	return got
}

func replayed(o Options, files []migrate.File) ([]string, error) {
	e, err := Open(context.Background(), o)
	if err != nil {
		return nil, err
	}
	s, err := e.Replay(context.Background(), files)
	if err := errors.Join(err, e.warn, e.Close()); err != nil {
		return nil, err
	}
	return names(s), nil
}

func names(r *schema.Realm) []string {
	var out []string
	for _, t := range pgdb.Tables(r) {
		out = append(out, t.Name)
	}
	slices.Sort(out)
	return out
}

// mark adds the marker table to database db of the entry for prefix.
func mark(t *testing.T, prefix []migrate.File, db string) {
	t.Helper()
	rewrite(t, prefix, func(ctx context.Context, srv *devdb.Server, m *replaycache.Meta) {
		conn, err := pgx.Connect(ctx, srv.URL(db))
		require.NoError(t, err)
		_, err = conn.Exec(ctx, "CREATE TABLE "+marker+" (id int)")
		require.NoError(t, err)
		require.NoError(t, conn.Close(ctx))
	})
}

// restamp gives the entry for prefix another normalised-schema key.
func restamp(t *testing.T, prefix []migrate.File, key string) {
	t.Helper()
	rewrite(t, prefix, func(_ context.Context, _ *devdb.Server, m *replaycache.Meta) { m.Desired = key })
}

// rewrite starts the entry for prefix, lets edit change it, and stores it
// back in place. It empties the realm cache, which would otherwise answer
// for the entry's states without starting it (see realms_test.go).
func rewrite(t *testing.T, prefix []migrate.File, edit func(context.Context, *devdb.Server, *replaycache.Meta)) {
	t.Helper()
	ctx := context.Background()
	forgetRealms(t)
	b, err := devdb.FindBinaries()
	require.NoError(t, err)
	store, err := replaycache.Open(b.Major)
	require.NoError(t, err)
	entry, err := store.Find(RunningSums(prefix))
	require.NoError(t, err)
	require.NotNil(t, entry)
	require.Equal(t, len(prefix), entry.Files)
	srv, err := devdb.StartFrom(ctx, entry.Cluster)
	entry.Release()
	require.NoError(t, err)
	m := entry.Meta
	edit(ctx, srv, &m)
	keep := map[string]string{replaycache.ReplayDB: replaycache.ReplayDB}
	if m.Files == 0 {
		keep = map[string]string{}
	}
	if entry.Desired != "" {
		keep[replaycache.DesiredDB] = replaycache.DesiredDB
	}
	require.NoError(t, store.Put(m, func(dst string) error { return srv.Snapshot(ctx, dst, keep) }))
	_, err = os.Stat(filepath.Join(store.Dir(), "lock"))
	require.NoError(t, err)
}

// A damaged entry never stops a command: it starts from the template,
// warns, and removes the entry.
func TestCacheSurvivesADamagedEntry(t *testing.T) {
	f := file("1_damaged.sql", "CREATE TABLE damaged (id int);")
	current(t, Options{Prefix: list(f)}, f)
	b, err := devdb.FindBinaries()
	require.NoError(t, err)
	store, err := replaycache.Open(b.Major)
	require.NoError(t, err)
	entry, err := store.Find(RunningSums(list(f)))
	require.NoError(t, err)
	require.NotNil(t, entry)
	entry.Release()
	require.NoError(t, os.WriteFile(entry.Cluster, []byte("not a tar"), 0o600))

	e, err := Open(context.Background(), Options{Prefix: list(f)})
	require.NoError(t, err)
	s, err := e.Replay(context.Background(), list(f))
	require.NoError(t, err)
	require.Equal(t, []string{"damaged"}, names(s))
	require.ErrorContains(t, e.warn, "unusable, removed")
	require.ErrorContains(t, e.Close(), "replay cache not used")
	// The run stored a good entry in its place.
	again, err := store.Find(RunningSums(list(f)))
	require.NoError(t, err)
	require.NotNil(t, again)
	defer again.Release()
	srv, err := devdb.StartFrom(context.Background(), again.Cluster)
	require.NoError(t, err)
	require.NoError(t, srv.Stop())
}

// Dev lends a clean database, on the embedded server or the one --dev-url
// database, and gives it back: after a replay, and twice in a row (the
// external database is not held; a held one would block the second call).
func TestDevLendsACleanDatabase(t *testing.T) {
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	for _, o := range []Options{{NoCache: true}, {DevURL: u}} {
		e := open(t, o)
		_, conn, err := e.Current(ctx, list(file("1_a.sql", "CREATE TABLE a (id int);")))
		require.NoError(t, err)
		conn.Close()
		for range 2 {
			require.NoError(t, e.Dev(ctx, func(c *pgdb.Conn) error {
				r, err := c.Inspect(ctx)
				if err == nil {
					require.Empty(t, pgdb.Tables(r))
				}
				return err
			}))
		}
		require.NoError(t, e.Close())
	}
}

// forgetRealms empties the realm cache.
func forgetRealms(t *testing.T) {
	t.Helper()
	root, err := cachedir.Dir()
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(filepath.Join(root, "realm-v1")))
}
