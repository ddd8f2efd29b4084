package devdb

import (
	"os"
	"syscall"
)

// owner is nobody on Windows, where the embedded server does not run:
// serverOwner says so, and nothing else is reached.
type owner struct{}

func serverOwner() (owner, error)               { return owner{}, ErrNotSupported }
func (owner) chown(string) error                { return nil }
func (owner) chownFile(*os.File) error          { return nil }
func (owner) sysProcAttr() *syscall.SysProcAttr { return nil }
func killGroup(p *os.Process) error             { return p.Kill() }

func writable(string) bool { return false }

// stopOrphans has nothing to stop: no server runs on Windows.
func stopOrphans(string) {}
