package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/history"
)

// newRebaseCmd renames a branch's new migrations after the base branch's
// newest one, so the history stays linear, and rewrites atlas.sum (which a
// merge leaves conflicted).
func newRebaseCmd(g *globals) *cobra.Command {
	var (
		flags inputs
		base  string
	)
	cmd := &cobra.Command{
		Use:   "rebase --git-base REF [flags]",
		Short: "Give this branch's new migrations versions after the base branch's newest",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			if base == "" {
				base = in.lint.GitBase
			}
			if base == "" {
				return usageError{fmt.Errorf("--git-base: name the base branch, e.g. --git-base origin/main")}
			}
			dir, err := in.openDir()
			if err != nil {
				return err
			}
			b, err := history.LoadBase(cmd.Context(), dir.Path(), base)
			if err != nil {
				return fmt.Errorf("--git-base: %w", err)
			}
			renames, err := history.Rebase(dir, b.In(dir.Format()), time.Now())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, r := range renames {
				fmt.Fprintf(out, "Renamed %s -> %s\n", r.From, r.To)
			}
			fmt.Fprintf(out, "%s is linear after %s; atlas.sum rewritten\n", dir.Path(), base)
			return nil
		},
	}
	addDirFlag(cmd, &flags)
	cmd.Flags().StringVar(&base, "git-base", "", "the base branch the new files must come after")
	return cmd
}
