package cli

import (
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ledgerforge/schemactl/internal/progress"
)

// openProgress returns the progress line for a run whose stderr is a
// terminal (nil otherwise: in a pipe, a file or CI, output stays as it
// is, byte for byte), with stdout and stderr guarded by it: whatever the
// command prints erases the line first, so that a report is never mixed
// with half a progress line.
func openProgress(stdout, stderr io.Writer) (*progress.Terminal, io.Writer, io.Writer) {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, stdout, stderr
	}
	t := progress.Open(stderr, func() int {
		w, _, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0 // the default width
		}
		return w
	})
	return t, t.Guard(stdout), t.Guard(stderr)
}

// showProgress is the root's PersistentPreRun: the command's domain
// packages report their long work (internal/progress) to the terminal's
// line, unless --quiet.
func showProgress(t *progress.Terminal, g *globals) func(*cobra.Command, []string) {
	return func(cmd *cobra.Command, _ []string) {
		if t == nil {
			return
		}
		if g.quiet {
			t.Close()
			return
		}
		cmd.SetContext(progress.With(cmd.Context(), t))
	}
}

// unguarded is the writer under a progress guard: the one to ask whether
// it is a terminal, and the one a program that draws on the terminal
// itself ($EDITOR) is given.
func unguarded[T any](v T) T {
	if g, ok := any(v).(interface{ Unwrap() io.Writer }); ok {
		if w, ok := g.Unwrap().(T); ok {
			return w
		}
	}
	return v
}
