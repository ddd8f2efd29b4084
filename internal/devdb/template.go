package devdb

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/ledgerforge/schemactl/internal/cachedir"
	"github.com/ledgerforge/schemactl/internal/killpoint"
	"github.com/ledgerforge/schemactl/internal/lockdir"
)

// templateLayout versions the cached cluster's initdb options: bump it when
// they change so stale templates are never reused.
const templateLayout = "v2"

// templateFiles are schemactl's own files in the template directory, not
// part of the cluster.
func templateFile(name string) bool { return name == idFile || name == indexFile }

// idFile names one template build: snapshots refer to its files, so they
// must be restored on the very same build. PostgreSQL ignores the file.
const idFile = "schemactl-template-id"

// template returns the cached initialised cluster for b's major version,
// running initdb once (in scratch, as the server account) when it is missing.
// Concurrent first runs race benignly: each builds its own copy and the
// first rename wins.
func template(ctx context.Context, b Binaries, o owner, scratch string) (string, error) {
	cache, err := cachedir.Dir()
	if err != nil {
		return "", fmt.Errorf("devdb: %w", err)
	}
	// Template builds of killed runs (see lockdir).
	lockdir.Sweep(cache, templateTemp, nil)
	dir := filepath.Join(cache, "pg"+strconv.Itoa(b.Major)+"-template-"+templateLayout)
	if _, err := os.Stat(filepath.Join(dir, idFile)); err == nil {
		// Copies walk the directory itself, not a link to it.
		return filepath.EvalSymlinks(dir)
	}
	// initdb writes in scratch, which its run owns and removes.
	fresh := filepath.Join(scratch, "initdb")
	cmd := exec.CommandContext(ctx, b.path("initdb"),
		"--pgdata", fresh, "--username", "postgres", "--auth", "trust",
		"--encoding", "UTF8", "--locale", "C", "--no-sync", "--no-instructions",
		"--wal-segsize", "1") // small WAL segments: less to copy for every start
	if err := run(cmd, o, "", "devdb.initdb"); err != nil {
		return "", fmt.Errorf("devdb: initdb: %w", err)
	}
	// The "postgres" database is a third of the cluster and every start
	// copies the cluster: drop it, and administer from template1.
	cmd = exec.CommandContext(ctx, b.path("postgres"), "--single", "-D", fresh, "-c", "fsync=off", "-c", "min_wal_size=2MB", AdminDB)
	if err := run(cmd, o, "DROP DATABASE postgres\n", "devdb.single"); err != nil {
		return "", fmt.Errorf("devdb: initdb: drop database postgres: %w", err)
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", fmt.Errorf("devdb: template cache: %w", err)
	}
	tmp, err := lockdir.New(cache, templateTemp, 0o700)
	if err != nil {
		return "", fmt.Errorf("devdb: template cache: %w", err)
	}
	defer tmp.Remove()
	if err := copyTree(fresh, tmp.Path, owner{}); err != nil {
		return "", fmt.Errorf("devdb: template cache: %w", err)
	}
	defer os.RemoveAll(fresh)
	if err := writeIndex(tmp.Path); err != nil {
		return "", fmt.Errorf("devdb: template cache: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp.Path, idFile), []byte(rand.Text()+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("devdb: template cache: %w", err)
	}
	killpoint.Here("devdb.template")
	if err := os.Rename(tmp.Path, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, idFile)); statErr == nil {
			return dir, nil // another run won the race
		}
		return "", fmt.Errorf("devdb: template cache: %w", err)
	}
	tmp.Release()
	return dir, nil
}

// templateTemp names a template being built in the cache directory.
const templateTemp = ".template-"

// run runs one of initdb's steps as o, with stdin, and returns its output
// in the error. Its kill point is reached while it runs.
func run(cmd *exec.Cmd, o owner, stdin, point string) error {
	cmd.SysProcAttr = o.sysProcAttr()
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return err
	}
	killpoint.Here(point)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("%w: %s", err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}

// copyTree copies a data directory, keeping modes (PostgreSQL insists on
// 0700 data directories) and handing the copy to o. Every dev database
// start pays for it, so files are copied by the kernel where it can
// (sendfile on Linux, see copyData), a few at a time: 3x faster than
// io.Copy one by one.
func copyTree(src, dst string, o owner) error {
	type job struct {
		src, dst string
		perm     fs.FileMode
	}
	var jobs []job
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
		switch {
		case rel != "." && !strings.Contains(rel, string(filepath.Separator)) && templateFile(rel):
			return nil
		case d.IsDir():
			if err := os.MkdirAll(target, info.Mode().Perm()); err != nil {
				return err
			}
			return o.chown(target)
		case info.Mode().IsRegular(): // no sockets or links in a stopped cluster
			jobs = append(jobs, job{p, target, info.Mode().Perm()})
		}
		return nil
	})
	if err != nil {
		return err
	}
	var g errgroup.Group
	g.SetLimit(4)
	for _, j := range jobs {
		g.Go(func() error { return copyFile(j.src, j.dst, j.perm, o) })
	}
	return g.Wait()
}

func copyFile(src, dst string, perm fs.FileMode, o owner) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if err := copyData(out, in, info.Size()); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if err := o.chownFile(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
