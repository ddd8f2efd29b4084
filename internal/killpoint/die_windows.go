package killpoint

import "os"

// die terminates this process (TerminateProcess: no handler runs).
func die() {
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		_ = p.Kill()
	}
}
