package devdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ledgerforge/schemactl/internal/killpoint"
)

// Snapshot stops the server cleanly and archives its cluster in the new
// file dst, keeping only the template databases and the databases named in
// keep's values, renamed to keep's keys. StartFrom(dst) later starts a copy
// of it. Nobody may be connected to the server; it is stopped afterwards
// either way.
func (s *Server) Snapshot(ctx context.Context, dst string, keep map[string]string) error {
	if err := s.prune(ctx, keep); err != nil {
		s.Stop()
		return err
	}
	// A fast shutdown writes the checkpoint that makes the files a
	// consistent, stopped cluster.
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.exited:
	case <-time.After(readyTimeout):
		s.Stop()
		return errors.New("devdb: snapshot: postgres did not stop")
	case <-ctx.Done():
		s.Stop()
		return ctx.Err()
	}
	s.pruneWAL()
	killpoint.Here("devdb.snapshot")
	err := writeArchive(s.data(), s.tmpl, dst)
	if err := errors.Join(err, s.Stop()); err != nil {
		return fmt.Errorf("devdb: snapshot: %w", err)
	}
	return nil
}

// prune drops every database but the templates and the kept ones, and
// gives the kept ones their names.
func (s *Server) prune(ctx context.Context, keep map[string]string) error {
	conn, err := pgx.Connect(ctx, s.URL(AdminDB))
	if err != nil {
		return fmt.Errorf("devdb: snapshot: %w", err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE NOT datistemplate")
	if err != nil {
		return fmt.Errorf("devdb: snapshot: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("devdb: snapshot: %w", err)
	}
	kept := map[string]bool{}
	for _, old := range keep {
		kept[old] = true
	}
	for _, n := range names {
		if !kept[n] {
			if _, err := conn.Exec(ctx, "DROP DATABASE "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)"); err != nil {
				return fmt.Errorf("devdb: snapshot: drop %s: %w", n, err)
			}
		}
	}
	for name, old := range keep {
		if name == old {
			continue
		}
		if _, err := conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{old}.Sanitize()+" RENAME TO "+pgx.Identifier{name}.Sanitize()); err != nil {
			return fmt.Errorf("devdb: snapshot: rename %s: %w", old, err)
		}
	}
	return nil
}

var (
	redoFile = regexp.MustCompile(`(?m)^Latest checkpoint's REDO WAL file:\s+([0-9A-F]{24})$`)
	shutDown = regexp.MustCompile(`(?m)^Database cluster state:\s+shut down$`)
)

// pruneWAL removes the WAL segments a cleanly stopped cluster no longer
// needs: all but the one its last checkpoint starts from (older ones are
// spent, newer ones recycled blanks, and PostgreSQL makes new ones as it
// needs them). After a busy replay they are most of the archive. Without
// pg_controldata nothing is removed.
func (s *Server) pruneWAL() {
	cmd := exec.Command(s.Bin.path("pg_controldata"), "-D", s.data())
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.Output()
	m := redoFile.FindSubmatch(out)
	if err != nil || m == nil || !shutDown.Match(out) {
		return
	}
	wal := filepath.Join(s.data(), "pg_wal")
	segs, _ := filepath.Glob(filepath.Join(wal, strings.Repeat("[0-9A-F]", 24)))
	for _, seg := range segs {
		if filepath.Base(seg) != string(m[1]) {
			os.Remove(seg)
		}
	}
}
