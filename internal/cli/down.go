package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/revert"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

func newDownCmd(g *globals) *cobra.Command {
	var (
		flags  inputs
		t      targetFlags
		o      revert.Options
		format string
	)
	cmd := &cobra.Command{
		Use:   "down [flags] [N]",
		Short: "Revert the last N applied migration files (default 1), computed from the directory",
		Long: `Takes the target database back to an earlier version: the last N applied
files (default 1), or those after --to-version. The way back is computed:
the directory replayed up to that version on the dev database is the
target, and the plan is the difference between the live database and it.
Before anything changes it checks the rows: a table dropped must be empty,
a column dropped all NULL, an enum value removed unused (--force goes past
the first two, losing the rows); a unique index, CHECK or foreign key added
back must hold. Files that changed rows (INSERT, UPDATE, DELETE), or what
the down does not revert (GRANT, CREATE POLICY, sequences...), are refused
too without --force: the down puts back neither the rows nor those.
It runs in one transaction under apply's advisory lock and removes the
reverted files' revisions, so migrate status (ours and Atlas's) shows them
pending. Exit status: 0 reverted (or nothing to revert), 1 refused for what
the database holds (drift, rows, data changes), 2 could not run.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("--format %q: want text or json", format)}
			}
			if len(args) == 1 {
				if o.ToVersion != "" {
					return usageError{fmt.Errorf("argument %q: give N or --to-version, not both", args[0])}
				}
				n, err := strconv.Atoi(args[0])
				if err != nil || n < 1 {
					return usageError{fmt.Errorf("argument %q: want N, a positive number of files", args[0])}
				}
				o.N = n
			}
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("lock-timeout") && in.lockTimeout != 0 {
				o.LockTimeout = in.lockTimeout
			}
			dir, err := in.openDir()
			if err != nil {
				return err
			}
			files, err := dir.Files()
			if err != nil {
				return err
			}
			conn, revSchema, err := target(cmd, in, t)
			if err != nil {
				return err
			}
			defer conn.Close()
			env, err := openEnv(cmd, in, files, files)
			if err != nil {
				return err
			}
			defer closeEnv(cmd, env)
			u := t.urlFor(in)
			o.Target, o.URL, o.Bound, o.RevisionsSchema = conn, u, boundSchema(u), revSchema
			o.Dir, o.Files, o.Env, o.Exclude = dir, files, env, in.exclude
			start := time.Now()
			p, err := revert.Run(cmd.Context(), o)
			out := cmd.OutOrStdout()
			switch {
			case errors.Is(err, revert.ErrNothing):
				if format == "json" {
					return writeJSON(out, &revert.Plan{Files: []revert.File{}, Checks: []revert.Check{}, DataChanges: []revert.DataChange{}, NotReverted: []revert.DataChange{}, Statements: []revert.Statement{}, DryRun: o.DryRun})
				}
				fmt.Fprintln(out, "No migration files to revert")
				if note := foreignNote(cmd, conn, revSchema); note != "" {
					fmt.Fprintf(out, "Note: %s\n", note)
				}
				return nil
			case p == nil && revert.IsRefused(err): // drift
				return &FindingsError{err}
			case p == nil:
				return err
			}
			if format == "json" {
				if jerr := writeJSON(out, p); jerr != nil {
					return jerr
				}
			} else {
				printDown(out, p, time.Since(start), revert.IsRefused(err))
			}
			if revert.IsRefused(err) {
				return &FindingsError{err}
			}
			return err
		},
	}
	addDirFlag(cmd, &flags)
	addDevFlag(cmd, &flags)
	addCacheFlag(cmd, &flags)
	addTargetFlags(cmd, &t)
	cmd.Flags().StringVar(&o.ToVersion, "to-version", "", "revert the files applied after this version")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "print the checks and statements, run the checks; change nothing")
	cmd.Flags().BoolVar(&o.Force, "force", false, "revert even if rows are lost: tables and columns that hold data are dropped, values converted; data changes and what the down does not revert stay")
	cmd.Flags().DurationVar(&o.LockTimeout, "lock-timeout", 10*time.Second, "how long to wait for another apply or down, and for the tables' locks")
	cmd.Flags().StringVar(&format, "format", "text", "text or json (the plan, the checks and what was done)")
	return cmd
}

// foreignNote explains an empty history: the database records another
// tool's (golang-migrate's schema_migrations...), which is not read.
func foreignNote(cmd *cobra.Command, conn *pgdb.Conn, revSchema string) string {
	revs, err := revisions.New(conn.DB, revSchema).ReadRevisions(cmd.Context())
	if err != nil || len(revs) > 0 {
		return ""
	}
	f, err := revisions.FindForeign(cmd.Context(), conn.DB)
	if err != nil || f == nil {
		return ""
	}
	return f.Note()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printDown prints the plan: the files, the checks, the data changes the
// down leaves, the statements, and what was done. A refused dry run ends
// as a refused run does, with the Error line alone: a real run would not
// revert the files.
func printDown(w io.Writer, p *revert.Plan, took time.Duration, refused bool) {
	to := p.To
	if to == "" {
		to = "none (no migration applied)"
	}
	fmt.Fprintf(w, "Reverting %d file(s), from version %s to version %s:\n", len(p.Files), p.From, to)
	for i := len(p.Files) - 1; i >= 0; i-- {
		f := p.Files[i]
		note := ""
		if f.Applied < f.Total {
			note = fmt.Sprintf(" (applied partially: %d of %d statements)", f.Applied, f.Total)
		}
		fmt.Fprintf(w, "  %s%s\n", f.Name, note)
	}
	if len(p.Checks) > 0 {
		fmt.Fprintln(w, "Checks:")
		for _, c := range p.Checks {
			if p.Reverted && c.Failed() { // --force went past it
				fmt.Fprintf(w, "  %s\n", c.Forced())
			} else {
				fmt.Fprintf(w, "  %s\n", c)
			}
			fmt.Fprintf(w, "    %s\n", c.SQL)
		}
	}
	if len(p.DataChanges) > 0 {
		fmt.Fprintln(w, "Data changes (not reversed):")
		for _, d := range p.DataChanges {
			fmt.Fprintf(w, "  %s\n", d)
		}
	}
	if len(p.NotReverted) > 0 {
		fmt.Fprintln(w, "Not reverted (the down reverts what schemactl inspects):")
		for _, d := range p.NotReverted {
			fmt.Fprintf(w, "  %s\n", revert.NotRevertedText(d))
		}
	}
	fmt.Fprintln(w, "Statements:")
	if len(p.Statements) == 0 {
		fmt.Fprintln(w, "  (none: the files changed nothing the down reverts)")
	}
	for _, s := range p.Statements {
		if s.Comment != "" {
			fmt.Fprintf(w, "  -- %s\n", s.Comment)
		}
		fmt.Fprintf(w, "  %s;\n", strings.ReplaceAll(s.SQL, "\n", "\n  "))
	}
	switch {
	case p.DryRun && !refused:
		fmt.Fprintf(w, "Dry run: %d file(s) would be reverted; nothing was changed\n", len(p.Files))
	case p.Reverted:
		fmt.Fprintf(w, "Reverted %d file(s) to version %s in %s\n", len(p.Files), to, took.Round(time.Millisecond))
	}
}
