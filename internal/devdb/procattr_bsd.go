//go:build unix && !linux

package devdb

import "syscall"

// stopWithParent does nothing: macOS and the BSDs have no parent-death
// signal. A server whose schemactl was killed runs on until the next
// start's sweep stops it.
func stopWithParent(*syscall.SysProcAttr) {}

// stopOrphans stops the servers still running from dir, a dead run's
// directory (see sweep_linux.go for Linux's way).
func stopOrphans(dir string) { stopOrphansPS(dir) }
