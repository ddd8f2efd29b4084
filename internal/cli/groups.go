package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Cobra's defaults let a typo pass: a group command (one that only holds
// subcommands, like `migrate`) prints its help and exits 0 both when it is
// given an unknown subcommand (`schemactl migrate lnt`) and when it is given
// none, and `help migrate lnt` shows migrate's help. Atlas's CLI behaves the
// same, but in CI that turns a misspelled gate green. Here both are usage
// errors: exit 2 and one line naming the command and the closest
// subcommands.

// guardGroups makes every group command under root (root included) refuse
// unknown subcommands and a bare call. Call it once the tree is complete.
func guardGroups(root *cobra.Command) {
	// Cobra adds its completion command only when it executes; adding it
	// now lets it be guarded too (cobra does not add it twice).
	root.InitDefaultCompletionCmd()
	root.SetHelpCommand(newHelpCmd())
	// A guarded group is runnable only to refuse to run: its usage line
	// stays "schemactl migrate [command]", not "schemactl migrate [flags]".
	root.SetUsageTemplate(strings.Replace(root.UsageTemplate(),
		"Usage:{{if .Runnable}}", "Usage:{{if and .Runnable (not .HasAvailableSubCommands)}}", 1))
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.HasSubCommands() && c.Run == nil && c.RunE == nil {
			c.Args = unknownSubcommand
			c.RunE = bareGroup
			// A subcommand's flags after a misspelled subcommand
			// (`migrate lnt --git-base main`) would otherwise be reported
			// as unknown flags of the group, hiding the typo.
			c.FParseErrWhitelist.UnknownFlags = true
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// unknownSubcommand is a group's argument check: any argument left is a
// subcommand that does not exist.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return usageError{fmt.Errorf("unknown command %q for %q%s", args[0], cmd.CommandPath(), didYouMean(cmd, args[0]))}
}

// bareGroup runs when a group is called without a subcommand: it did
// nothing, so it must not succeed. The help (on stderr, stdout stays empty)
// shows the choices.
func bareGroup(cmd *cobra.Command, _ []string) error {
	out := cmd.OutOrStdout()
	cmd.SetOut(cmd.ErrOrStderr())
	err := cmd.Help()
	cmd.SetOut(out)
	if err != nil {
		return err
	}
	return usageError{fmt.Errorf("%q needs a subcommand: %s", cmd.CommandPath(), strings.Join(subcommands(cmd), ", "))}
}

// subcommands names a command's visible subcommands, in cobra's order.
func subcommands(cmd *cobra.Command) []string {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() || c.Name() == "help" {
			names = append(names, c.Name())
		}
	}
	return names
}

// didYouMean is cobra's suggestion, on the same line: ` (did you mean
// "lint"?)`, or nothing when no subcommand is close.
func didYouMean(cmd *cobra.Command, typed string) string {
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, which it sets only on its own path
	}
	s := cmd.SuggestionsFor(typed)
	if len(s) == 0 {
		return ""
	}
	quoted := make([]string, len(s))
	for i, name := range s {
		quoted[i] = fmt.Sprintf("%q", name)
	}
	last := len(quoted) - 1
	if last == 0 {
		return " (did you mean " + quoted[0] + "?)"
	}
	return " (did you mean " + strings.Join(quoted[:last], ", ") + " or " + quoted[last] + "?)"
}

// newHelpCmd is cobra's help command, except that an unknown topic is a
// usage error rather than the root's help with exit 0.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		// Complete command names, as cobra's own help command does.
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			cmd, _, err := c.Root().Find(args)
			if err != nil || cmd == nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || cmd == nil || len(rest) > 0 {
				typed := strings.Join(args, " ")
				hint := ""
				if cmd != nil && len(rest) > 0 {
					hint = didYouMean(cmd, rest[0])
				}
				return usageError{fmt.Errorf("unknown help topic %q%s", typed, hint)}
			}
			return cmd.Help()
		},
	}
}
