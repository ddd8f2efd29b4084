package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/initproj"
)

// newInitCmd is `schemactl init`, a schemactl extension (Atlas has no
// command that writes atlas.hcl for an Ent project).
func newInitCmd(g *globals) *cobra.Command {
	var o initproj.Options
	cmd := &cobra.Command{
		Use:   "init [flags]",
		Short: "Write atlas.hcl (and a CI workflow) for an existing Ent project (schemactl extension)",
		Long: `A schemactl extension. Run in the root of a Go module, it finds the Ent
schema package, its generated code, the migration directory and its format
(Atlas, golang-migrate, goose, Flyway, dbmate), and writes atlas.hcl: env
"local" and env "ci", a lint block with the base branch, and a schemactl
block that makes env "local" the default, so that ` + "`schemactl migrate lint`" + `
runs with no flags. An existing atlas.hcl is kept, byte for byte, and only
the blocks it lacks are appended. With --ci github it also writes
.github/workflows/schema.yml, the gate on every pull request.

Where it finds two schema packages or two migration directories, it names
them and asks for --schema or --dir (exit 2). Without a migration
directory it creates an empty one (<ent>/migrate/migrations, or --dir) and
says how to write the first migration or adopt a live database. It never
replaces a file without --force; on any error it writes nothing.`,
		Example: `  schemactl init
  schemactl init --ci github
  schemactl init --schema internal/ent/schema --dir file://db/migrations?format=golang-migrate`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if g.env != "" {
				return usageError{fmt.Errorf("--env %s: init writes the env blocks %q and %q; it takes no --env", g.env, initproj.LocalEnv, initproj.CIEnv)}
			}
			if o.CI != "" && o.CI != "github" {
				return usageError{fmt.Errorf("--ci %q: want github", o.CI)}
			}
			if _, err := os.Stat("go.mod"); errors.Is(err, fs.ErrNotExist) {
				return usageError{errors.New("init: no go.mod here: run schemactl init in the root of the Go module (the directory holding go.mod)")}
			}
			o.Config = strings.TrimPrefix(g.config, "file://")
			o.Vars = g.vars
			o.Version = moduleVersion()
			p, err := initproj.Build(o)
			if err != nil {
				return usageError{err}
			}
			out := cmd.OutOrStdout()
			printFound(out, p)
			if err := initproj.Write(p.Outputs); err != nil {
				return err
			}
			printWritten(out, p)
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&o.Schemas, "schema", nil, "the Ent schema package (a directory, or ent://DIR) when there are several; repeat it to compose several")
	cmd.Flags().StringVar(&o.Dir, "dir", "", "the migration directory (DIR, or file://DIR?format=F) when there are several, or the one to create")
	cmd.Flags().StringVar(&o.DevURL, "dev-url", "", "the dev database URL to write (default docker://postgres/<major>/dev?search_path=public, the server installed here)")
	cmd.Flags().StringVar(&o.Base, "git-base", "", "the branch pull requests merge into (default: origin/HEAD, else a local main or master)")
	cmd.Flags().StringVar(&o.CI, "ci", "", "also write a CI workflow: github (.github/workflows/schema.yml)")
	cmd.Flags().BoolVar(&o.Force, "force", false, "replace existing files (atlas.hcl, the workflow) instead of refusing or extending them")
	return cmd
}

// moduleVersion is schemactl's module version when it was built from a
// released module (`go install …@v1.2.0`, `go get -tool`), for the
// workflow's install step; "" for a development build.
func moduleVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	mods := append([]*debug.Module{&info.Main}, info.Deps...)
	for _, m := range mods {
		if m.Path == strings.TrimSuffix(initproj.ToolPath, "/cmd/schemactl") && m.Version != "" && m.Version != "(devel)" {
			return m.Version
		}
	}
	return ""
}

