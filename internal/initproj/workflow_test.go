package initproj

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

type workflowFile struct {
	On   map[string]any `yaml:"on"`
	Jobs map[string]struct {
		RunsOn   string `yaml:"runs-on"`
		Defaults struct {
			Run struct {
				WorkingDirectory string `yaml:"working-directory"`
			} `yaml:"run"`
		} `yaml:"defaults"`
		Steps []struct {
			Name string            `yaml:"name"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// The workflow is YAML GitHub reads, its steps in the order the gate needs
// them, and every run script is valid shell.
func TestWorkflow(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    Workflow
		// what each step runs, in order ("" for a uses step)
		steps []string
		dir   string
	}{
		{
			name: "installed",
			w:    Workflow{Version: "v1.2.0", Generate: []string{".", "internal/ent"}, Major: 16, Env: CIEnv},
			steps: []string{"", "", "postgresql-16", "go generate . ./internal/ent\n", "go build ./...",
				"go install github.com/ledgerforge/schemactl/cmd/schemactl@v1.2.0",
				`schemactl migrate lint --env ci --format github --git-base "origin/$BASE"`},
		},
		{
			name: "tool, in a subdirectory, nothing to generate",
			w:    Workflow{ModuleDir: "backend", Tool: true, Major: 15, Env: CIEnv},
			steps: []string{"", "", "postgresql-15", "go build ./...",
				`go tool schemactl migrate lint --env ci --format github --git-base "origin/$BASE"`},
			dir: "backend",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var wf workflowFile
			require.NoError(t, yaml.Unmarshal(tc.w.Render(), &wf))
			require.Contains(t, wf.On, "pull_request")
			job := wf.Jobs["gate"]
			require.Equal(t, "ubuntu-latest", job.RunsOn)
			require.Equal(t, tc.dir, job.Defaults.Run.WorkingDirectory)
			require.Len(t, job.Steps, len(tc.steps))
			for i, want := range tc.steps {
				s := job.Steps[i]
				if want == "" {
					require.NotEmpty(t, s.Uses, "step %d", i)
					continue
				}
				require.Contains(t, s.Run, want, "step %d", i)
				out, err := exec.Command("bash", "-n", "-c", s.Run).CombinedOutput()
				require.NoError(t, err, "step %q: %s", s.Name, out)
			}
			require.Equal(t, "0", job.Steps[0].With["fetch-depth"], "--git-base needs the history")
			require.Equal(t, filepath.ToSlash(filepath.Join(tc.dir, "go.mod")), job.Steps[1].With["go-version-file"])
			last := job.Steps[len(job.Steps)-1]
			require.Equal(t, "${{ github.base_ref }}", last.Env["BASE"], "the base is passed through the environment, not pasted into the script")
		})
	}
}

// The generate step fails on an untracked file, which git diff would not
// see: run it in a repository where go generate (here a stand-in) adds
// one.
func TestWorkflowFreshnessSeesUntracked(t *testing.T) {
	w := Workflow{Generate: []string{"ent"}, Major: 15, Env: CIEnv}
	var wf workflowFile
	require.NoError(t, yaml.Unmarshal(w.Render(), &wf))
	script := ""
	for _, s := range wf.Jobs["gate"].Steps {
		if strings.Contains(s.Run, "go generate") {
			script = s.Run
		}
	}
	require.NotEmpty(t, script)
	dir := tree(t, "f", "x")
	runGit(t, "init", "-q")
	runGit(t, "add", "f")
	runGit(t, "commit", "-q", "-m", "x")
	// go generate, standing in: writes a file nobody committed.
	bin := filepath.Join(dir, ".bin")
	require.NoError(t, os.MkdirAll(bin, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "go"), []byte("#!/bin/sh\necho new > ent_new.go\n"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".git", "info", "exclude"), []byte(".bin\n"), 0o644))
	cmd := exec.Command("bash", "-e", "-c", script)
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	require.Contains(t, string(out), "::error::go generate ./ent changed the work tree")
	require.Contains(t, string(out), "?? ent_new.go")
}
