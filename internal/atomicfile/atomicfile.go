// Package atomicfile replaces files so that a reader, or a crash, never
// sees half of one: write a temp file beside the target, fsync it, rename
// it over the target, fsync the directory.
package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces path with data, with mode perm. A path that is not a
// regular file (/dev/null, /dev/stdout, a pipe) is written to, not
// replaced: renaming over a device would replace it with a file, and
// under root that is /dev/null itself.
func Write(path string, data []byte, perm fs.FileMode) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		return f.Close()
	}
	tmp, err := WriteTemp(filepath.Dir(path), filepath.Base(path), data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("replace %s: %w", path, err)
	}
	SyncDir(filepath.Dir(path))
	return nil
}

// WriteTemp writes data to a new temp file in dir, for the file name, and
// fsyncs it, returning its path; the caller renames it into place. The
// temp file lives in dir so the rename cannot cross file systems, and its
// name starts with a dot and ends in ".tmp" so that a glob for the real
// files (a migration directory's "*.sql") never sees it.
func WriteTemp(dir, name string, data []byte, perm fs.FileMode) (path string, err error) {
	f, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
			err = fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
		}
	}()
	// CreateTemp uses 0600.
	if err := f.Chmod(perm); err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// SyncDir makes renames in dir durable. It is best effort: by then the
// files are complete and consistent, an error cannot be rolled back
// meaningfully, and some file systems reject fsync on directories.
func SyncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		_ = f.Close()
	}
}
