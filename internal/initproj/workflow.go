package initproj

import (
	"fmt"
	"path"
	"strings"
)

// WorkflowPath is where `init --ci github` writes its workflow, relative
// to the git work tree's root.
const WorkflowPath = ".github/workflows/schema.yml"

// Workflow is the GitHub Actions workflow running the gate on every pull
// request.
type Workflow struct {
	// ModuleDir is the Go module's directory relative to the work tree's
	// root ("" or "." at the root): every step runs there.
	ModuleDir string
	// Tool: go.mod names schemactl in a tool directive, and the gate runs
	// as `go tool schemactl`. Otherwise a step installs Version (a module
	// version; "" is latest) with `go install`.
	Tool    bool
	Version string
	// Generate are the packages whose `//go:generate` runs Ent's generator,
	// relative to the module ("internal/ent", "." for a root generate.go):
	// regenerated, and the work tree must not change.
	Generate []string
	Major    int    // the PostgreSQL major version the env's dev URL asks for
	Env      string // the env the gate runs with
}

// Render writes the workflow. Every step is one a team would write by
// hand: no action but checkout and setup-go, no binary downloaded.
func (w Workflow) Render() []byte {
	dir := strings.Trim(path.Clean("/"+w.ModuleDir), "/")
	var b strings.Builder
	b.WriteString(`# The schema gate on every pull request, written by ` + "`schemactl init --ci github`" + `.
# Findings appear on the PR's lines (--format github); the job fails on any
# finding (exit 1) and on any failure to run (exit 2).
name: schema

# Every pull request, with no paths filter: a change to go.mod or the
# workflow can break the gate as surely as a change to the schema.
on:
  pull_request:

jobs:
  gate:
    runs-on: ubuntu-latest
`)
	goMod := "go.mod"
	if dir != "" {
		goMod = dir + "/go.mod"
		fmt.Fprintf(&b, "    defaults:\n      run:\n        working-directory: %s\n", dir)
	}
	fmt.Fprintf(&b, `    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # --git-base compares with the merge-base: it needs both histories
      - uses: actions/setup-go@v5
        with:
          go-version-file: %s
`, goMod)
	m := w.Major
	fmt.Fprintf(&b, `      # The embedded dev database runs PostgreSQL %[1]d's server binaries
      # (initdb, postgres): no Docker, no service container. %[1]d is the
      # version atlas.hcl's dev URL names (docker://postgres/%[1]d/...). The
      # runner's archive may lack it; PostgreSQL's own apt repository
      # (PGDG) has every version. No cluster is created or started.
      - name: PostgreSQL %[1]d server binaries
        run: |
          if [ ! -x /usr/lib/postgresql/%[1]d/bin/postgres ]; then
            sudo mkdir -p /etc/postgresql-common/createcluster.d
            echo "create_main_cluster = false" | sudo tee /etc/postgresql-common/createcluster.d/schemactl.conf >/dev/null
            sudo apt-get update -qq
            if ! apt-cache show postgresql-%[1]d >/dev/null 2>&1; then
              sudo apt-get install -y -qq --no-install-recommends postgresql-common
              sudo /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y
            fi
            sudo apt-get install -y -qq --no-install-recommends postgresql-%[1]d
          fi
`, m)
	if len(w.Generate) > 0 {
		pkgs := make([]string, len(w.Generate))
		for i, g := range w.Generate {
			pkgs[i] = "./" + path.Clean(g) // "./." is the root package: "."
			if path.Clean(g) == "." {
				pkgs[i] = "."
			}
		}
		fmt.Fprintf(&b, `      # Generated Ent code must be committed, fresh and complete: regenerate,
      # and fail on any change to the work tree, untracked files included
      # (git diff --exit-code would pass a generated file never added).
      - name: Generated code is committed
        run: |
          go generate %[1]s
          changes=$(git status --porcelain --untracked-files=all)
          if [ -n "$changes" ]; then
            echo "::error::go generate %[1]s changed the work tree: run it and commit the result"
            printf '%%s\n' "$changes"
            exit 1
          fi
`, strings.Join(pkgs, " "))
	}
	b.WriteString(`      # Everything compiles, the committed generated code included.
      - name: Build
        run: go build ./...
`)
	run := "go tool schemactl"
	if !w.Tool {
		version := w.Version
		if version == "" {
			version = "latest"
		}
		fmt.Fprintf(&b, `      # schemactl from its module, at the version that wrote this workflow
      # (cgo: the runner's C compiler builds its SQL parser).
      - name: Install schemactl
        run: go install %s@%s
`, ToolPath, version)
		run = "schemactl"
	}
	fmt.Fprintf(&b, `      # The gate, and the review of the migration files this pull request
      # adds since it left its base branch.
      - name: Schema gate
        env:
          BASE: ${{ github.base_ref }}
        run: %s migrate lint --env %s --format github --git-base "origin/$BASE"
`, run, w.Env)
	return []byte(b.String())
}
