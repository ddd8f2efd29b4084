package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/devdb"
)

// newDevDBCmd starts the embedded dev database for interactive use (psql,
// other tools) and removes it on Ctrl-C.
func newDevDBCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "devdb",
		Short: "Run the embedded dev database until interrupted, printing its URL",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, err := devdb.Start(ctx)
			if err != nil {
				return err
			}
			defer s.Stop()
			u, err := s.CreateDatabase(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), u)
			<-ctx.Done()
			return nil
		},
	}
}
