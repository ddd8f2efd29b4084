package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"text/template"

	"ariga.io/atlas/sql/migrate"
	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/cmdlog"
	"github.com/ledgerforge/schemactl/internal/desired"
	"github.com/ledgerforge/schemactl/internal/lint"
	"github.com/ledgerforge/schemactl/internal/report"
	"github.com/ledgerforge/schemactl/internal/schemadoc"
)

func newLintCmd(g *globals) *cobra.Command {
	var (
		flags   inputs
		format  string
		rv      reviewFlags
		verbose bool
	)
	cmd := &cobra.Command{
		Use:   "lint [flags]",
		Short: "The gate: fail when the migrations and the Ent schemas disagree",
		Long: `Checks that atlas.sum matches the files, that every file replays on a clean
dev database, that the replayed database is exactly what the Ent schemas
declare (tables, columns, enum types, foreign keys, indexes, constraints, in
both directions), and that the generated Ent code is fresh. With no
desired state (no --to, no src, no ent/schema directory) it checks the
directory alone: integrity, replay and the review.

Exit status: 0 clean (warnings only), 1 errors, 2 the gate could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := lintOutput{format: format, verbose: verbose}
			if cmdlog.IsTemplate(format) {
				t, err := cmdlog.Parse(format, cmdlog.LintFuncs(colorful(cmd.OutOrStdout())))
				if err != nil {
					return usageError{err}
				}
				out.template = t
			} else if err := checkFormat(format); err != nil {
				return err
			}
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			return runLint(cmd, in, out, rv)
		},
	}
	addDirFlag(cmd, &flags)
	addToFlag(cmd, &flags)
	addDevFlag(cmd, &flags)
	addCacheFlag(cmd, &flags)
	cmd.Flags().StringVar(&format, "format", "text", "report format: "+strings.Join(report.Formats, ", ")+", or a Go template such as '{{ json . }}'")
	cmd.Flags().BoolVar(&verbose, "verbose", false, "text: list every warning of the review instead of counting them per file")
	cmd.Flags().StringVar(&rv.gitBase, "git-base", "", "review the migration files added since this git ref (a pull request's base branch); default: atlas.hcl's lint { git { base } }, skipped with a note when this clone lacks that ref")
	cmd.Flags().StringVar(&rv.gitDir, "git-dir", "", "the git work tree --git-base reads (default: the one holding the migration directory)")
	cmd.Flags().IntVar(&rv.latest, "latest", 0, "review the last N migration files")
	return cmd
}

// lintOutput is how the report is printed.
type lintOutput struct {
	format   string             // a format name
	template *template.Template // or a Go template (--format '{{ json . }}')
	verbose  bool
}

func runLint(cmd *cobra.Command, in inputs, out lintOutput, rv reviewFlags) error {
	ctx := cmd.Context()
	sources, err := in.sources()
	if err != nil {
		return err
	}
	if noDesiredState(in, sources) {
		sources = nil
	}
	dir, err := in.openDir()
	if err != nil {
		return err
	}
	review, reviewNote, err := rv.review(ctx, in, dir)
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
	var docs *lint.Docs
	if sources != nil {
		docs = &lint.Docs{ERD: schemadoc.ERDPath, Audit: schemadoc.AuditPath}
	}
	r, err := lint.Run(ctx, lint.Options{Sources: sources, Dir: dir, Files: files, Env: env, Review: review, Docs: docs, DiffPolicy: in.policy()})
	if r != nil && reviewNote != "" {
		r.Notes = append(r.Notes, reviewNote)
	}
	show := func() error {
		if out.template == nil {
			return renderVerbose(cmd, out.format, "schemactl migrate lint", r, out.verbose)
		}
		var reviewed []migrate.File
		for _, f := range files {
			if review != nil && slices.Contains(review.Added, f.Name()) {
				reviewed = append(reviewed, f)
			}
		}
		if err := cmdlog.Execute(cmd.OutOrStdout(), out.template, cmdlog.NewLint(r, dir.Path(), files, reviewed)); err != nil {
			return usageError{err}
		}
		if r.Errors() > 0 {
			return errSilent
		}
		return nil
	}
	if err != nil && r != nil {
		// The schema did not load: report what was checked without it, then
		// the error (exit 2).
		if rerr := show(); rerr != nil && !errors.Is(rerr, errSilent) {
			return rerr
		}
		return err
	}
	if err != nil {
		return err
	}
	return show()
}

// noDesiredState: neither --to nor the env's src names a desired state, and
// the default one (ent/schema) does not exist. Atlas's migrate lint needs
// none; the gate then checks the directory alone.
func noDesiredState(in inputs, sources []desired.Source) bool {
	if in.toSet || len(sources) != 1 || sources[0].Kind != desired.Ent {
		return false
	}
	_, err := os.Stat(sources[0].Path)
	return errors.Is(err, fs.ErrNotExist)
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
	return renderVerbose(cmd, format, title, r, false)
}

func renderVerbose(cmd *cobra.Command, format, title string, r *report.Report, verbose bool) error {
	out := cmd.OutOrStdout()
	if err := report.Render(out, format, r, report.Options{Color: colorful(out), Title: title, Verbose: verbose}); err != nil {
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
