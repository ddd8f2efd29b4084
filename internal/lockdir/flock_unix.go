//go:build unix

package lockdir

import (
	"errors"
	"os"
	"syscall"
)

// openLock opens a lock file: a new one (create), or one that exists.
func openLock(p string, create bool) (*os.File, error) {
	if create {
		return os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	}
	return os.Open(p)
}

// lock takes a flock on f: exclusive or shared; waiting for a conflicting
// holder, or failing at once.
func lock(f *os.File, exclusive, wait bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}
