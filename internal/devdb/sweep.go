package devdb

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/ledgerforge/schemactl/internal/lockdir"
)

// runPrefix names each server's directory in the scratch root.
const runPrefix = "schemactl-devdb-"

// sweep removes what runs killed before they could clean up left in the
// scratch root: their cluster directories, and any server still running
// from one. Each live run holds its directory's lock, so only dead runs'
// directories are touched (see lockdir).
func sweep(root string) {
	lockdir.Sweep(root, runPrefix, stopOrphans)
	lockdir.Sweep(shortRoot, sockPrefix, nil) // their socket directories, if they needed one
}

// Sweep sweeps the scratch root, as every server start does: for a run
// that needed no server.
func Sweep() { sweep(scratchRoot()) }

// orphanStopTimeout bounds how long an orphaned server may take to stop
// after SIGQUIT before it gets SIGKILL.
const orphanStopTimeout = 10 * time.Second

// dataDirIn reports whether argv runs initdb or postgres on a data
// directory inside dir. A postmaster's argv is its own (only its children
// rewrite theirs, and they exit with it).
func dataDirIn(argv []string, dir string) bool {
	if len(argv) == 0 {
		return false
	}
	if prog := filepath.Base(argv[0]); prog != "postgres" && prog != "initdb" {
		return false
	}
	for i, a := range argv[1:] {
		var data string
		switch {
		case (a == "-D" || a == "--pgdata") && i+2 < len(argv):
			data = argv[i+2]
		case strings.HasPrefix(a, "--pgdata="):
			data = strings.TrimPrefix(a, "--pgdata=")
		default:
			continue
		}
		if rel, err := filepath.Rel(dir, data); err == nil && filepath.IsLocal(rel) {
			return true
		}
	}
	return false
}
