//go:build unix && !linux

package entload

import "syscall"

// killWithParent does nothing: macOS and the BSDs have no parent-death
// signal; a cancelled load still kills its process group.
func killWithParent(*syscall.SysProcAttr) {}
