// Package devdb runs the embedded dev database: a throwaway PostgreSQL cluster
// started from the server binaries already on the machine (no Docker), on
// tmpfs, reachable over a unix socket only, and removed when it stops.
package devdb

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/ledgerforge/schemactl/internal/killpoint"
	"github.com/ledgerforge/schemactl/internal/lockdir"
)

// Server is a running embedded cluster.
type Server struct {
	Bin     Binaries
	base    string       // everything the server owns; removed on Stop
	dir     *lockdir.Dir // base, locked while this process lives
	tmpl    string       // the template cluster it started from
	sock    string       // the socket's directory: base/sock, or sockDir's
	sockDir *lockdir.Dir // a short directory for the socket, when base/sock is too long
	cmd     *exec.Cmd
	exited  chan struct{}
	log     *lockedBuffer
	counter atomic.Int64
	stop    sync.Once
	stopErr error
}

// AdminDB is the database schemactl administers the server from: the
// template has no "postgres" database.
const AdminDB = "template1"

const port = 5432 // only names the socket file: the server listens on no TCP port

// readyTimeout bounds how long a starting server may take.
const readyTimeout = 30 * time.Second

// Start copies the cached template cluster to tmpfs and starts postgres on it.
func Start(ctx context.Context) (*Server, error) { return StartFrom(ctx, "") }

// StartFrom starts a copy of the cluster archived in the file archive (see
// Snapshot), or of the template cluster when archive is empty.
func StartFrom(ctx context.Context, archive string) (*Server, error) {
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	return StartWith(ctx, bin, archive)
}

// StartWith is StartFrom on the installation bin (see FindMajor).
func StartWith(ctx context.Context, bin Binaries, archive string) (*Server, error) {
	o, err := serverOwner()
	if err != nil {
		return nil, err
	}
	root := scratchRoot()
	sweep(root)
	dir, err := lockdir.New(root, runPrefix, 0o700)
	if err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	base := dir.Path
	s := &Server{Bin: bin, base: base, dir: dir, sock: filepath.Join(base, "sock"), exited: make(chan struct{}), log: &lockedBuffer{}}
	if !socketFits(s.sock, runtime.GOOS) {
		if s.sockDir, err = lockdir.New(shortRoot, sockPrefix, 0o700); err != nil {
			dir.Remove()
			return nil, fmt.Errorf("devdb: socket directory: %w", err)
		}
		s.sock = s.sockDir.Path
	}
	if err := s.start(ctx, o, archive); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) start(ctx context.Context, o owner, archive string) error {
	if err := o.chown(s.base); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	tmpl, err := template(ctx, s.Bin, o, s.base)
	if err != nil {
		return err
	}
	s.tmpl = tmpl
	data := s.data()
	if archive != "" {
		if err := extractArchive(archive, tmpl, data, o); err != nil {
			return fmt.Errorf("devdb: unpack cluster: %w", err)
		}
		killpoint.Here("devdb.extract")
	} else if err := copyTree(tmpl, data, o); err != nil {
		return fmt.Errorf("devdb: copy template cluster: %w", err)
	} else {
		killpoint.Here("devdb.copy")
	}
	if s.sockDir == nil {
		if err := os.Mkdir(s.sock, 0o700); err != nil {
			return fmt.Errorf("devdb: %w", err)
		}
	}
	if err := o.chown(s.sock); err != nil {
		return fmt.Errorf("devdb: %w", err)
	}
	// Durability is worthless for a throwaway cluster; speed is not.
	s.cmd = exec.Command(s.Bin.path("postgres"), "-D", data, "-k", s.sock, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "autovacuum=off", "-c", "max_connections=100",
		"-c", "shared_buffers=64MB", "-c", "max_wal_size=1GB", "-c", "min_wal_size=2MB", "-c", "log_min_messages=warning")
	s.cmd.SysProcAttr = o.sysProcAttr()
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("devdb: start postgres: %w", err)
	}
	go func() { s.cmd.Wait(); close(s.exited) }()
	killpoint.Here("devdb.start")
	return s.waitReady(ctx)
}

