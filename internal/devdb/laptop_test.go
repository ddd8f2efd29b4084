//go:build unix

package devdb

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// What a developer's laptop is not: Linux with /dev/shm, run as root. A
// Mac has no /dev/shm and a long $TMPDIR, and its user is never root.

// reachable is a new temporary directory the server account can reach
// (t.TempDir's parent is root's alone).
func reachable(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sctest-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	return dir
}

// macTmp is a temp directory as long as macOS's
// (/var/folders/<2>/<28>/T), in a new directory the server account can
// reach.
func macTmp(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(reachable(t), "var", "folders", "zz", "zyxvpxvq6csfxvn_n0000000000000", "T")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

func TestSocketPathRule(t *testing.T) {
	require.Equal(t, 108, sunPath("linux"))
	require.Equal(t, 104, sunPath("darwin"))
	require.Equal(t, 104, sunPath("freebsd"))
	// The table agrees with this kernel's sockaddr_un.
	require.Equal(t, len(syscall.RawSockaddrUnix{}.Path), sunPath(runtime.GOOS))

	// A run's socket directory in macOS's temp directory fits its 103
	// bytes, barely: the longest random name leaves 9 to spare.
	mac := "/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/" + runPrefix + "4294967295/sock"
	require.Len(t, socketFile(mac), 94)
	require.True(t, socketFits(mac, "darwin"))

	// The limit, with PostgreSQL's NUL: 103 bytes fit, 104 do not.
	dir := func(n int) string { // a directory whose socket path is n bytes long
		return "/" + strings.Repeat("d", n-len(socketFile("/x"))+1)
	}
	require.Len(t, socketFile(dir(103)), 103)
	require.True(t, socketFits(dir(103), "darwin"))
	require.False(t, socketFits(dir(104), "darwin"))
	require.True(t, socketFits(dir(104), "linux"), "Linux's sun_path is 4 bytes longer")
	require.True(t, socketFits(dir(107), "linux"))
	require.False(t, socketFits(dir(108), "linux"))

	// The short directory fits on every platform.
	short := filepath.Join(shortRoot, sockPrefix+"4294967295")
	for _, goos := range []string{"linux", "darwin", "freebsd", "openbsd"} {
		require.True(t, socketFits(short, goos), goos)
	}
}

// A scratch directory too long for a socket in it (macOS's $TMPDIR, made
// longer for Linux's limit): the cluster stays there, and the socket gets
// a short directory under /tmp, which Stop removes, and a sweep too when
// its run was killed.
func TestLongScratchDirGetsAShortSocketDir(t *testing.T) {
	scratch := filepath.Join(macTmp(t), "schemactl-scratch-of-a-ci-job")
	require.NoError(t, os.Mkdir(scratch, 0o755))
	t.Setenv(ScratchEnv, scratch)
	require.False(t, socketFits(filepath.Join(scratch, runPrefix+"1", "sock"), runtime.GOOS), "the test's directory must be too long")
	ctx := context.Background()
	s, err := Start(ctx)
	require.NoError(t, err)
	defer s.Stop()
	require.Equal(t, scratch, filepath.Dir(s.Base()), "the cluster is where it is asked to be")
	require.Equal(t, shortRoot, filepath.Dir(s.sock))
	require.True(t, strings.HasPrefix(filepath.Base(s.sock), sockPrefix), s.sock)
	require.FileExists(t, socketFile(s.sock))
	u, err := s.CreateDatabase(ctx)
	require.NoError(t, err)
	require.Contains(t, u, "host="+strings.ReplaceAll(s.sock, "/", "%2F"))
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))

	require.NoError(t, s.Stop())
	require.NoDirExists(t, s.sock)
	require.NoFileExists(t, s.sock+".lock")
	require.NoDirExists(t, s.Base())

	// A killed run's socket directory is swept by the next start.
	dead, err := Start(ctx)
	require.NoError(t, err)
	dead.sockDir.Abandon()
	dead.dir.Abandon()
	defer dead.Stop()
	next, err := Start(ctx)
	require.NoError(t, err)
	require.NoError(t, next.Stop())
	require.NoDirExists(t, dead.sock)
	require.NoDirExists(t, dead.Base())
}

