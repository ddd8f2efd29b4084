package cli

import (
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/diffplan"
	"github.com/ledgerforge/schemactl/internal/migdir"
)

func newDiffCmd(g *globals) *cobra.Command {
	var (
		flags   inputs
		check   bool
		renames []string
	)
	cmd := &cobra.Command{
		Use:   "diff [flags] [name]",
		Short: "Write a new migration that takes the directory to the Ent schemas",
		Long: `Replays the migration directory on a dev database, loads the Ent schemas,
and writes the difference as <version>_<name>.sql plus an updated atlas.sum.
Writes nothing, and says so, when both are in sync.

A column, table, enum type or enum value that looks renamed (dropped and
created alike) is asked about on a terminal; otherwise a warning names the
--rename flag (a schemactl extension) that plans it as a rename.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rs, err := parseRenames(renames)
			if err != nil {
				return err
			}
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			name := ""
			if len(args) == 1 {
				// A file name with blanks is not Atlas's <version>_<name>.sql.
				name = migdir.SafeName(args[0])
			}
			return runDiff(cmd, in, name, check, rs)
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "write nothing; print the planned files and exit 1 when the directory is not in sync (schemactl extension)")
	addRenameFlag(cmd, &renames)
	addDirFlag(cmd, &flags)
	addToFlag(cmd, &flags)
	addDevFlag(cmd, &flags)
	addCacheFlag(cmd, &flags)
	return cmd
}

func runDiff(cmd *cobra.Command, in inputs, name string, check bool, renames []diffplan.Rename) error {
	ctx := cmd.Context()
	sources, err := in.sources()
	if err != nil {
		return err
	}
	dir, err := in.openDir()
	if err != nil {
		return err
	}
	old, err := dir.Files()
	if err != nil {
		return err
	}
	if err := refuseBroken(dir, old, " (Atlas refuses to plan on such a directory)"); err != nil {
		return err
	}
	env, err := openEnv(cmd, in, old, old)
	if err != nil {
		return err
	}
	defer closeEnv(cmd, env)
	st, err := env.Load(ctx, sources, old)
	if err != nil {
		return err
	}
	defer st.Close()
	warnUnusedDiffs(cmd, in)
	pol, err := decideRenames(cmd, in.policy(), renames, st.Current, st.Desired, check)
	if err != nil {
		return err
	}
	planned, err := diffplan.PlanFormat(ctx, st.Conn.Driver, env.Dev, st.Current, st.Desired, name, st.Files, time.Now(), dir.Format(), pol)
	if err != nil {
		return err
	}
	files, skipped := planned.Files, planned.Skipped
	st.Close() // planned: Verify may now clone the database it read
	out := cmd.OutOrStdout()
	// Atlas says nothing of what its policy skipped; a change left out
	// silently would look like a bug.
	for _, s := range skipped {
		fmt.Fprintf(out, "Skipped %s of %s (diff policy at %s)\n", s.Kind, s.Object, in.diff.At)
	}
	if len(files) == 0 {
		fmt.Fprintln(out, "The migration directory is synced with the desired state, no changes to be made")
		return nil
	}
	if check {
		for _, f := range files {
			fmt.Fprintf(out, "-- %s --\n%s", f.Name, f.Data)
		}
		return &FindingsError{fmt.Errorf("%s is not in sync with %s: run `schemactl migrate diff NAME` and commit the result", in.dir, in.toNames())}
	}
	all, err := dir.FilesWith(files)
	if err != nil {
		return err
	}
	if err := env.Verify(ctx, all); err != nil {
		if len(skipped) > 0 {
			// Most likely a change the policy left out is one the rest
			// needs (a schema for a new table, a column for a new key).
			return fmt.Errorf("the planned migration does not apply without the changes atlas.hcl's diff policy skips (%s), nothing was written: %w", diffplan.List(skipped), err)
		}
		return fmt.Errorf("the planned migration does not apply, nothing was written (please report this): %w", err)
	}
	if len(planned.Downs) > 0 {
		// The down migrations, newest first, must take the database back.
		for _, d := range slices.Backward(planned.Downs) {
			all = append(all, migrate.NewLocalFile(d.Name, d.Data))
		}
		if err := env.Verify(ctx, all); err != nil {
			return fmt.Errorf("the planned down migration does not apply, nothing was written (please report this): %w", err)
		}
	}
	if err := dir.WriteFiles(files); err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintf(out, "Wrote %s\n", filepath.Join(dir.Path(), f.Name))
	}
	return nil
}

func newHashCmd(g *globals) *cobra.Command {
	var flags inputs
	cmd := &cobra.Command{
		Use:   "hash [flags]",
		Short: "Rewrite atlas.sum from the migration files",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			dir, err := in.openDir()
			if err != nil {
				return err
			}
			return dir.Hash()
		},
	}
	addDirFlag(cmd, &flags)
	return cmd
}

func newValidateCmd(g *globals) *cobra.Command {
	var flags inputs
	cmd := &cobra.Command{
		Use:   "validate [flags]",
		Short: "Check atlas.sum and replay the directory on a dev database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			return runValidate(cmd, in)
		},
	}
	addDirFlag(cmd, &flags)
	addDevFlag(cmd, &flags)
	addCacheFlag(cmd, &flags)
	return cmd
}

func runValidate(cmd *cobra.Command, in inputs) error {
	ctx := cmd.Context()
	dir, err := in.openDir()
	if err != nil {
		return err
	}
	files, err := dir.Files()
	if err != nil {
		return err
	}
	fileProblems, err := dir.CheckFiles(files)
	if err != nil {
		return err
	}
	problems, err := dir.CheckSumOf(files)
	if err != nil {
		return err
	}
	if len(fileProblems)+len(problems) > 0 {
		for _, p := range fileProblems {
			fmt.Fprintln(cmd.ErrOrStderr(), p)
		}
		for _, p := range problems {
			fmt.Fprintln(cmd.ErrOrStderr(), p)
		}
		return errSilent
	}
	env, err := openEnv(cmd, in, files, files)
	if err != nil {
		return err
	}
	defer closeEnv(cmd, env)
	if err := env.Verify(ctx, files); err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s: atlas.sum matches %d files; all replay on the dev database\n", dir.Path(), len(files))
	return nil
}

// warnUnusedDiffs says that an env's diff block does not apply without
// --env (Atlas reads no project file then; schemactl its top-level blocks):
// a block written where Atlas's documentation puts it, inside the env, is
// otherwise silently ignored by `make diff`.
func warnUnusedDiffs(cmd *cobra.Command, in inputs) {
	for _, d := range in.unusedDiffs {
		fmt.Fprintf(cmd.ErrOrStderr(), "schemactl: warning: %s: the diff block of env %q applies only with --env %s; without it, the top-level diff block and the defaults do\n", d.At, d.Env, d.Env)
	}
}

// refuseBroken refuses to add to a directory whose atlas.sum does not
// match its files (a fresh atlas.sum would hide that), with sumNote after
// the problems, or whose names or order are already wrong (a new
// file's version must sort last).
func refuseBroken(dir *migdir.Dir, files []migrate.File, sumNote string) error {
	if problems, err := dir.CheckSumOf(files); err != nil {
		return err
	} else if len(problems) > 0 {
		return &FindingsError{fmt.Errorf("%s%s%s", problems[0], andMore(len(problems)), sumNote)}
	}
	if problems, err := dir.CheckFiles(files); err != nil {
		return err
	} else if len(problems) > 0 {
		return &FindingsError{fmt.Errorf("%s%s", problems[0], andMore(len(problems)))}
	}
	return nil
}

// policy is the diff block that applies, as diffplan takes it.
func (in inputs) policy() diffplan.Policy {
	s := in.diff.Safe()
	return diffplan.Policy{Skip: in.diff.Skip, ConcurrentAdd: s.ConcurrentAdd, ConcurrentDrop: s.ConcurrentDrop,
		NotValid: s.NotValid, NotNull: s.NotNull, EnumGuard: s.EnumGuard, LockTimeout: s.LockTimeout}
}

// andMore says how many problems an error line leaves out.
func andMore(n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(" (and %d more: run `schemactl migrate validate`)", n-1)
}

func addDirFlag(cmd *cobra.Command, flags *inputs) {
	cmd.Flags().StringVar(&flags.dir, "dir", "", "the migration directory (default "+defaultDir+")")
}

func addToFlag(cmd *cobra.Command, flags *inputs) {
	cmd.Flags().StringSliceVar(&flags.to, "to", nil, "the desired state (default "+defaultTo+"); repeat it, or separate URLs with commas, to compose several schema packages")
}

func addDevFlag(cmd *cobra.Command, flags *inputs) {
	cmd.Flags().StringVar(&flags.devURL, "dev-url", "", "a clean PostgreSQL database to work in (default: the embedded dev database)")
}

func addCacheFlag(cmd *cobra.Command, flags *inputs) {
	cmd.Flags().BoolVar(&flags.noCache, "no-cache", false, "neither read nor write the replay cache (schemactl extension)")
}