// waitReady polls until the server accepts connections. A start takes about
// 40 ms, so the poll is short and steady: a backoff would overshoot it.
func (s *Server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(readyTimeout)
	for delay := 2 * time.Millisecond; ; {
		if _, err := os.Stat(socketFile(s.sock)); err == nil {
			conn, err := pgx.Connect(ctx, s.URL(AdminDB))
			if err == nil {
				return conn.Close(ctx)
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("devdb: postgres exited during start: %s", bytes.TrimSpace(s.log.Bytes()))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("devdb: postgres not ready after %s: %s", readyTimeout, bytes.TrimSpace(s.log.Bytes()))
		}
	}
}

// URL is the connection URL of database db on this server.
func (s *Server) URL(db string) string {
	q := url.Values{"host": {s.sock}, "port": {strconv.Itoa(port)}, "sslmode": {"disable"}}
	return (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/" + db, RawQuery: q.Encode()}).String()
}

func (s *Server) data() string { return filepath.Join(s.base, "data") }

// Base is the directory holding the cluster; it is gone after Stop.
func (s *Server) Base() string { return s.base }

// PID is the postmaster's process id (0 before start).
func (s *Server) PID() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// CreateDatabase creates a fresh, empty database and returns its URL.
func (s *Server) CreateDatabase(ctx context.Context) (string, error) {
	u, _, err := s.Clone(ctx, "template0")
	return u, err
}

// Clone creates a new database as a copy of database tmpl, which nobody
// may be connected to, and returns its URL and name.
func (s *Server) Clone(ctx context.Context, tmpl string) (url, name string, err error) {
	name = fmt.Sprintf("dev_%d", s.counter.Add(1))
	conn, err := pgx.Connect(ctx, s.URL(AdminDB))
	if err != nil {
		return "", "", fmt.Errorf("devdb: %w", err)
	}
	defer conn.Close(ctx)
	// FILE_COPY is the fast strategy when fsync is off.
	q := "CREATE DATABASE " + name + " TEMPLATE " + pgx.Identifier{tmpl}.Sanitize() + " STRATEGY FILE_COPY"
	if _, err := conn.Exec(ctx, q); err != nil {
		return "", "", fmt.Errorf("devdb: create database from %s: %w", tmpl, err)
	}
	return s.URL(name), name, nil
}

// Stop shuts the server down and removes its files. The cluster is thrown
// away, so the shutdown is immediate (SIGQUIT): a fast one would first write
// a checkpoint nobody reads (50 ms), and the database directories are
// removed while the server exits. It is safe to call more than once.
func (s *Server) Stop() error {
	s.stop.Do(func() {
		var g errgroup.Group
		if s.cmd != nil && s.cmd.Process != nil {
			_ = s.cmd.Process.Signal(syscall.SIGQUIT)
			removeDatabases(&g, s.base)
			select {
			case <-s.exited:
			case <-time.After(10 * time.Second):
				_ = killGroup(s.cmd.Process)
				<-s.exited
			}
		}
		g.Wait() // a server still exiting may have kept a file: RemoveAll retries
		if err := s.dir.Remove(); err != nil {
			s.stopErr = fmt.Errorf("devdb: remove %s: %w", s.base, err)
		}
		if err := s.sockDir.Remove(); err != nil && s.stopErr == nil {
			s.stopErr = fmt.Errorf("devdb: remove %s: %w", s.sock, err)
		}
	})
	return s.stopErr
}

// removeDatabases removes the database directories a few at a time:
// unlinking a cluster's 1,600 files one by one takes 20 ms.
func removeDatabases(g *errgroup.Group, base string) {
	dbs, _ := filepath.Glob(filepath.Join(base, "data", "base", "*"))
	g.SetLimit(4)
	for _, d := range dbs {
		g.Go(func() error { return os.RemoveAll(d) })
	}
}

// ScratchEnv overrides where servers run (their cluster directories and
// sockets). Tests point it at a private directory so that they see only
// their own runs; it must be reachable by the server account.
const ScratchEnv = "SCHEMACTL_SCRATCH_DIR"

// shmDir is tmpfs on Linux; macOS and the BSDs have none.
var shmDir = "/dev/shm"

// scratchRoot prefers tmpfs: a throwaway cluster there starts several times
// faster. Without one (macOS), it is the temp directory ($TMPDIR). Writability
// is asked of the kernel rather than tried with a probe file, which a kill
// could leave behind.
func scratchRoot() string {
	if d := os.Getenv(ScratchEnv); d != "" {
		return d
	}
	if fi, err := os.Stat(shmDir); err == nil && fi.IsDir() && writable(shmDir) {
		return shmDir
	}
	return os.TempDir()
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}
