//go:build unix

package devdb

import (
	"archive/tar"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
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
	// Enough rows for several WAL segments: the snapshot keeps only the
	// one its last checkpoint needs, and loses nothing.
	runSQL(t, keepURL, "CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE kept (id int PRIMARY KEY, m mood); INSERT INTO kept SELECT g, 'ok' FROM generate_series(1, 100000) g")
	archive := filepath.Join(t.TempDir(), "cluster.tar")
	require.NoError(t, s.Snapshot(ctx, archive, map[string]string{"saved": keepName}))
	require.NoDirExists(t, s.Base(), "the server is stopped and removed")

	require.Equal(t, 1, segments(t, archive), "WAL segments in the archive")

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
	runSQL(t, u, "INSERT INTO kept VALUES (100001, 'ok')")
	var n int
	c, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	defer c.Close(ctx)
	require.NoError(t, c.QueryRow(ctx, "SELECT count(*) FROM kept").Scan(&n))
	require.Equal(t, 100001, n)
}

// segments counts the WAL segments in a cluster archive.
func segments(t *testing.T, archive string) int {
	f, err := os.Open(archive)
	require.NoError(t, err)
	defer f.Close()
	tr := tar.NewReader(f)
	n := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return n
		}
		require.NoError(t, err)
		if strings.HasPrefix(hdr.Name, "pg_wal/0") {
			n++
		}
	}
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