// Without /dev/shm (a Mac), the scratch root is the temp directory,
// $TMPDIR, and a server runs there.
func TestScratchRootWithoutDevShm(t *testing.T) {
	defer func(old string) { shmDir = old }(shmDir)
	t.Setenv(ScratchEnv, "")
	tmp := macTmp(t)
	t.Setenv("TMPDIR", tmp)

	shmDir = filepath.Join(t.TempDir(), "no-shm")
	require.Equal(t, tmp, scratchRoot())
	require.NoError(t, os.WriteFile(shmDir, nil, 0o644))
	require.Equal(t, tmp, scratchRoot(), "a file is no tmpfs")
	require.NoError(t, os.Remove(shmDir))
	require.NoError(t, os.Mkdir(shmDir, 0o777))
	require.Equal(t, shmDir, scratchRoot(), "a writable tmpfs wins")
	t.Setenv(ScratchEnv, "/elsewhere")
	require.Equal(t, "/elsewhere", scratchRoot(), "$"+ScratchEnv+" overrides both")
	t.Setenv(ScratchEnv, "")

	shmDir = filepath.Join(t.TempDir(), "no-shm")
	ctx := context.Background()
	s, err := Start(ctx)
	require.NoError(t, err)
	defer s.Stop()
	require.Equal(t, tmp, filepath.Dir(s.Base()))
	u, err := s.CreateDatabase(ctx)
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	require.NoError(t, s.Stop())
	require.NoDirExists(t, s.Base())
}

// invokingUserEnv makes the test binary run TestServerRunsAsTheInvokingUser's
// checks as the unprivileged user it was started as.
const invokingUserEnv = "DEVDB_TEST_INVOKING_USER"

// A developer is not root: the server runs as them, owning its files,
// with no account switch. Under root (CI), the test binary runs this
// test again as the postgres account.
func TestServerRunsAsTheInvokingUser(t *testing.T) {
	if os.Geteuid() != 0 {
		ctx := context.Background()
		s, err := Start(ctx)
		require.NoError(t, err)
		defer s.Stop()
		o, err := serverOwner()
		require.NoError(t, err)
		require.Nil(t, o.cred, "no account switch")
		for _, p := range []string{filepath.Join(s.Base(), "data"), filepath.Join(s.Base(), "data", "PG_VERSION"), s.sock} {
			fi, err := os.Stat(p)
			require.NoError(t, err)
			require.EqualValues(t, os.Geteuid(), fi.Sys().(*syscall.Stat_t).Uid, p)
		}
		out, err := exec.Command("ps", "-o", "uid=", "-p", strconv.Itoa(s.PID())).Output()
		require.NoError(t, err)
		require.Equal(t, strconv.Itoa(os.Geteuid()), strings.TrimSpace(string(out)), "the postmaster runs as the invoking user")
		u, err := s.CreateDatabase(ctx)
		require.NoError(t, err)
		conn, err := pgx.Connect(ctx, u)
		require.NoError(t, err)
		require.NoError(t, conn.Close(ctx))
		require.NoError(t, s.Stop())
		if os.Getenv(invokingUserEnv) != "" {
			fmt.Println("ran as uid", os.Geteuid())
		}
		return
	}
	o, err := serverOwner()
	require.NoError(t, err, "the postgres account runs the server under root")
	// The test binary lives in a directory only root may enter.
	dir := reachable(t)
	bin := filepath.Join(dir, "devdb.test")
	copyExecutable(t, os.Args[0], bin)
	home := filepath.Join(dir, "home")
	require.NoError(t, os.Mkdir(home, 0o700))
	require.NoError(t, os.Chown(home, o.uid, o.gid))
	cmd := exec.Command(bin, "-test.run=^TestServerRunsAsTheInvokingUser$", "-test.count=1", "-test.v")
	cmd.Dir = home
	cmd.Env = append(os.Environ(), invokingUserEnv+"=1", "HOME="+home, "TMPDIR=", ScratchEnv+"=", "SCHEMACTL_CACHE_DIR=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(o.uid), Gid: uint32(o.gid)}}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "ran as uid "+strconv.Itoa(o.uid), "%s", out)
}

func copyExecutable(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	require.NoError(t, err)
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}
