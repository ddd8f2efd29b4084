package cli

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"

	"ariga.io/atlas/sql/schema"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ledgerforge/schemactl/internal/diffplan"
)

// Renames are never silent: a drop and a create that look like a rename
// (diffplan.ProbableRenames) are asked about on a terminal and warned
// about otherwise; --rename plans them as renames.

func addRenameFlag(cmd *cobra.Command, values *[]string) {
	cmd.Flags().StringArrayVar(values, "rename", nil, "plan a rename instead of a drop and a create, repeatable (schemactl extension): "+
		"[schema.]table.column=new, table=new, table:schema.table=new, type:[schema.]enum=new or value:[schema.]enum.value=new; "+
		`old names as in the migration directory, "double quotes" around a name holding . = : or "`)
}

// parseRenames reads the --rename values.
func parseRenames(values []string) ([]diffplan.Rename, error) {
	var rs []diffplan.Rename
	for _, v := range values {
		r, err := diffplan.ParseRename(v)
		if err != nil {
			return nil, usageError{err}
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// decideRenames checks the --rename values against the two states and
// returns the policy with the renames to plan: those, plus each probable
// rename the user confirms at the prompt. Without a terminal (or with
// --check) it asks nothing and warns about each probable rename on
// stderr, naming the flag that plans it.
func decideRenames(cmd *cobra.Command, pol diffplan.Policy, rs []diffplan.Rename, current, desired *schema.Realm, check bool) (diffplan.Policy, error) {
	if err := diffplan.CheckRenames(current, desired, rs); err != nil {
		return pol, usageError{err}
	}
	pol.Renames = rs
	probable := diffplan.ProbableRenames(current, desired, pol)
	if len(probable) == 0 {
		return pol, nil
	}
	if check || !interactive(cmd) {
		for _, p := range probable {
			warnRename(cmd.ErrOrStderr(), p)
		}
		return pol, nil
	}
	in, out := bufio.NewReader(cmd.InOrStdin()), cmd.ErrOrStderr()
	var yes []diffplan.Rename
	for _, p := range probable {
		if conflicts(p.Rename, yes) {
			continue // the other candidate of an ambiguous pair was chosen
		}
		fmt.Fprintf(out, "Did you rename %s? [y/N] ", question(p.Rename))
		answer, err := in.ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a == "y" || a == "yes" {
			yes = append(yes, p.Rename)
			fmt.Fprintf(out, "Planning --rename %s\n", shellWord(p.String()))
		}
		if err != nil {
			fmt.Fprintln(out) // end of input: the rest are no
			break
		}
	}
	pol.Renames = append(pol.Renames, yes...)
	// The answers pair each old and new object once at most: they pass
	// the same checks as the flag's values.
	if err := diffplan.CheckRenames(current, desired, pol.Renames); err != nil {
		return pol, err
	}
	return pol, nil
}

// interactive: diff asks only when a person can answer, on stdin, and
// sees the question, on stderr.
func interactive(cmd *cobra.Command) bool {
	return isTTY(cmd.InOrStdin()) && isTTY(cmd.ErrOrStderr())
}

// isTTY is isatty(3): a terminal, not just any character device (isTerminal
// takes /dev/null, which CI gives as stdin, for one).
func isTTY(v any) bool {
	f, ok := unguarded(v).(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// conflicts reports whether r shares its old or new object with a rename
// already chosen.
func conflicts(r diffplan.Rename, chosen []diffplan.Rename) bool {
	for _, c := range chosen {
		if c.Kind == r.Kind && c.Schema == r.Schema && (r.Member == "" || c.Object == r.Object) && (c.Old() == r.Old() || c.To == r.To) {
			return true
		}
	}
	return false
}

// question is what the prompt asks about r.
func question(r diffplan.Rename) string {
	switch r.Kind {
	case diffplan.RenameColumn:
		return fmt.Sprintf("column %s to %s", qualified(r, r.Object, r.Member), r.To)
	case diffplan.RenameTable:
		return fmt.Sprintf("table %s to %s", qualified(r, r.Object), r.To)
	case diffplan.RenameType:
		return fmt.Sprintf("enum type %s to %s", qualified(r, r.Object), r.To)
	}
	return fmt.Sprintf("value %s of enum type %s to %s", sqlString(r.Member), qualified(r, r.Object), sqlString(r.To))
}

// warnRename warns that p is planned as a drop and a create, and says how
// to plan it as a rename, or how to keep the old name in the Ent schema.
func warnRename(w io.Writer, p diffplan.Probable) {
	var what string
	switch p.Kind {
	case diffplan.RenameColumn:
		what = fmt.Sprintf("column %s is dropped, with its data, and %s added", qualified(p.Rename, p.Object, p.Member), qualified(p.Rename, p.Object, p.To))
	case diffplan.RenameTable:
		what = fmt.Sprintf("table %s is dropped, with its rows, and %s created with the same columns", qualified(p.Rename, p.Object), qualified(p.Rename, p.To))
	case diffplan.RenameType:
		what = fmt.Sprintf("enum type %s is dropped and %s created with the same values", qualified(p.Rename, p.Object), qualified(p.Rename, p.To))
	case diffplan.RenameValue:
		what = fmt.Sprintf("value %s of enum type %s is removed and %s added in its place", sqlString(p.Member), qualified(p.Rename, p.Object), sqlString(p.To))
	}
	if p.Others > 0 {
		what += fmt.Sprintf(" (ambiguous: %d other candidate%s; rename one at most)", p.Others, map[bool]string{true: "s"}[p.Others > 1])
	}
	fmt.Fprintf(w, "WARNING: probable rename: %s.\n  to rename instead: --rename %s\n", what, shellWord(p.String()))
	if h := p.Hint(); h != "" {
		fmt.Fprintf(w, "  or keep the old name, with no migration, in the Ent schema: %s\n", h)
	}
}

// qualified names an object of r's schema: users.full_name,
// history.log.note.
func qualified(r diffplan.Rename, names ...string) string {
	if r.Schema != "" {
		names = append([]string{r.Schema}, names...)
	}
	return strings.Join(names, ".")
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

var plainWord = regexp.MustCompile(`^[A-Za-z0-9_.:=/-]+$`)

// shellWord quotes a --rename value for a POSIX shell when it must be.
func shellWord(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
