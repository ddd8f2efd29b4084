// Package cli is schemactl's command line: cobra commands that parse flags,
// call the domain packages and render what they return. Nothing here
// decides anything about schemas.
package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ledgerforge/schemactl/internal/dsn"
	"github.com/ledgerforge/schemactl/internal/progress"
)

// Main runs schemactl with args and returns the exit status. An interrupt
// (Ctrl-C) or SIGTERM cancels the context, so every command stops its dev
// database and removes its files before returning.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	line, stdout, stderr := openProgress(stdout, stderr)
	root := newRoot(stdin, stdout, stderr, line)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if line != nil {
		line.Close()
	}
	if err != nil && err != errSilent {
		msg := dsn.Redact(err.Error())
		if ctx.Err() != nil {
			msg = "interrupted; stopped cleanly (an embedded dev database, if one ran, was removed)"
		}
		fmt.Fprintln(stderr, "Error: "+strings.TrimSpace(msg))
	}
	return exitCode(err)
}

// globals are Atlas's project-file flags, shared by every command.
type globals struct {
	env    string
	config string
	vars   varsFlag
	quiet  bool // no progress line (progress.go)
}

// varsFlag is --var as Atlas reads it: name=value pairs, comma-separated
// or repeated; a name given more than once is a list.
type varsFlag map[string][]string

func (v *varsFlag) Set(s string) error {
	if *v == nil {
		*v = varsFlag{}
	}
	kvs, err := csv.NewReader(strings.NewReader(s)).Read()
	if err != nil {
		return err
	}
	for _, kv := range kvs {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return fmt.Errorf("want name=value, got %q", kv)
		}
		(*v)[name] = append((*v)[name], value)
	}
	return nil
}

func (v *varsFlag) Type() string { return "name=value" }

func (v *varsFlag) String() string {
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(*v)) {
		for _, value := range (*v)[name] {
			parts = append(parts, name+"="+value)
		}
	}
	return strings.Join(parts, ",")
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer, line *progress.Terminal) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:           "schemactl",
		Short:         "Keep Ent schemas and Atlas-format migrations in lockstep",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&g.env, "env", "", "the env block of the project file to use")
	root.PersistentFlags().StringVarP(&g.config, "config", "c", "file://atlas.hcl", "the project file")
	root.PersistentFlags().Var(&g.vars, "var", "input variables of the project file (name=value; repeat a name for a list)")
	root.PersistentFlags().BoolVar(&g.quiet, "quiet", false, "show no progress line on stderr (shown only on a terminal; schemactl extension)")
	root.PersistentPreRun = showProgress(line, g)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{flagError(err)} })
	root.Version = buildVersion()
	root.SetVersionTemplate("{{.Version}}")

	migrate := &cobra.Command{Use: "migrate", Short: "Generate, hash, validate, lint and apply versioned migrations"}
	migrate.AddCommand(newDiffCmd(g), newNewCmd(g), newHashCmd(g), newValidateCmd(g), newLintCmd(g), newRebaseCmd(g), newApplyCmd(g), newDownCmd(g), newStatusCmd(g))
	root.AddCommand(migrate, newSchemaCmd(g), newDevDBCmd(), newVersionCmd(), newInitCmd(g))
	guardGroups(root)
	return root
}

// flagError words a flag value that does not parse as one line naming the
// flag and what it wants, instead of pflag's text, which ends in the parser's
// own error (`strconv.ParseInt: parsing "abc": invalid syntax`).
func flagError(err error) error {
	var bad *pflag.InvalidValueError
	if !errors.As(err, &bad) {
		return err
	}
	want := map[string]string{
		"int": "a whole number", "int64": "a whole number", "uint": "a whole number",
		"bool":           "true or false",
		"duration":       "a duration such as 10s or 1m30s",
		"stringToString": "name=value",
		"name=value":     "name=value",
	}[bad.GetFlag().Value.Type()]
	if want == "" {
		return err // pflag's own words name the flag and say what is wrong
	}
	return fmt.Errorf("--%s %q: want %s", bad.GetFlag().Name, bad.GetValue(), want)
}

// usageError is a bad flag or argument: exit 2.
type usageError struct{ error }