// printFound says what init found and chose.
func printFound(w io.Writer, p *initproj.Plan) {
	row := func(what, value string) { fmt.Fprintf(w, "  %-15s %s\n", what, value) }
	fmt.Fprintln(w, "Found:")
	if p.From != "" {
		row("settings", "read from "+p.From)
	}
	// What was chosen; when the file's envs left nothing to choose, what
	// was found.
	schemas := p.Schemas
	if len(schemas) == 0 {
		schemas = p.Layout.Schemas
	}
	for _, s := range schemas {
		row("Ent schema", s.Describe())
		if s.Generated != "" {
			row("generated code", s.Generated+" ("+s.Generate+")")
		}
	}
	switch {
	case p.Dir == nil:
		for _, d := range p.Layout.Dirs {
			row("migrations", d.Describe())
		}
	case p.NewDir:
		row("migrations", p.Dir.Dir+" (none found: created, "+p.Dir.Format.Article()+" directory)")
	default:
		d := p.Dir.Describe()
		if p.Dir.Evidence != "" {
			d += ": " + p.Dir.Evidence
		}
		row("migrations", d)
	}
	row("base branch", fmt.Sprintf("%s (%s)", p.Branch.Name, p.Branch.From))
	if p.Settings.Dev != "" {
		row("dev database", fmt.Sprintf("%s (%s)", p.Settings.Dev, p.Dev.Why))
	}
	if len(p.Layout.Nested) > 0 {
		row("not searched", strings.Join(p.Layout.Nested, ", ")+" (other Go modules)")
	}
}

// printWritten says what was written and kept, and what to run next.
func printWritten(w io.Writer, p *initproj.Plan) {
	if p.NewDir {
		fmt.Fprintf(w, "Created %s/atlas.sum (an empty migration directory)\n", p.Dir.Dir)
	}
	switch {
	case len(p.Added) == 0:
		fmt.Fprintf(w, "Kept %s: it already has what init writes (env %q, env %q, lint, %s); nothing written to it\n",
			p.Config, initproj.LocalEnv, initproj.CIEnv, "schemactl")
	case p.Replaced:
		fmt.Fprintf(w, "Wrote %s (replaced, --force): %s\n", p.Config, strings.Join(p.Added, ", "))
	case p.Existing != nil:
		fmt.Fprintf(w, "Wrote %s: appended %s\n", p.Config, strings.Join(p.Added, ", "))
	default:
		fmt.Fprintf(w, "Wrote %s: %s\n", p.Config, strings.Join(p.Added, ", "))
	}
	if ex := p.Existing; ex != nil && len(p.Added) > 0 {
		var kept []string
		for _, b := range ex.Envs {
			kept = append(kept, fmt.Sprintf("env %q (%s)", b.Name, b.At))
		}
		for _, b := range []*initproj.Block{ex.Dynamic, ex.Lint, ex.Default} {
			if b != nil {
				kept = append(kept, fmt.Sprintf("%s (%s)", b.Name, b.At))
			}
		}
		if len(kept) > 0 {
			fmt.Fprintf(w, "Kept as they were: %s\n", strings.Join(kept, ", "))
		}
	}
	if wf := p.Workflow; wf != nil {
		switch {
		case wf.Same:
			fmt.Fprintf(w, "Kept %s: it already is what init writes\n", wf.Path)
		case wf.Replaced:
			fmt.Fprintf(w, "Wrote %s (replaced, --force)\n", wf.Path)
		default:
			fmt.Fprintf(w, "Wrote %s\n", wf.Path)
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
	run := "schemactl"
	if p.Layout.Tool {
		run = "go tool schemactl"
	}
	// The commands run with no flags when the schemactl block makes env
	// "local" the default (init writes it so); else with --env local.
	flag, which := "", fmt.Sprintf("env %q, the default; the same as --env %s", initproj.LocalEnv, initproj.LocalEnv)
	if ex := p.Existing; ex != nil && ex.Default != nil && ex.DefaultEnv != initproj.LocalEnv {
		flag, which = " --env "+initproj.LocalEnv, fmt.Sprintf("env %q; %s at %s names another default", initproj.LocalEnv, ex.Default.Name, ex.Default.At)
	}
	if p.NewDir {
		fmt.Fprintf(w, `Next, the first migration, from the Ent schema:
  %[1]s migrate diff%[2]s initial
or, to adopt a live database that already holds the schema: write that
file, record it as applied there without running it, then check that the
database matches it:
  %[1]s migrate diff%[2]s initial
  %[1]s migrate apply%[2]s --url "$DATABASE_URL" --baseline <the version diff wrote>
  %[1]s schema drift%[2]s --url "$DATABASE_URL"
Then the gate (%[3]s):
  %[1]s migrate lint%[2]s
`, run, flag, which)
		return
	}
	fmt.Fprintf(w, "Next, the gate (%s):\n  %s migrate lint%s\n", which, run, flag)
}
