// Package cli is schemactl's command line: cobra commands that parse flags,
// call the domain packages and render what they return. Nothing here
// decides anything about schemas.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/dsn"
)

// Main runs schemactl with args and returns the exit status. An interrupt
// (Ctrl-C) or SIGTERM cancels the context, so every command stops its dev
// database and removes its files before returning.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && err != errSilent {
		msg := dsn.Redact(err.Error())
		if ctx.Err() != nil {
			msg = "interrupted; stopped cleanly (an embedded dev database, if one ran, was removed)"
		}
		fmt.Fprintln(stderr, "Error: "+strings.TrimSpace(msg))
	}
	return exitCode(err)
}

// globals are Atlas's project-file flags, shared by every command.
type globals struct {
	env    string
	config string
	vars   map[string]string
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:           "schemactl",
		Short:         "Keep Ent schemas and Atlas-format migrations in lockstep",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&g.env, "env", "", "the env block of the project file to use")
	root.PersistentFlags().StringVarP(&g.config, "config", "c", "file://atlas.hcl", "the project file")
	root.PersistentFlags().StringToStringVar(&g.vars, "var", nil, "input variables of the project file (name=value)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })

	migrate := &cobra.Command{Use: "migrate", Short: "Generate, hash, validate, lint and apply versioned migrations"}
	migrate.AddCommand(newDiffCmd(g), newHashCmd(g), newValidateCmd(g), newLintCmd(g), newRebaseCmd(g), newApplyCmd(g), newStatusCmd(g))
	root.AddCommand(migrate, newSchemaCmd(g), newDevDBCmd())
	return root
}

// usageError is a bad flag or argument: exit 2.
type usageError struct{ error }
