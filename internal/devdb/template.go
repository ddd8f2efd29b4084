package devdb

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/ledgerforge/schemactl/internal/cachedir"
)

// templateLayout versions the cached cluster's initdb options: bump it when
// they change so stale templates are never reused.
const templateLayout = "v1"

// template returns the cached initialised cluster for b's major version,
// running initdb once (in scratch, as the server account) when it is missing.
// Concurrent first runs race benignly: each builds its own copy and the
// first rename wins.
func template(ctx context.Context, b Binaries, o owner, scratch string) (string, error) {
	cache, err := cachedir.Dir()
	if err != nil {
		return "", fmt.Errorf("devdb: %w", err)
	}
	dir := filepath.Join(cache, "pg"+strconv.Itoa(b.Major)+"-template-"+templateLayout)
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err == nil {
		return dir, nil
	}
	fresh := filepath.Join(scratch, "initdb")
	cmd := exec.CommandContext(ctx, b.path("initdb"),
		"--pgdata", fresh, "--username", "postgres", "--auth", "trust",
		"--encoding", "UTF8", "--locale", "C", "--no-sync", "--no-instructions",
		"--wal-segsize", "1") // small WAL segments: less to copy for every start
	cmd.SysProcAttr = o.sysProcAttr()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("devdb: initdb: %w: %s", err, bytes.TrimSpace(out.Bytes()))
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", fmt.Errorf("devdb: template cache: %w", err)
	}
	tmp, err := os.MkdirTemp(cache, ".template-*")
	if err != nil {
		return "", fmt.Errorf("devdb: template cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := copyTree(fresh, tmp, owner{}); err != nil {
		return "", fmt.Errorf("devdb: template cache: %w", err)
	}
	defer os.RemoveAll(fresh)
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "PG_VERSION")); statErr == nil {
			return dir, nil // another run won the race
		}
		return "", fmt.Errorf("devdb: template cache: %w", err)
	}
	return dir, nil
}

// copyTree copies a data directory, keeping modes (PostgreSQL insists on
// 0700 data directories) and handing the copy to o.
func copyTree(src, dst string, o owner) error {
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm())
		}
		if !info.Mode().IsRegular() {
			return nil // no sockets or links in a stopped cluster
		}
		return copyFile(p, target, info.Mode().Perm())
	})
	if err != nil {
		return err
	}
	return o.chownAll(dst)
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
