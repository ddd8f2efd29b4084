package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/lint"
	"github.com/ledgerforge/schemactl/internal/report"
	"github.com/ledgerforge/schemactl/internal/schemadoc"
)

func newLintCmd(g *globals) *cobra.Command {
	var (
		flags  inputs
		format string
		rv     reviewFlags
	)
	cmd := &cobra.Command{
		Use:   "lint [flags]",
		Short: "The gate: fail when the migrations and the Ent schemas disagree",
		Long: `Checks that atlas.sum matches the files, that every file replays on a clean
dev database, that the replayed database is exactly what the Ent schemas
declare (tables, columns, enum types, foreign keys, indexes, constraints, in
both directions), and that the generated Ent code is fresh.

Exit status: 0 clean, 1 findings, 2 the gate could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			return runLint(cmd, in, format, rv)
		},
	}
	addDirFlag(cmd, &flags)
	addToFlag(cmd, &flags)
	addDevFlag(cmd, &flags)
	addCacheFlag(cmd, &flags)
	cmd.Flags().StringVar(&format, "format", "text", "report format: "+strings.Join(report.Formats, ", "))
	cmd.Flags().StringVar(&rv.gitBase, "git-base", "", "review the migration files added since this git ref (a pull request's base branch)")
	cmd.Flags().IntVar(&rv.latest, "latest", 0, "review the last N migration files")
	return cmd
}

func runLint(cmd *cobra.Command, in inputs, format string, rv reviewFlags) error {
	ctx := cmd.Context()
	sources, err := in.sources()
	if err != nil {
		return err
	}
	dir, err := in.openDir()
	if err != nil {
		return err
	}
	review, err := rv.review(ctx, in, dir)
	if err != nil {
		return err
	}
	files, err := dir.Files()
	if err != nil {
		return err
	}
	env, err := openEnv(cmd, in, files, lint.History(files, review))
	if err != nil {
		return err
	}
	defer closeEnv(cmd, env)
	r, err := lint.Run(ctx, lint.Options{Sources: sources, Dir: dir, Files: files, Env: env, Review: review,
		Docs: &lint.Docs{ERD: schemadoc.ERDPath, Audit: schemadoc.AuditPath}, DiffPolicy: in.policy()})
	if err != nil && r != nil {
		// The schema did not load: report what was checked without it, then
		// the error (exit 2).
		if rerr := render(cmd, format, "schemactl migrate lint", r); rerr != nil && !errors.Is(rerr, errSilent) {
			return rerr
		}
		return err
	}
	if err != nil {
		return err
	}
	return render(cmd, format, "schemactl migrate lint", r)
}

// checkFormat validates --format for the commands that print a report.
func checkFormat(format string) error {
	if !slices.Contains(report.Formats, format) {
		return usageError{fmt.Errorf("--format %q: want one of %s", format, strings.Join(report.Formats, ", "))}
	}
	return nil
}

// render prints a report; errors (never warnings) make the exit status 1.
func render(cmd *cobra.Command, format, title string, r *report.Report) error {
	out := cmd.OutOrStdout()
	if err := report.Render(out, format, r, report.Options{Color: colorful(out), Title: title}); err != nil {
		return err
	}
	if r.Errors() > 0 {
		return errSilent
	}
	return nil
}

// colorful: colour only on a terminal, and never with NO_COLOR set.
func colorful(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}
