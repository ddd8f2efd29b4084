package cli

import (
	"context"
	"fmt"
	"slices"

	"github.com/ledgerforge/schemactl/internal/config"
	"github.com/ledgerforge/schemactl/internal/history"
	"github.com/ledgerforge/schemactl/internal/lint"
	"github.com/ledgerforge/schemactl/internal/lint/safety"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/report"
)

// reviewFlags select the files a change adds: --git-base or --latest, else
// atlas.hcl's lint { git { base } } or lint { latest }.
type reviewFlags struct {
	gitBase string
	gitDir  string // the git work tree, when not the migration directory's
	latest  int
}

func (rv reviewFlags) review(ctx context.Context, in inputs, dir *migdir.Dir) (*lint.Review, error) {
	base, latest := rv.gitBase, rv.latest
	if base == "" && latest == 0 {
		base, latest = in.lint.GitBase, in.lint.Latest
	}
	switch {
	case base != "" && latest != 0:
		return nil, usageError{fmt.Errorf("--git-base and --latest select the reviewed files two ways: give one")}
	case latest < 0:
		return nil, usageError{fmt.Errorf("--latest %d: want a positive number of files", latest)}
	case base == "" && latest == 0:
		return nil, nil
	}
	files, err := dir.Files()
	if err != nil {
		return nil, err
	}
	rev := &lint.Review{Config: severities(in.lint)}
	if latest > 0 {
		for _, f := range files[max(0, len(files)-latest):] {
			rev.Added = append(rev.Added, f.Name())
		}
		return rev, nil
	}
	gitDir := rv.gitDir
	if gitDir == "" {
		gitDir = in.lint.GitDir
	}
	b, err := history.LoadBaseIn(ctx, gitDir, dir.Path(), base)
	if err != nil {
		return nil, fmt.Errorf("--git-base: %w", err)
	}
	b = b.In(dir.Format())
	rev.Added = b.Added(files)
	rev.History = b.Check(dir, files)
	// Atlas's non_linear analyzer governs files added out of order.
	if isErr, ok := in.lint.Errors["non_linear"]; ok {
		for i := range rev.History {
			if rev.History[i].Code == "SC403" && !isErr {
				rev.History[i].Severity = report.Warning
			}
		}
	}
	return rev, nil
}

// severities maps atlas.hcl's `analyzer { error = bool }` blocks onto the
// safety analyzers; an unknown analyzer name is ignored, as Atlas's own
// analyzers (naming, say) have no counterpart here.
func severities(l config.Lint) safety.Config {
	cfg := safety.Config{}
	for name, isErr := range l.Errors {
		if !slices.Contains(safety.Analyzers(), name) {
			continue
		}
		cfg[name] = report.Warning
		if isErr {
			cfg[name] = report.Error
		}
	}
	return cfg
}
