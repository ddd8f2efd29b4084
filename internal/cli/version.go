package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// versionText is what `schemactl version` and `schemactl --version` print,
// in the shape of `atlas version`: "NAME version V" on the first line (with
// Atlas's "- development" for a build that has no module version), then
// what else identifies the build: the VCS revision the go command stamped
// (`go build` in a git checkout does; `go run` and test binaries do not),
// and the Go toolchain.
func versionText(info *debug.BuildInfo, ok bool) string {
	var b strings.Builder
	v := "- development"
	if ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	fmt.Fprintf(&b, "schemactl version %s\n", v)
	if ok {
		settings := map[string]string{}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			line := "revision " + rev
			if settings["vcs.modified"] == "true" {
				line += " (modified)"
			}
			if t := settings["vcs.time"]; t != "" {
				line += ", committed " + t
			}
			b.WriteString(line + "\n")
		}
	}
	goVersion := runtime.Version()
	if ok && info.GoVersion != "" {
		goVersion = info.GoVersion
	}
	fmt.Fprintf(&b, "%s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
	return b.String()
}

// buildVersion is this binary's versionText.
func buildVersion() string { return versionText(debug.ReadBuildInfo()) }

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print schemactl's version, VCS revision and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), buildVersion())
			return err
		},
	}
}
