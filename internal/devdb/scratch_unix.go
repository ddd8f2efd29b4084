//go:build unix

package devdb

import "golang.org/x/sys/unix"

// writable asks the kernel whether dir is writable (by the real user).
func writable(dir string) bool { return unix.Access(dir, unix.W_OK) == nil }
