// Package lockdir makes scratch directories that a process owns for as long
// as it lives, and sweeps the ones whose owner died.
//
// A directory root/NAME comes with a lock file root/NAME.lock beside it,
// created first and held (flock; LockFileEx on Windows) by the owner until
// the directory is gone. The kernel releases the lock when its holder
// dies, however it dies (kill -9 included), so a lock that can be taken
// names a dead owner's directory, and one that cannot names a live one.
// The lock is beside the directory, not in it, so no instant exists where
// the directory is there without its lock: a sweep can never mistake a
// directory being created for a dead run's.
package lockdir

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// lockSuffix ends the name of a directory's lock file.
const lockSuffix = ".lock"

// Dir is a directory this process owns until Remove or Release.
type Dir struct {
	Path string
	lock *os.File
}

// New creates the directory root/prefix<random> with mode perm (before
// umask) and takes its lock.
func New(root, prefix string, perm fs.FileMode) (*Dir, error) {
	for range 10000 {
		var b [4]byte
		_, _ = rand.Read(b[:])
		p := filepath.Join(root, prefix+strconv.FormatUint(uint64(binary.LittleEndian.Uint32(b[:])), 10))
		f, err := openLock(p+lockSuffix, true)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("lockdir: %w", err)
		}
		if err := lock(f, true, true); err != nil {
			f.Close()
			return nil, fmt.Errorf("lockdir: %w", err)
		}
		// A sweep may have opened the new file before we locked it, taken it
		// for a dead run's and removed it: then it is not ours any more.
		if !same(f, p+lockSuffix) {
			f.Close()
			continue
		}
		if err := os.Mkdir(p, perm); err != nil {
			os.Remove(p + lockSuffix)
			f.Close()
			if errors.Is(err, fs.ErrExist) {
				continue // someone else's directory without a lock: not ours to touch
			}
			return nil, fmt.Errorf("lockdir: %w", err)
		}
		return &Dir{Path: p, lock: f}, nil
	}
	return nil, fmt.Errorf("lockdir: no free name for %s in %s", prefix, root)
}

// Remove removes the directory, then its lock. It is safe to call more
// than once.
func (d *Dir) Remove() error {
	if d == nil || d.lock == nil {
		return nil
	}
	if err := os.RemoveAll(d.Path); err != nil {
		// Keep the lock file: the next sweep retries.
		d.lock.Close()
		d.lock = nil
		return fmt.Errorf("lockdir: %w", err)
	}
	return d.Release()
}

// Release drops the lock of a directory that was moved away (renamed into
// its final place), leaving whatever is at Path alone.
func (d *Dir) Release() error {
	if d == nil || d.lock == nil {
		return nil
	}
	err := os.Remove(d.Path + lockSuffix)
	d.lock.Close() // closing releases the flock
	d.lock = nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("lockdir: %w", err)
	}
	return nil
}

// Abandon drops the lock and leaves everything in place, as an owner killed
// with SIGKILL does. For tests.
func (d *Dir) Abandon() {
	if d != nil && d.lock != nil {
		d.lock.Close()
		d.lock = nil
	}
}

// Sweep removes every root/prefix* directory whose owner is dead, with its
// lock, and returns what it removed. cleanup, when not nil, runs first on
// each, holding the lock (to stop what still runs from it). Directories
// with a live owner, and directories without a lock file (left by a
// version of schemactl before locks, or not ours at all), are left alone.
// What cannot be removed is skipped: a sweep is best effort, and the next
// one tries again.
func Sweep(root, prefix string, cleanup func(dir string)) []string {
	locks, _ := filepath.Glob(filepath.Join(root, glob(prefix)+"*"+lockSuffix))
	var removed []string
	for _, l := range locks {
		if sweepOne(l, cleanup) {
			removed = append(removed, strings.TrimSuffix(l, lockSuffix))
		}
	}
	return removed
}

func sweepOne(lock string, cleanup func(dir string)) bool {
	f, err := openLock(lock, false)
	if err != nil {
		return false // gone already, or another user's
	}
	defer f.Close()
	if !tryLock(f) {
		return false // its owner lives
	}
	// Another sweep may have removed this lock file (and its directory)
	// between our open and our lock; a new owner may even have made a new
	// one under the same name since. Only the file still at the path counts.
	if !same(f, lock) {
		return false
	}
	dir := strings.TrimSuffix(lock, lockSuffix)
	if cleanup != nil {
		cleanup(dir)
	}
	if os.RemoveAll(dir) != nil {
		return false
	}
	return os.Remove(lock) == nil
}

// Locked reports whether root/NAME's lock is held by a live owner (this
// process included). For tests and diagnostics.
func Locked(dir string) bool {
	f, err := openLock(dir+lockSuffix, false)
	if err != nil {
		return false
	}
	defer f.Close()
	return !tryLock(f)
}

// LockFile locks the open file f, shared or exclusive, waiting for the
// holders of a conflicting lock. The lock goes with f's close, or its
// holder's death.
func LockFile(f *os.File, exclusive bool) error { return lock(f, exclusive, true) }

// tryLock takes an exclusive lock on f if nobody holds one.
func tryLock(f *os.File) bool { return lock(f, true, false) == nil }

// Same reports whether the open file f is still the file at path p.
func Same(f *os.File, p string) bool { return same(f, p) }

func same(f *os.File, p string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(p)
	return err == nil && os.SameFile(a, b)
}

// glob escapes the pattern characters of a literal name prefix.
func glob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
