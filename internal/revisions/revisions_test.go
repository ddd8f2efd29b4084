package revisions

import (
	"context"
	"os"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/devdb/devdbtest"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

var server *devdb.Server

func TestMain(m *testing.M) { os.Exit(devdbtest.Main(m, &server)) }

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	conn, err := pgdb.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close()
	s := New(conn.DB, "")
	require.Equal(t, &migrate.TableIdent{Name: "atlas_schema_revisions", Schema: "atlas_schema_revisions"}, s.Ident())

	ok, err := s.Exists(ctx)
	require.NoError(t, err)
	require.False(t, ok)
	revs, err := s.ReadRevisions(ctx)
	require.NoError(t, err)
	require.Empty(t, revs, "no table reads as no history, without creating it")

	require.NoError(t, s.Init(ctx))
	require.NoError(t, s.Init(ctx), "Init is idempotent")
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	partial := &migrate.Revision{Version: "2", Description: "b", Type: migrate.RevisionTypeExecute, Applied: 1, Total: 3,
		ExecutedAt: at, ExecutionTime: 1500 * time.Millisecond, Error: "boom", ErrorStmt: "SELECT 1/0;",
		Hash: "abc=", PartialHashes: []string{"h1:x="}, OperatorVersion: "schemactl"}
	require.NoError(t, s.WriteRevision(ctx, partial))
	require.NoError(t, s.WriteRevision(ctx, &migrate.Revision{Version: "1", Description: "a", Type: migrate.RevisionTypeBaseline, ExecutedAt: at, Hash: "", OperatorVersion: "Atlas CLI v0.32.0"}))

	got, err := s.ReadRevision(ctx, "2")
	require.NoError(t, err)
	got.ExecutedAt = got.ExecutedAt.UTC()
	require.Equal(t, partial, got)
	revs, err = s.ReadRevisions(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"1", "2"}, []string{revs[0].Version, revs[1].Version}, "ordered by version")

	partial.Applied, partial.Error, partial.ErrorStmt, partial.PartialHashes = 3, "", "", nil
	require.NoError(t, s.WriteRevision(ctx, partial), "an upsert")
	got, err = s.ReadRevision(ctx, "2")
	require.NoError(t, err)
	require.Equal(t, 3, got.Applied)
	require.Empty(t, got.Error)
	require.Nil(t, got.PartialHashes)

	require.NoError(t, s.DeleteRevision(ctx, "2"))
	_, err = s.ReadRevision(ctx, "2")
	require.ErrorIs(t, err, migrate.ErrRevisionNotExist)

	// A schema-bound store lives in that schema.
	b := New(conn.DB, "public")
	require.NoError(t, b.Init(ctx))
	ok, err = b.Exists(ctx)
	require.NoError(t, err)
	require.True(t, ok)
}
