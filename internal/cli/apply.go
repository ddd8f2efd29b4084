package cli

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/template"
	"time"

	"ariga.io/atlas/sql/migrate"
	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/apply"
	"github.com/ledgerforge/schemactl/internal/cmdlog"
	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/dsn"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/progress"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

// targetFlags are the flags of commands that work on a live database.
type targetFlags struct {
	url             string
	revisionsSchema string
}

func addTargetFlags(cmd *cobra.Command, t *targetFlags) {
	cmd.Flags().StringVarP(&t.url, "url", "u", "", "the target database URL")
	cmd.Flags().StringVar(&t.revisionsSchema, "revisions-schema", "", "schema of the atlas_schema_revisions table (default: the URL's search_path, else atlas_schema_revisions)")
}

// urlFor is the target: --url, else the env block's url.
func (t targetFlags) urlFor(in inputs) string {
	if t.url != "" {
		return t.url
	}
	return in.url
}

// target checks --url and connects, returning the revisions schema. A URL
// with no database name, or one that is the dev database, is refused: both
// are too easy to get wrong.
func target(cmd *cobra.Command, in inputs, t targetFlags) (*pgdb.Conn, string, error) {
	u := t.urlFor(in)
	if u == "" {
		return nil, "", usageError{fmt.Errorf("--url: the target database is required")}
	}
	name := "--url" // or the env block's line, when the URL comes from there
	if t.url == "" {
		name = in.named("url")
	}
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		return nil, "", usageError{fmt.Errorf("%s %s: %s", name, dsn.Redact(u), dsn.Redact(err.Error()))}
	}
	if cfg.Database == "" {
		return nil, "", usageError{fmt.Errorf("%s %s: no database name: name the database to migrate", name, dsn.Redact(u))}
	}
	if same(u, in.devURL) {
		return nil, "", usageError{fmt.Errorf("%s %s is the dev database, which schemactl wipes: point it at the target", name, dsn.Redact(u))}
	}
	conn, err := pgdb.Connect(cmd.Context(), u)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	schema := t.revisionsSchema
	if schema == "" {
		schema = in.revisionsSchema // the env's migration { revisions_schema }
	}
	if schema == "" {
		schema = boundSchema(u)
	}
	if schema == "" {
		schema = revisions.DefaultSchema
	}
	return conn, schema, nil
}

// boundSchema is the one schema a URL's search_path binds it to, or "".
func boundSchema(u string) string {
	if p, err := url.Parse(u); err == nil {
		if sp := p.Query().Get("search_path"); sp != "" && !strings.Contains(sp, ",") {
			return sp
		}
	}
	return ""
}

// same reports whether two URLs name one database.
func same(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	ca, err1 := pgx.ParseConfig(a)
	cb, err2 := pgx.ParseConfig(b)
	return err1 == nil && err2 == nil && ca.Host == cb.Host && ca.Port == cb.Port && ca.Database == cb.Database
}

func newApplyCmd(g *globals) *cobra.Command {
	var (
		flags inputs
		t     targetFlags
		o     apply.Options
	)
	cmd := &cobra.Command{
		Use:   "apply [flags] [N]",
		Short: "Apply pending migration files to the target database",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			if len(args) == 1 {
				if o.N, err = strconv.Atoi(args[0]); err != nil || o.N < 1 {
					return usageError{fmt.Errorf("argument %q: want N, a positive number of files", args[0])}
				}
			}
			switch o.TxMode {
			case apply.TxFile, apply.TxAll, apply.TxNone:
			default:
				return usageError{fmt.Errorf("--tx-mode %q: want file, all or none", o.TxMode)}
			}
			dir, err := in.openDir()
			if err != nil {
				return err
			}
			// The env's migration block gives the defaults, as Atlas's
			// setMigrateEnvFlags.
			if !cmd.Flags().Changed("baseline") && in.baseline != "" {
				o.Baseline = in.baseline
			}
			if !cmd.Flags().Changed("lock-timeout") && in.lockTimeout != 0 {
				o.LockTimeout = in.lockTimeout
			}
			conn, schema, err := target(cmd, in, t)
			if err != nil {
				return err
			}
			defer conn.Close()
			o.Dir, o.RevisionsSchema = dir, schema
			return runApply(cmd, conn, o)
		},
	}
	addDirFlag(cmd, &flags)
	addDevFlag(cmd, &flags)
	addTargetFlags(cmd, &t)
	cmd.Flags().StringVar(&o.TxMode, "tx-mode", apply.TxFile, "transaction mode: file, all or none")
	cmd.Flags().DurationVar(&o.LockTimeout, "lock-timeout", 10*time.Second, "how long to wait for another apply to finish")
	cmd.Flags().StringVar(&o.Baseline, "baseline", "", "adopt an existing database: record VERSION as applied, apply what follows")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "print the statements that would run; change nothing")
	return cmd
}

