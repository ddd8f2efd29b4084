package devdb

import "syscall"

// stopWithParent has the kernel send the server SIGQUIT (an immediate
// shutdown) when schemactl dies.
func stopWithParent(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGQUIT }
