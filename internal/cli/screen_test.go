package cli_test

import (
	"os"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ledgerforge/schemactl/internal/progress/progresstest"
)

// cmdScreen: screen TRANSCRIPT OUT writes to OUT what a terminal shows
// after the bytes of TRANSCRIPT (a pty transcript): progress lines that
// were erased are gone, and a report printed over half a progress line
// would show the mix. A run whose progress never touches its output ends
// with a screen equal to what a pipe gets.
func cmdScreen(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: screen TRANSCRIPT OUT")
	}
	shown := progresstest.Screen([]byte(ts.ReadFile(args[0])))
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(shown), 0o644))
}
