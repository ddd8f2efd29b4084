package cli

import (
	"context"
	"errors"
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
//
// A base named only in atlas.hcl is the developer's default (`make lint`
// runs what CI runs): where that ref cannot be read (a clone without the
// branch, a shallow clone, no git work tree), review returns no review and a
// note saying so, and the gate runs without it. CI names its base with
// --git-base, which stays strict: a ref given on the command line that does
// not exist is an error (exit 2).
type reviewFlags struct {
	gitBase string
	gitDir  string // the git work tree, when not the migration directory's
	latest  int
}

func (rv reviewFlags) review(ctx context.Context, in inputs, dir *migdir.Dir) (rev *lint.Review, note string, err error) {
	base, latest := rv.gitBase, rv.latest
	fromConfig := base == "" && latest == 0
	if fromConfig {
		base, latest = in.lint.GitBase, in.lint.Latest
	}
	switch {
	case base != "" && latest != 0:
		return nil, "", usageError{fmt.Errorf("--git-base and --latest select the reviewed files two ways: give one")}
	case latest < 0:
		return nil, "", usageError{fmt.Errorf("--latest %d: want a positive number of files", latest)}
	case base == "" && latest == 0:
		return nil, "", nil
	}
	files, err := dir.Files()
	if err != nil {
		return nil, "", err
	}
	rev = &lint.Review{Config: severities(in.lint)}
	if latest > 0 {
		for _, f := range files[max(0, len(files)-latest):] {
			rev.Added = append(rev.Added, f.Name())
		}
		return rev, "", nil
	}
	gitDir := rv.gitDir
	if gitDir == "" {
		gitDir = in.lint.GitDir
	}
	b, err := history.LoadBaseIn(ctx, gitDir, dir.Path(), base)
	if err != nil && fromConfig && unreadableBase(err) {
		return nil, fmt.Sprintf("%s's lint { git { base = %q } }: %s, so no added files were reviewed (%s)", in.configFile, base, whyUnreadable(err, base), fixUnreadable(err)), nil
	}
	if err != nil && fromConfig {
		return nil, "", fmt.Errorf("%s's lint { git { base = %q } }: %w", in.configFile, base, err)
	}
	if err != nil {
		return nil, "", fmt.Errorf("--git-base: %w", err)
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
	return rev, "", nil
}

// unreadableBase: the configured base cannot be read in this clone, which
// says nothing about the change itself.
func unreadableBase(err error) bool {
	return errors.Is(err, history.ErrBadRef) || errors.Is(err, history.ErrNoMergeBase) || errors.Is(err, history.ErrNoWorkTree)
}

// whyUnreadable and fixUnreadable word unreadableBase's cases for the note.
func whyUnreadable(err error, base string) string {
	switch {
	case errors.Is(err, history.ErrBadRef):
		return fmt.Sprintf("no ref %q in this clone", base)
	case errors.Is(err, history.ErrNoMergeBase):
		return fmt.Sprintf("%q shares no commit with HEAD (a shallow clone)", base)
	}
	return "the migration directory is not in a git work tree"
}

func fixUnreadable(err error) string {
	switch {
	case errors.Is(err, history.ErrBadRef):
		return "fetch it, or pass --git-base REF"
	case errors.Is(err, history.ErrNoMergeBase):
		return "fetch the full history, or pass --git-base REF"
	}
	return "run it in a clone, or pass --latest N"
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
