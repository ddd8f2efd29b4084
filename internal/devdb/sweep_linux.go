package devdb

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// stopOrphans stops the PostgreSQL processes still running from dir, a
// dead run's directory: a postmaster whose parent was killed normally gets
// SIGQUIT from the kernel (Pdeathsig) and exits, but it may still be
// exiting, and nothing guarantees the signal (it follows the thread that
// started the server). Only initdb and postgres processes whose data
// directory (-D, --pgdata) lies inside dir are signalled: dir's name is
// random and its owner is dead, so they are that run's. SIGQUIT is an
// immediate shutdown, which also stops the postmaster's children.
//
// Each process is held by a pidfd opened before its command line is
// checked, so a pid reused by another process in between is never
// signalled.
func stopOrphans(dir string) {
	var fds []int
	for _, pid := range serversIn(dir) {
		fd, err := unix.PidfdOpen(pid, 0)
		if errors.Is(err, unix.ENOSYS) {
			stopByPid(pid, dir) // kernels before 5.3
			continue
		}
		if err != nil {
			continue // gone
		}
		if !runsIn(pid, dir) {
			unix.Close(fd)
			continue
		}
		fds = append(fds, fd)
	}
	for _, fd := range fds {
		_ = unix.PidfdSendSignal(fd, unix.SIGQUIT, nil, 0)
	}
	deadline := time.Now().Add(orphanStopTimeout)
	for _, fd := range fds {
		if !waitExit(fd, time.Until(deadline)) {
			_ = unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
			waitExit(fd, orphanStopTimeout)
		}
		unix.Close(fd)
	}
}

// waitExit waits up to d for the process of pidfd fd to exit.
func waitExit(fd int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		ms := max(int(time.Until(deadline)/time.Millisecond), 0)
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, ms)
		if err == nil {
			return n > 0
		}
		if !errors.Is(err, unix.EINTR) {
			return false
		}
	}
}

// stopByPid is stopOrphans for one process without a pidfd: the command
// line is checked again before each signal.
func stopByPid(pid int, dir string) {
	if runsIn(pid, dir) {
		_ = syscall.Kill(pid, syscall.SIGQUIT)
	}
	for deadline := time.Now().Add(orphanStopTimeout); alive(pid) && runsIn(pid, dir); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// runsIn reports whether process pid is initdb or postgres on a data
// directory inside dir.
func runsIn(pid int, dir string) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	return err == nil && dataDirIn(strings.Split(string(bytes.TrimRight(b, "\x00")), "\x00"), dir)
}

// serversIn lists the initdb and postgres processes whose data directory
// is inside dir.
func serversIn(dir string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if runsIn(pid, dir) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// alive reports whether pid runs and is not a zombie waiting for its
// (new) parent to reap it.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// pid (comm) state ...: comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] != 'Z' && b[i+2] != 'X'
}
