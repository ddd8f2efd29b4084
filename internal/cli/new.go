package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ledgerforge/schemactl/internal/diffplan"
	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/migdir"
)

// newNewCmd is Atlas's `migrate new`: an empty migration file with the
// next version, and atlas.sum rehashed, for SQL that Ent cannot write (a
// backfill, an enum value removed, a change the review asks to split).
func newNewCmd(g *globals) *cobra.Command {
	var (
		flags     inputs
		dirFormat string
		edit      bool
	)
	cmd := &cobra.Command{
		Use:   "new [flags] [name]",
		Short: "Create an empty migration file with the next version, and rehash atlas.sum",
		Long: `Creates an empty migration file named <version>_<name>.sql (blanks in the
name become "_") and rewrites atlas.sum, atomically, for a migration written
by hand; in a golang-migrate, goose, Flyway or dbmate directory, that
format's file or files, as Atlas's formatters write an empty plan. The
version is the next one (a UTC timestamp, or the next number in a numbered
directory), so the file sorts last. Like migrate diff, it refuses a
directory whose atlas.sum does not match its files (exit 1) and one that
does not exist (exit 2).

  schemactl migrate new backfill_memo
  schemactl migrate new --edit backfill_memo   # write it in $EDITOR first`,
		Example: `  schemactl migrate new my-new-migration`,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := resolve(cmd, g, flags)
			if err != nil {
				return err
			}
			if dirFormat != "" {
				in.dirFormat = dirFormat
				in.from["format"] = "--dir-format " + dirFormat
			}
			name := ""
			if len(args) == 1 {
				if name, err = newName(args[0]); err != nil {
					return usageError{err}
				}
			}
			return runNew(cmd, in, name, edit)
		},
	}
	addDirFlag(cmd, &flags)
	cmd.Flags().StringVar(&dirFormat, "dir-format", "", "the directory's format when --dir has no ?format= (Atlas's deprecated flag; default: the env's migration format, else atlas)")
	cmd.Flags().BoolVar(&edit, "edit", false, "edit the new file in $EDITOR (default vi) before it is written; Atlas-format directories only")
	return cmd
}

// newName is the NAME argument as a file name part: blanks become "_", as
// in migrate diff. A name that would leave the directory, or is nothing
// but blanks, is refused.
func newName(arg string) (string, error) {
	name := migdir.SafeName(arg)
	switch {
	case name == "":
		return "", fmt.Errorf("name %q: nothing but blanks; give a name, or none for a file named by its version alone", arg)
	case strings.ContainsAny(name, `/\`):
		return "", fmt.Errorf("name %q: a migration name cannot hold / or \\: it names a file in the migration directory", arg)
	}
	return name, nil
}

func runNew(cmd *cobra.Command, in inputs, name string, edit bool) error {
	dir, err := in.openDir()
	if err != nil {
		return err
	}
	if edit && dir.Format() != dirformat.Atlas {
		return usageError{fmt.Errorf("--edit: only an Atlas-format directory can be edited this way (as in Atlas), not %s one: run without it and open the files written", dir.Format().Article())}
	}
	files, err := dir.Files()
	if err != nil {
		return err
	}
	// As migrate diff: a new file on top of a directory whose sum or names
	// are already wrong would hide the problem under a fresh atlas.sum.
	if err := refuseBroken(dir, files, " (nothing written)"); err != nil {
		return err
	}
	add, err := diffplan.Empty(dir.Format(), files, name, time.Now())
	if err != nil {
		return err
	}
	if edit {
		if add[0].Data, err = editFile(cmd, add[0].Name, add[0].Data); err != nil {
			return err
		}
	}
	if err := dir.WriteFiles(add); err != nil {
		return err
	}
	for _, f := range add {
		fmt.Fprintf(cmd.OutOrStdout(), "Wrote %s\n", filepath.Join(dir.Path(), f.Name))
	}
	return nil
}

// editFile lets the user write the file in $EDITOR (vi when unset), as
// Atlas's --edit does: the file is written to a scratch directory under its
// own name, the editor runs through sh -c with the terminal, and what it
// leaves is the content. Nothing reaches the migration directory if the
// editor fails.
func editFile(cmd *cobra.Command, name string, content []byte) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "schemactl-new-")
	if err != nil {
		return nil, fmt.Errorf("--edit: %w", err)
	}
	defer os.RemoveAll(tmp)
	p := filepath.Join(tmp, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		return nil, fmt.Errorf("--edit: %w", err)
	}
	editor := os.Getenv("EDITOR")
	if editor == "" {
		editor = "vi"
	}
	sh := exec.CommandContext(cmd.Context(), "sh", "-c", editor+" "+shellQuote(p))
	sh.Stdin, sh.Stdout, sh.Stderr = cmd.InOrStdin(), unguarded(cmd.OutOrStdout()), unguarded(cmd.ErrOrStderr())
	if err := sh.Run(); err != nil {
		return nil, fmt.Errorf("--edit: $EDITOR %q: %w (nothing written)", editor, err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("--edit: %w", err)
	}
	return b, nil
}

// shellQuote quotes a path for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
