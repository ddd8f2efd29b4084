package devdb

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// A snapshot keeps the named databases, under their new names, drops the
// others, and starts again as it was; it refers to the template for the
// files they share, so it is much smaller than the cluster.
func TestSnapshotRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, err := Start(ctx)
	require.NoError(t, err)
	keepURL, keepName, err := s.Clone(ctx, "template0")
	require.NoError(t, err)
	_, _, err = s.Clone(ctx, "template0") // dropped by the snapshot
	require.NoError(t, err)
	runSQL(t, keepURL, "CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE kept (id int PRIMARY KEY, m mood)")
	archive := filepath.Join(t.TempDir(), "cluster.tar")
	require.NoError(t, s.Snapshot(ctx, archive, map[string]string{"saved": keepName}))
	require.NoDirExists(t, s.Base(), "the server is stopped and removed")

	fi, err := os.Stat(archive)
	require.NoError(t, err)
	require.Less(t, fi.Size(), int64(12<<20), "files shared with the template are referred to")

	again, err := StartFrom(ctx, archive)
	require.NoError(t, err)
	defer again.Stop()
	conn, err := pgx.Connect(ctx, again.URL(AdminDB))
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1")
	require.NoError(t, err)
	dbs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"saved"}, dbs)
	// A copy of the kept database has its table.
	u, _, err := again.Clone(ctx, "saved")
	require.NoError(t, err)
	runSQL(t, u, "INSERT INTO kept VALUES (1, 'ok')")
}

// An archive is restored only on the template build it refers to.
func TestArchiveNeedsItsTemplate(t *testing.T) {
	ctx := context.Background()
	s, err := Start(ctx)
	require.NoError(t, err)
	archive := filepath.Join(t.TempDir(), "cluster.tar")
	require.NoError(t, s.Snapshot(ctx, archive, nil))
	other := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(other, idFile), []byte("another build\n"), 0o644))
	err = extractArchive(archive, other, t.TempDir(), owner{})
	require.ErrorContains(t, err, "another template cluster")
	require.ErrorContains(t, extractArchive(filepath.Join(other, idFile), other, t.TempDir(), owner{}), "not a cluster archive")
}

func runSQL(t *testing.T, u, sql string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), u)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(context.Background(), sql)
	require.NoError(t, err)
}
