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
