//go:build unix

package devdb

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// stopOrphansPS is stopOrphans where there is no /proc and no pidfd
// (macOS, the BSDs), and no parent-death signal either, so a killed run's
// server is sure to be still running. Its pid is in postmaster.pid, which
// the postmaster (and a single-user postgres during initdb) keeps in its
// data directory; ps then shows whether that pid still runs postgres on
// that directory, before each signal, so that a pid reused since is never
// signalled. SIGQUIT is an immediate shutdown, which also stops the
// postmaster's children.
func stopOrphansPS(dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*", "postmaster.pid"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		first, _, _ := bytes.Cut(b, []byte("\n"))
		pid, err := strconv.Atoi(string(bytes.TrimSpace(first)))
		if err != nil || pid <= 0 || !psRunsIn(pid, dir) {
			continue
		}
		_ = syscall.Kill(pid, syscall.SIGQUIT)
		killAt := time.Now().Add(orphanStopTimeout)
		for giveUp := killAt.Add(orphanStopTimeout); psRunsIn(pid, dir) && time.Now().Before(giveUp); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(killAt) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
}

// psRunsIn reports whether process pid runs initdb or postgres on a data
// directory inside dir, as ps shows its command line (a directory with
// spaces in its path is never matched: nothing is signalled then). A
// zombie's command line is not its own ("[postgres] <defunct>"): it has
// stopped.
func psRunsIn(pid int, dir string) bool {
	out, err := exec.Command("ps", "-o", "command=", "-p", strconv.Itoa(pid)).Output()
	return err == nil && dataDirIn(strings.Fields(string(out)), dir)
}
