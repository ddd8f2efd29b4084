//go:build unix

package devdb

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/cachedir"
)

// server is the package's shared cluster; each test makes its own databases.
var server *Server

func TestMain(m *testing.M) {
	cache, err := os.MkdirTemp("", "schemactl-devdb-cache-*")
	if err != nil {
		panic(err)
	}
	os.Setenv(cachedir.Env, cache)
	server, err = Start(context.Background())
	if err != nil {
		os.RemoveAll(cache)
		panic("cannot start the embedded dev database (install the server with `apt-get install postgresql`): " + err.Error())
	}
	code := m.Run()
	server.Stop()
	os.RemoveAll(cache)
	os.Exit(code)
}

func TestServerLeavesNothingBehind(t *testing.T) {
	ctx := context.Background()
	s, err := Start(ctx)
	require.NoError(t, err)
	pid, base := s.PID(), s.Base()
	require.NoError(t, syscall.Kill(pid, 0), "postmaster must be running")
	require.DirExists(t, base)

	u1, err := s.CreateDatabase(ctx)
	require.NoError(t, err)
	u2, err := s.CreateDatabase(ctx)
	require.NoError(t, err)
	require.NotEqual(t, u1, u2, "each use gets a fresh database")
	conn, err := pgx.Connect(ctx, u1)
	require.NoError(t, err)
	obj, err := firstObject(ctx, conn)
	require.NoError(t, err)
	require.Empty(t, obj)
	var listen string
	require.NoError(t, conn.QueryRow(ctx, "SHOW listen_addresses").Scan(&listen))
	require.Empty(t, listen, "unix socket only")
	var fsync string
	require.NoError(t, conn.QueryRow(ctx, "SHOW fsync").Scan(&fsync))
	require.Equal(t, "off", fsync)
	require.NoError(t, conn.Close(ctx))

	require.NoError(t, s.Stop())
	require.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "postmaster must be gone")
	require.NoDirExists(t, base)
	require.NoError(t, s.Stop(), "Stop is idempotent")
}

func TestServerRunsOnTmpfsAsUnprivilegedUser(t *testing.T) {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() && os.Getenv(ScratchEnv) == "" {
		require.Equal(t, "/dev/shm", filepath.Dir(server.Base()))
	}
	require.Equal(t, scratchRoot(), filepath.Dir(server.Base()))
	fi, err := os.Stat(filepath.Join(server.Base(), "data"))
	require.NoError(t, err)
	uid := fi.Sys().(*syscall.Stat_t).Uid
	if os.Geteuid() == 0 {
		require.NotZero(t, uid, "the cluster must not belong to root")
	} else {
		require.EqualValues(t, os.Geteuid(), uid)
	}
}

func TestTemplateIsCached(t *testing.T) {
	cache, err := cachedir.Dir()
	require.NoError(t, err)
	matches, err := filepath.Glob(filepath.Join(cache, "pg*-template-"+templateLayout, "PG_VERSION"))
	require.NoError(t, err)
	require.Len(t, matches, 1)
}

func TestExternalDevURL(t *testing.T) {
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	pool, err := Open(ctx, u)
	require.NoError(t, err)
	require.False(t, pool.Embedded())

	db, err := pool.Acquire(ctx)
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, db.URL)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE t (m mood); CREATE SCHEMA other")
	require.NoError(t, err)
	require.NoError(t, db.Release(ctx))

	// Released means wiped: the database is empty again and reusable.
	obj, err := firstObject(ctx, conn)
	require.NoError(t, err)
	require.Empty(t, obj)
	require.NoError(t, conn.Close(ctx))
	_, err = Open(ctx, u)
	require.NoError(t, err)
	require.NoError(t, pool.Close())
}

func TestExternalDevURLRefused(t *testing.T) {
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "CREATE TABLE precious (id int)")
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	_, err = Open(ctx, u)
	require.ErrorIs(t, err, ErrNotEmpty)
	require.Contains(t, err.Error(), `relation "public.precious"`)

	_, err = Open(ctx, "postgres://u:s3cret@127.0.0.1:1/dev?sslmode=disable&connect_timeout=2")
	require.ErrorIs(t, err, ErrUnreachable)
	require.NotContains(t, err.Error(), "s3cret")
}

func TestFindBinaries(t *testing.T) {
	real, err := FindBinaries()
	require.NoError(t, err)
	lib := t.TempDir()
	for _, v := range []string{"9.6", "13", "15", "README"} {
		bin := filepath.Join(lib, v, "bin")
		require.NoError(t, os.MkdirAll(bin, 0o755))
		if v == "13" || v == "15" {
			for _, p := range []string{"initdb", "postgres"} {
				require.NoError(t, os.Symlink(real.path(p), filepath.Join(bin, p)))
			}
		}
	}

	// $SCHEMACTL_PG_LIBDIR chooses the installation, even with another one
	// on PATH: the newest versioned directory in it wins.
	t.Setenv(LibDirEnv, lib)
	b, err := FindBinaries()
	require.NoError(t, err)
	require.Equal(t, filepath.Join(lib, "15", "bin"), b.Dir)
	require.Equal(t, real.Major, b.Major)
	t.Setenv("PATH", t.TempDir())
	b, err = FindBinaries()
	require.NoError(t, err)
	require.Equal(t, filepath.Join(lib, "15", "bin"), b.Dir)

	// Nothing there: the error names what is missing, where it was looked
	// for, and how to install it; --dev-url is not the problem.
	empty := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(empty, "16", "bin"), 0o755))
	require.NoError(t, os.Symlink(real.path("initdb"), filepath.Join(empty, "16", "bin", "initdb")))
	t.Setenv(LibDirEnv, empty)
	_, err = FindBinaries()
	require.ErrorIs(t, err, ErrNoBinaries)
	var be *BinariesError
	require.ErrorAs(t, err, &be)
	require.Equal(t, []string{"postgres"}, be.Missing, "initdb is there")
	require.Contains(t, err.Error(), "no postgres in $"+LibDirEnv+" ("+filepath.Join(empty, "<version>", "bin")+")")
	require.Contains(t, err.Error(), "apt-get install postgresql")
	require.Contains(t, err.Error(), "make deps")
	require.NotContains(t, err.Error(), "--dev-url")

	// Unset, and nothing on PATH: both are missing (unless this machine has
	// Debian's layout, which is then found).
	t.Setenv(LibDirEnv, "")
	b, err = FindBinaries()
	if newest(defaultLibDir) != "" {
		require.NoError(t, err)
		require.Equal(t, newest(defaultLibDir), b.Dir)
		return
	}
	require.ErrorAs(t, err, &be)
	require.Equal(t, []string{"initdb", "postgres"}, be.Missing)
	require.Contains(t, err.Error(), "no initdb and postgres in PATH or /usr/lib/postgresql/<version>/bin")
}
