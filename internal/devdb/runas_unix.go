//go:build unix

package devdb

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// owner is the OS account that runs initdb and postgres. PostgreSQL refuses
// to run as root, so under root we switch to an unprivileged account; any
// other user (a developer on a laptop) runs the server as themselves.
type owner struct {
	uid, gid int
	cred     *syscall.Credential // nil: run as ourselves
}

// serverOwner picks the account: ourselves unless we are root, then the
// Debian "postgres" account, else "nobody".
func serverOwner() (owner, error) {
	if os.Geteuid() != 0 {
		return owner{uid: os.Getuid(), gid: os.Getgid()}, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return owner{uid: uid, gid: gid, cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}, nil
	}
	return owner{}, fmt.Errorf("devdb: running as root, and no unprivileged account (postgres or nobody) exists to run the PostgreSQL server")
}

// chown hands one path to the server account (no-op when not root).
func (o owner) chown(p string) error {
	if o.cred == nil {
		return nil
	}
	return os.Lchown(p, o.uid, o.gid)
}

// chownFile hands an open file to the server account (no-op when not
// root).
func (o owner) chownFile(f *os.File) error {
	if o.cred == nil {
		return nil
	}
	return f.Chown(o.uid, o.gid)
}

func (o owner) sysProcAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{
		Credential: o.cred,
		// Own process group: a terminal's Ctrl-C reaches only schemactl, which
		// then shuts the server down in order and removes its files.
		Setpgid: true,
	}
	// If schemactl dies without cleaning up, the server stops too, where
	// the kernel can say so (Linux).
	stopWithParent(a)
	return a
}

// killGroup kills the process group p leads (the postmaster's: its
// children too).
func killGroup(p *os.Process) error { return syscall.Kill(-p.Pid, syscall.SIGKILL) }
