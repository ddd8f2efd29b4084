// Package killpoint lets the crash tests kill schemactl at a named point of
// its work, so that what a kill -9 leaves behind is tested at known places
// rather than after random sleeps.
//
// With SCHEMACTL_TEST_KILL_AT=NAME in the environment, the process sends
// itself SIGKILL when it reaches Here(NAME): nothing of its own runs after
// that, exactly as with kill -9 from outside. Without it, Here costs one
// environment lookup. The names are listed in docs/devdb.md.
package killpoint

import "os"

// Env names the point to die at.
const Env = "SCHEMACTL_TEST_KILL_AT"

// Here kills the process when name is the point the environment names.
func Here(name string) {
	if v, ok := os.LookupEnv(Env); !ok || v != name {
		return
	}
	die()
	select {} // SIGKILL cannot be caught: nothing returns from here
}
