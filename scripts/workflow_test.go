package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/ledgerforge/schemactl/internal/config"
)

// workflow is the part of a GitHub Actions workflow these tests read.
type workflow struct {
	On   map[string]map[string]any `yaml:"on"`
	Jobs map[string]struct {
		Steps []step `yaml:"steps"`
	} `yaml:"jobs"`
}

type step struct {
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
}

func readWorkflow(t *testing.T) workflow {
	t.Helper()
	b, err := os.ReadFile("../.github/workflows/schema.yml")
	require.NoError(t, err)
	var w workflow
	require.NoError(t, yaml.Unmarshal(b, &w))
	return w
}

// index is the position of the first step matching, or -1.
func index(steps []step, match func(step) bool) int { return slices.IndexFunc(steps, match) }

func runs(s ...string) func(step) bool {
	return func(st step) bool {
		for _, x := range s {
			if !strings.Contains(st.Run, x) {
				return false
			}
		}
		return true
	}
}

// The example CI workflow: every pull request, the full history, the
// server binaries, generated code committed (tracked or not), everything
// compiling, then the gate from a built binary, in that order.
func TestWorkflowSteps(t *testing.T) {
	w := readWorkflow(t)
	pr, ok := w.On["pull_request"]
	require.True(t, ok, "runs on pull requests")
	require.NotContains(t, pr, "paths", "no paths filter: tool changes break the gate too")
	require.NotContains(t, pr, "paths-ignore")

	steps := w.Jobs["gate"].Steps
	order := []struct {
		what  string
		match func(step) bool
	}{
		{"checkout with the full history", func(s step) bool {
			return strings.HasPrefix(s.Uses, "actions/checkout@") && s.With["fetch-depth"] == "0"
		}},
		{"setup-go", func(s step) bool { return strings.HasPrefix(s.Uses, "actions/setup-go@") }},
		{"server binaries", runs("./scripts/ensure-postgres.sh")},
		{"generated code committed", runs("go generate ./ent", "git status --porcelain")},
		{"everything compiles", runs("go build ./...")},
		{"the gate, from a built binary", runs("bin/schemactl migrate lint", "--git-base")},
	}
	last := -1
	for _, o := range order {
		i := index(steps, o.match)
		require.GreaterOrEqual(t, i, 0, "no step: %s", o.what)
		require.Greater(t, i, last, "%s comes after the previous steps", o.what)
		last = i
	}
	for _, s := range steps {
		require.NotContains(t, s.Run, "go run", "go run turns exit 2 into 1")
	}
}

// The freshness step's own shell, run as Actions runs it, in a git
// repository where `go generate` (a stand-in) adds, changes or leaves the
// generated code.
func TestWorkflowFreshnessStep(t *testing.T) {
	steps := readWorkflow(t).Jobs["gate"].Steps
	i := index(steps, runs("go generate ./ent"))
	require.GreaterOrEqual(t, i, 0)
	shell := steps[i].Run

	for _, tt := range []struct {
		name     string
		generate string // what go generate does
		fails    bool
		shows    string
	}{
		{"fresh", "true", false, ""},
		{"a new file, not committed", "echo 'package ent' > ent/user_query.go", true, "?? ent/user_query.go"},
		{"a new file in a new package", "mkdir -p ent/user && echo 'package user' > ent/user/user.go", true, "?? ent/user/user.go"},
		{"a committed file changed", "echo '// changed' >> ent/client.go", true, " M ent/client.go"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "ent"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "ent", "client.go"), []byte("package ent\n"), 0o644))
			git(t, dir, "init", "-q")
			git(t, dir, "add", "-A")
			git(t, dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init")

			// A go that only knows `go generate ./ent`.
			fake := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(fake, "go"), []byte("#!/bin/sh\n[ \"$1 $2\" = 'generate ./ent' ] || exit 3\n"+tt.generate+"\n"), 0o755))
			// GitHub's bash default: bash --noprofile --norc -eo pipefail {0}.
			cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", shell)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+fake+string(os.PathListSeparator)+os.Getenv("PATH"),
				"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
			out, err := cmd.CombinedOutput()
			if !tt.fails {
				require.NoError(t, err, "%s", out)
				return
			}
			require.Error(t, err, "the step passed: %s", out)
			require.Contains(t, string(out), tt.shows)
		})
	}
}

// `make lint` is CI's gate: the command the workflow runs, less the report
// format and the base, which atlas.hcl's lint { git { base } } names for a
// clone (CI names origin/<base>, as its clone has no local branch); and
// `make check`'s gate is the same command.
func TestMakeLintRunsTheCIGate(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "schemactl")
	out, code := runMake(t, bin, "-n", "lint")
	require.Equal(t, 0, code, out)
	var local []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, bin+" ") {
			local = strings.Fields(strings.TrimPrefix(line, bin))
		}
	}
	require.Equal(t, []string{"migrate", "lint"}, local, "make lint runs:\n%s", out)

	steps := readWorkflow(t).Jobs["gate"].Steps
	i := index(steps, runs("bin/schemactl migrate lint"))
	require.GreaterOrEqual(t, i, 0)
	var ci []string
	args := words(steps[i].Run)
	require.Equal(t, "bin/schemactl", args[0])
	for j := 1; j < len(args); j++ {
		switch args[j] {
		case "--format", "--git-base":
			j++ // CI's report format and base: its own
		default:
			ci = append(ci, args[j])
		}
	}
	require.Equal(t, local, ci, "CI runs %q", steps[i].Run)
	require.Contains(t, args, "--git-base")

	cfg, err := config.Load("../atlas.hcl", config.Options{})
	require.NoError(t, err)
	require.Equal(t, "main", cfg.Lint.GitBase, "atlas.hcl: lint { git { base } } names the base branch for `make lint`")

	check, err := os.ReadFile("check.sh")
	require.NoError(t, err)
	require.Contains(t, string(check), `bin/schemactl migrate lint"}`, "make check's gate is make lint's command")
}

// words splits a one-line shell command into its words; a double-quoted
// word (with its ${{ }} expression's blanks) is one.
func words(cmd string) []string {
	var out []string
	var w strings.Builder
	quoted, in := false, false
	for _, r := range strings.TrimSpace(cmd) {
		switch {
		case r == '"':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				out = append(out, w.String())
			}
			w.Reset()
			in = false
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, w.String())
	}
	return out
}
