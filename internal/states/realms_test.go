package states

import (
	"context"
	"testing"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/desired"
)

// lazy opens an Env without waiting for its server, unlike open.
func lazy(t *testing.T, o Options) *Env {
	t.Helper()
	e, err := Open(context.Background(), o)
	require.NoError(t, err)
	return e
}

// A run whose states the realm cache holds, and which finds them equal,
// never starts the dev server; its answers are those of the run that
// inspected them.
func TestRealmCacheNeedsNoServer(t *testing.T) {
	ctx := context.Background()
	forgetRealms(t)
	files := list(file("1_realm.sql", "CREATE TABLE realm_a (id int PRIMARY KEY); CREATE TABLE realm_b (id int);"))

	e := lazy(t, Options{Prefix: files})
	require.True(t, e.started.Load(), "nothing cached: the server starts at once")
	_, inspected, err := e.CurrentSplit(ctx, files, 1)
	require.NoError(t, err)
	require.NoError(t, e.Close())

	e = lazy(t, Options{Prefix: files})
	require.False(t, e.started.Load(), "the directory's realm is cached: no server yet")
	_, cached, err := e.CurrentSplit(ctx, files, 1)
	require.NoError(t, err)
	require.Equal(t, names(inspected), names(cached))
	changes, err := e.Differ(ctx).RealmDiff(cached, inspected)
	require.NoError(t, err)
	require.Empty(t, changes)
	require.False(t, e.started.Load(), "equal states need no server")
	require.NoError(t, e.Close())

	// The exclude patterns apply to the cached realm as to an inspected
	// one, and the cache keeps the realm whole for the next patterns.
	e = lazy(t, Options{Prefix: files, Exclude: []string{"realm_b"}})
	_, cached, err = e.CurrentSplit(ctx, files, 1)
	require.NoError(t, err)
	require.Equal(t, []string{"realm_a"}, names(cached))
	require.NoError(t, e.Close())
	e = lazy(t, Options{Prefix: files})
	_, cached, err = e.CurrentSplit(ctx, files, 1)
	require.NoError(t, err)
	require.Equal(t, []string{"realm_a", "realm_b"}, names(cached))
	require.NoError(t, e.Close())

	// --no-cache neither reads nor writes it.
	e = lazy(t, Options{Prefix: files, NoCache: true})
	require.True(t, e.started.Load())
	require.Nil(t, e.realms)
	require.NoError(t, e.Close())
}

// The normalised desired state is cached by its script: an unchanged
// schema needs no server, a changed one is normalised again.
func TestRealmCacheKeepsTheDesiredState(t *testing.T) {
	ctx := context.Background()
	forgetRealms(t)
	files := list(file("1_empty.sql", "SELECT 1;"))
	e := lazy(t, Options{Prefix: files})
	_, _, err := e.CurrentSplit(ctx, files, 1)
	require.NoError(t, err)
	want, _, err := e.Desired(ctx, desired.EntSources("../../ent/schema")...)
	require.NoError(t, err)
	require.NoError(t, e.Close())

	e = lazy(t, Options{Prefix: files})
	_, _, err = e.CurrentSplit(ctx, files, 1)
	require.NoError(t, err)
	st, err := e.LoadDesired(ctx, desired.EntSources("../../ent/schema"))
	require.NoError(t, err)
	got, err := e.Normalised(ctx, st)
	require.NoError(t, err)
	require.Equal(t, names(want), names(got))
	require.False(t, e.started.Load(), "the cached desired state needs no server")
	require.NoError(t, e.Close())

	// Another script: not served from the cache.
	other := &desired.State{Graph: st.Graph, DDL: desired.DDL{{Text: "CREATE TABLE realm_other (id int)", Line: 1}}}
	e = lazy(t, Options{})
	got, err = e.Normalised(ctx, other)
	require.NoError(t, err)
	require.Equal(t, []string{"realm_other"}, names(got))
	require.NoError(t, e.Close())
}

// Atlas's connection-less differ sees a change where two defaults print
// differently; the server says they are equal. Differ must give the
// server's answer, so it asks it.
func TestDifferAsksTheServerWhenItMust(t *testing.T) {
	ctx := context.Background()
	forgetRealms(t)
	files := list(file("1_default.sql", "CREATE TABLE realm_d (x int[] DEFAULT ARRAY[1]);"))
	e := lazy(t, Options{Prefix: files})
	_, have, err := e.CurrentSplit(ctx, files, 1)
	require.NoError(t, err)
	require.NoError(t, e.Close())

	e = lazy(t, Options{Prefix: files})
	_, want, err := e.CurrentSplit(ctx, files, 1)
	require.NoError(t, err)
	tbl, ok := want.Schemas[0].Table("realm_d")
	require.True(t, ok)
	tbl.Columns[0].Default = &schema.RawExpr{X: "'{1}'::integer[]"}

	changes, err := postgres.DefaultDiff.RealmDiff(have, want)
	require.NoError(t, err)
	require.NotEmpty(t, changes, "precondition: without a server the defaults differ")
	changes, err = e.Differ(ctx).RealmDiff(have, want)
	require.NoError(t, err)
	require.Empty(t, changes, "the server finds the defaults equal")
	require.True(t, e.started.Load())
	require.NoError(t, e.Close())
}