func runApply(cmd *cobra.Command, conn *pgdb.Conn, o apply.Options) error {
	out := cmd.OutOrStdout()
	start := time.Now()
	var applying progress.Task
	o.OnFile = func(f migrate.File, i, n int) {
		if applying == nil {
			applying = progress.Start(cmd.Context(), "applying migration files", n)
		}
		applying.Step(i+1, f.Name())
	}
	res, err := apply.Run(cmd.Context(), conn, o)
	if applying != nil {
		applying.End()
	}
	if err != nil {
		// Files committed before the failure stay applied: say which.
		if res != nil {
			for _, f := range res.Pending[:res.Applied] {
				fmt.Fprintf(out, "Applied %s\n", f.Name())
			}
		}
		return err
	}
	if len(res.Pending) == 0 {
		fmt.Fprintln(out, "No migration files to execute")
		return nil
	}
	if o.DryRun {
		for _, f := range res.Pending {
			fmt.Fprintf(out, "-- %s\n%s", f.Name(), strings.TrimRight(runs(f), "\n")+"\n")
		}
		fmt.Fprintf(out, "Dry run: %d file(s) would be applied; nothing was changed\n", len(res.Pending))
		return nil
	}
	for _, f := range res.Pending[:res.Applied] {
		fmt.Fprintf(out, "Applied %s\n", f.Name())
	}
	// A Flyway repeatable file has no version: name the last one that has.
	version := ""
	for _, f := range res.Pending[:res.Applied] {
		if v := f.Version(); v != "" {
			version = v
		}
	}
	fmt.Fprintf(out, "Migrated to version %s: %d file(s) in %s\n", version, res.Applied, time.Since(start).Round(time.Millisecond))
	return nil
}

// runs is what of a file runs: all of it, or a goose or dbmate file's up
// statements.
func runs(f migrate.File) string {
	if dirformat.Whole(f) {
		return string(f.Bytes())
	}
	stmts, err := f.Stmts()
	if err != nil {
		return err.Error()
	}
	return strings.Join(stmts, "\n")
}

func newStatusCmd(g *globals) *cobra.Command {
	var (
		flags  inputs
		t      targetFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "status [flags]",
		Short: "Show the target database's version, pending files and last error",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			var tmpl *template.Template
			switch {
			case cmdlog.IsTemplate(format):
				if tmpl, err = cmdlog.Parse(format, cmdlog.StatusFuncs(colorful(cmd.OutOrStdout()))); err != nil {
					return usageError{err}
				}
			case format != "text" && format != "json":
				return usageError{fmt.Errorf("--format %q: want text, json or a Go template such as '{{ json . }}'", format)}
			}
			dir, err := in.openDir()
			if err != nil {
				return err
			}
			conn, schema, err := target(cmd, in, t)
			if err != nil {
				return err
			}
			defer conn.Close()
			st, err := apply.ReadStatus(cmd.Context(), conn, dir, schema)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if tmpl != nil {
				files, err := dir.Files()
				if err != nil {
					return err
				}
				if err := cmdlog.Execute(out, tmpl, cmdlog.NewStatus(st, dir.Path(), files)); err != nil {
					return usageError{err}
				}
				return nil
			}
			if format == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			current := st.Current
			if current == "" {
				current = "none (no migration applied)"
			}
			fmt.Fprintf(out, "Current version: %s\nPending files:   %d\n", current, len(st.Pending))
			for _, p := range st.Pending {
				fmt.Fprintf(out, "  %s\n", p)
			}
			if st.LastError != "" {
				fmt.Fprintf(out, "Last error:      %s\n  statement: %s\n", st.LastError, st.ErrorStmt)
			}
			if st.Note != "" {
				fmt.Fprintf(out, "Note: %s\n", st.Note)
			}
			return nil
		},
	}
	addDirFlag(cmd, &flags)
	addDevFlag(cmd, &flags)
	addTargetFlags(cmd, &t)
	cmd.Flags().StringVar(&format, "format", "text", "text, json, or a Go template such as '{{ json . }}' (Atlas's report fields)")
	return cmd
}

func isTerminal(w any) bool {
	f, ok := unguarded(w).(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
