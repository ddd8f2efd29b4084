package cli

import (
	"fmt"
	"os"
	"strings"

	"ariga.io/atlas/sql/schema"
	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/desired"
	"github.com/ledgerforge/schemactl/internal/drift"
	"github.com/ledgerforge/schemactl/internal/dsn"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/report"
	"github.com/ledgerforge/schemactl/internal/revisions"
)

func newSchemaCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "schema", Short: "Inspect live databases and find drift"}
	c.AddCommand(newDriftCmd(g), newInspectCmd(g), newAuditCmd(g), newERDCmd(g))
	return c
}

// liveSchema is the target's schema: the URL's search_path, else public.
func liveSchema(u string) string {
	if s := boundSchema(u); s != "" {
		return s
	}
	return pgdb.Schema
}

// inspectLive reads the live database's schema, without the revisions
// table when it lives there.
func inspectLive(cmd *cobra.Command, conn *pgdb.Conn, u, revSchema string, patterns []string) (*schema.Schema, error) {
	name := liveSchema(u)
	exclude := patterns // atlas.hcl's, as Atlas's schema inspect applies them
	if revSchema == name {
		exclude = append([]string{revisions.Table}, exclude...)
	}
	live, err := conn.Driver.InspectSchema(cmd.Context(), name, &schema.InspectOptions{Exclude: exclude})
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", dsn.Redact(u), err)
	}
	return live, nil
}

func newDriftCmd(g *globals) *cobra.Command {
	var (
		flags  inputs
		t      targetFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "drift [flags]",
		Short: "Find changes made to a live database outside its migrations",
		Long: `Replays the migration files the target recorded as applied on a dev
database and compares the target with it. Exit status: 0 no drift, 1 drift,
2 could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			dir, err := in.openDir()
			if err != nil {
				return err
			}
			conn, revSchema, err := target(cmd, in, t)
			if err != nil {
				return err
			}
			defer conn.Close()
			files, err := dir.Files()
			if err != nil {
				return err
			}
			env, err := openEnv(cmd, in, files)
			if err != nil {
				return err
			}
			defer closeEnv(cmd, env)
			u := t.urlFor(in)
			sources, err := in.sources()
			if err != nil {
				return err
			}
			for i, s := range sources {
				if s.Kind != desired.Ent {
					continue
				}
				if fi, err := os.Stat(s.Path); err != nil || !fi.IsDir() {
					if len(flags.to) > 0 || in.from["src"] != "" {
						return usageError{fmt.Errorf("%s: no such schema package", in.namedValue("src", in.to[i]))}
					}
					sources = nil // no Ent schemas here: compare with the migrations only
					break
				}
			}
			r, err := drift.Run(cmd.Context(), drift.Options{Target: conn, Schema: liveSchema(u), RevisionsSchema: revSchema, Dir: dir, Files: files, Env: env, Sources: sources, Exclude: in.exclude})
			if err != nil {
				return err
			}
			return render(cmd, format, "schemactl schema drift", r)
		},
	}
	addDirFlag(cmd, &flags)
	addToFlag(cmd, &flags)
	addDevFlag(cmd, &flags)
	addCacheFlag(cmd, &flags)
	addTargetFlags(cmd, &t)
	cmd.Flags().StringVar(&format, "format", "text", "report format: "+strings.Join(report.Formats, ", "))
	return cmd
}

func newInspectCmd(g *globals) *cobra.Command {
	var (
		flags inputs
		t     targetFlags
	)
	cmd := &cobra.Command{
		Use:   "inspect [flags]",
		Short: "Print the live database's schema as SQL",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			conn, revSchema, err := target(cmd, in, t)
			if err != nil {
				return err
			}
			defer conn.Close()
			u := t.urlFor(in)
			live, err := inspectLive(cmd, conn, u, revSchema, in.exclude)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			changes, err := conn.Driver.SchemaDiff(schema.New(live.Name), live)
			if err != nil {
				return fmt.Errorf("inspect: %w", err)
			}
			plan, err := conn.Driver.PlanChanges(ctx, "inspect", changes, pgdb.PlanOptions()...)
			if err != nil {
				return fmt.Errorf("inspect: %w", err)
			}
			out := cmd.OutOrStdout()
			if len(plan.Changes) == 0 {
				// Atlas prints nothing here; a blank answer reads as a
				// failure or a wrong URL, so say what was found, as SQL.
				fmt.Fprintf(out, "-- Schema %q is empty: no tables, no enum types\n", live.Name)
				return nil
			}
			for _, c := range plan.Changes {
				if c.Comment != "" {
					fmt.Fprintf(out, "-- %s\n", strings.ToUpper(c.Comment[:1])+c.Comment[1:])
				}
				fmt.Fprintf(out, "%s;\n", c.Cmd)
			}
			return nil
		},
	}
	addTargetFlags(cmd, &t)
	return cmd
}
