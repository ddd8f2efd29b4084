package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/atomicfile"
	"github.com/ledgerforge/schemactl/internal/desired"
	"github.com/ledgerforge/schemactl/internal/dsn"
	"github.com/ledgerforge/schemactl/internal/schemadoc"
)

func newAuditCmd(g *globals) *cobra.Command {
	var (
		flags inputs
		t     targetFlags
		out   string
	)
	cmd := &cobra.Command{
		Use:   "audit [flags]",
		Short: "Write a Markdown report of every Ent model against the database",
		Long: `For each Ent model: its table, columns, enum types, foreign keys, indexes,
unique and CHECK constraints, each in sync or with the gate's finding, and
summary counts. The database is the one the migrations build on the dev
database, or a live one with --url. docs/schema-audit.md is this report,
committed; the gate reports it when it no longer matches.

Exit status: 0 all in sync, 1 findings, 2 could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			doc, findings, err := audit(cmd, in, t)
			if err != nil {
				return err
			}
			if err := emit(cmd, out, doc); err != nil {
				return err
			}
			if findings > 0 {
				return errSilent
			}
			return nil
		},
	}
	addDirFlag(cmd, &flags)
	addToFlag(cmd, &flags)
	addDevFlag(cmd, &flags)
	addCacheFlag(cmd, &flags)
	cmd.Flags().StringVarP(&t.url, "url", "u", "", "audit this live database instead of the one the migrations build")
	cmd.Flags().StringVarP(&out, "out", "o", "", "write the report to this file (atomically) instead of stdout")
	return cmd
}

// audit opens what --dir, --to, --dev-url and --url name; the audit itself
// is schemadoc's.
func audit(cmd *cobra.Command, in inputs, t targetFlags) ([]byte, int, error) {
	sources, err := in.sources()
	if err != nil {
		return nil, 0, err
	}
	dir, err := in.openDir()
	if err != nil {
		return nil, 0, err
	}
	files, err := dir.Files()
	if err != nil {
		return nil, 0, err
	}
	env, err := openEnv(cmd, in, files)
	if err != nil {
		return nil, 0, err
	}
	defer closeEnv(cmd, env)
	o := schemadoc.AuditOptions{Sources: sources, Env: env, Dir: dir, Files: files}
	if t.url != "" {
		conn, revSchema, err := target(cmd, in, t)
		if err != nil {
			return nil, 0, err
		}
		defer conn.Close()
		o.Target, o.Schema, o.RevisionsSchema, o.TargetName = conn, liveSchema(t.url), revSchema, "the database at "+dsn.Redact(t.url)
		o.Exclude = in.exclude
	}
	a, err := schemadoc.RunAudit(cmd.Context(), o)
	if err != nil {
		return nil, 0, err
	}
	return a.Doc, len(a.Result.Findings), nil
}

func newERDCmd(g *globals) *cobra.Command {
	var (
		flags inputs
		out   string
	)
	cmd := &cobra.Command{
		Use:   "erd [flags]",
		Short: "Write the Ent schemas as a Mermaid ER diagram in Markdown",
		Long: `Renders the tables (key columns, and enum columns with their type) and
the relationships, with their cardinality, as a Mermaid erDiagram, which
GitHub draws. docs/schema.md is this document, committed; the gate reports it
when it no longer matches.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			sources, err := in.sources()
			if err != nil {
				return err
			}
			env, err := openEnv(cmd, in, nil)
			if err != nil {
				return err
			}
			defer closeEnv(cmd, env)
			want, _, err := env.Desired(cmd.Context(), sources...)
			if err != nil {
				return err
			}
			return emit(cmd, out, schemadoc.ERD(want, desired.Title(sources)))
		},
	}
	addToFlag(cmd, &flags)
	addDevFlag(cmd, &flags)
	addCacheFlag(cmd, &flags)
	cmd.Flags().StringVarP(&out, "out", "o", "", "write the document to this file (atomically) instead of stdout")
	return cmd
}

// emit writes doc to stdout, or replaces the file out atomically, so that
// a failure never leaves half a document.
func emit(cmd *cobra.Command, out string, doc []byte) error {
	if out == "" {
		_, err := cmd.OutOrStdout().Write(doc)
		return err
	}
	if err := atomicfile.Write(out, doc, 0o644); err != nil {
		return fmt.Errorf("--out %s: %w", out, err)
	}
	return nil
}
