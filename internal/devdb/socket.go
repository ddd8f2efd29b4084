package devdb

import (
	"path/filepath"
	"strconv"
)

// A unix socket's path has a kernel limit: sockaddr_un's sun_path holds
// 108 bytes on Linux and 104 on macOS and the BSDs, and PostgreSQL wants
// its terminating NUL in it too ("Unix-domain socket path ... is too
// long"). The socket's directory is normally the run's own (base/sock),
// but macOS's temp directory is long already
// (/var/folders/xx/<28 characters>/T/), and $SCHEMACTL_SCRATCH_DIR may be
// longer still: then the socket gets a directory of its own under /tmp.

// shortRoot is where a socket directory goes when the run's is too long.
const shortRoot = "/tmp"

// sockPrefix names those directories (each owned through lockdir, and
// swept as the runs' are).
const sockPrefix = "schemactl-sock-"

// sunPath is the size of sockaddr_un's sun_path on goos.
func sunPath(goos string) int {
	switch goos {
	case "linux", "android", "windows", "solaris", "illumos":
		return 108
	default: // darwin, ios, the BSDs
		return 104
	}
}

// socketFile is the path of the server's socket in directory dir.
func socketFile(dir string) string { return filepath.Join(dir, ".s.PGSQL."+strconv.Itoa(port)) }

// socketFits reports whether a socket in directory dir is short enough
// for goos's kernel, with PostgreSQL's NUL.
func socketFits(dir, goos string) bool { return len(socketFile(dir)) < sunPath(goos) }
