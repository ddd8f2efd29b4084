package desired

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/ledgerforge/schemactl/internal/lockdir"
)

// entcDir is where Ent's loader (entgo.io/ent/entc/load) writes the helper
// program it compiles and runs: ".entc" in the working directory, which is
// in the user's work tree. It removes the directory when it returns, so a
// run killed meanwhile leaves it behind, and two loads in one directory at
// once remove each other's program.
//
// So a load owns the directory: it flocks the directory itself for as long
// as the loader runs (the kernel drops the lock if the run is killed).
// Whatever a directory holds when its lock is taken was left by a dead
// run. Every graph load, cached or not, first removes such a leftover.
const entcDir = ".entc"

// lockEntc makes this process the owner of ./.entc, waiting for a live
// load in the same directory to finish, and empties what a dead run left
// in it. release removes the directory (if the loader did not) and drops
// the lock.
func lockEntc() (release func(), err error) {
	for {
		if err := os.Mkdir(entcDir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		f, err := os.Open(entcDir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed by the load that held it: make a new one
		}
		if err != nil {
			return nil, err
		}
		if err := lockdir.Lock(f, syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", entcDir, err)
		}
		// The load we waited for removed the directory we locked.
		if !lockdir.Same(f, entcDir) {
			f.Close()
			continue
		}
		if err := empty(entcDir); err != nil {
			f.Close()
			return nil, err
		}
		return func() {
			if lockdir.Same(f, entcDir) {
				os.RemoveAll(entcDir)
			}
			f.Close()
		}, nil
	}
}

// sweepEntc removes ./.entc when a dead run left it; a live load's is left
// alone.
func sweepEntc() {
	f, err := os.Open(entcDir)
	if err != nil {
		return
	}
	defer f.Close()
	if lockdir.Lock(f, syscall.LOCK_EX|syscall.LOCK_NB) == nil && lockdir.Same(f, entcDir) {
		os.RemoveAll(entcDir)
	}
}

// empty removes what dir holds, keeping dir.
func empty(dir string) error {
	es, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range es {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
