// Package history applies the rules the checksum cannot: a pull request
// must not edit or delete migrations that are already merged, and its new
// migrations must come after the base branch's newest; rebase restores that
// order. The base is read from git.
package history

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/report"
)

// ErrBadRef means the git ref does not exist.
var ErrBadRef = errors.New("unknown git ref")

// Base is what a git ref holds of the migration directory.
type Base struct {
	Ref    string
	Files  map[string][]byte // .sql file name -> content
	Newest string            // the newest file on the ref, "" when none
}

// LoadBase reads the migration directory dirPath as it is at ref. A
// directory the ref does not have yet is an empty base (a first PR).
func LoadBase(ctx context.Context, dirPath, ref string) (*Base, error) {
	abs, err := filepath.Abs(dirPath)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	// The directory's path inside the repository, as git spells it
	// (symlinks in the work tree's path resolved).
	prefix, err := git(ctx, abs, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, fmt.Errorf("history: %s is not in a git work tree: %w", dirPath, err)
	}
	if _, err := git(ctx, abs, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return nil, fmt.Errorf("history: %w %q", ErrBadRef, ref)
	}
	args := []string{"ls-tree", "--full-tree", "--name-only", ref}
	if p := strings.TrimSpace(prefix); p != "" {
		args = append(args, "--", p)
	}
	out, err := git(ctx, abs, args...)
	if err != nil {
		return nil, fmt.Errorf("history: list %s at %s: %w", dirPath, ref, err)
	}
	b := &Base{Ref: ref, Files: map[string][]byte{}}
	for _, p := range strings.Split(strings.TrimSpace(out), "\n") {
		name := path.Base(p)
		if p == "" || !strings.HasSuffix(name, ".sql") {
			continue
		}
		content, err := git(ctx, abs, "show", ref+":"+p)
		if err != nil {
			return nil, fmt.Errorf("history: read %s at %s: %w", p, ref, err)
		}
		b.Files[name] = []byte(content)
		if b.Newest == "" || compareVersions(version(name), version(b.Newest)) > 0 {
			b.Newest = name
		}
	}
	return b, nil
}

// Added returns the names of the files the base does not have, in order.
func (b *Base) Added(files []migrate.File) []string {
	var added []string
	for _, f := range files {
		if _, ok := b.Files[f.Name()]; !ok {
			added = append(added, f.Name())
		}
	}
	return added
}

// Check applies the history rules to the directory's files.
func (b *Base) Check(dir *migdir.Dir, files []migrate.File) []report.Finding {
	var out []report.Finding
	at := func(name string) string { return filepath.ToSlash(filepath.Join(dir.Path(), name)) }
	present := map[string]bool{}
	for _, f := range files {
		present[f.Name()] = true
		old, merged := b.Files[f.Name()]
		switch {
		case merged && string(old) != string(f.Bytes()):
			out = append(out, report.Finding{Code: "SC401", Category: report.History, Severity: report.Error, Object: at(f.Name()),
				Message: fmt.Sprintf("%s is already merged on %s and was edited: databases that applied it will never see the change", f.Name(), b.Ref),
				Fix:     &report.Location{File: at(f.Name())}, Remedy: "never edit a merged migration: revert the edit and add a new migration"})
		case !merged && b.Newest != "" && compareVersions(f.Version(), version(b.Newest)) <= 0:
			out = append(out, report.Finding{Code: "SC403", Category: report.History, Severity: report.Error, Object: at(f.Name()),
				Message: fmt.Sprintf("%s is new but sorts before %s, the newest file on %s: databases already past it would skip it", f.Name(), b.Newest, b.Ref),
				Fix:     &report.Location{File: at(f.Name())}, Remedy: fmt.Sprintf("run `schemactl migrate rebase --git-base %s`", b.Ref)})
		}
	}
	var deleted []string
	for name := range b.Files {
		if !present[name] {
			deleted = append(deleted, name)
		}
	}
	slices.Sort(deleted)
	for _, name := range deleted {
		out = append(out, report.Finding{Code: "SC402", Category: report.History, Severity: report.Error, Object: at(name),
			Message: fmt.Sprintf("%s is already merged on %s and was deleted", name, b.Ref),
			Remedy:  "restore it: a merged migration may already be applied"})
	}
	return out
}

func version(name string) string {
	return migrate.NewLocalFile(name, nil).Version()
}

// compareVersions orders Atlas versions: numerically when both are digits.
func compareVersions(a, b string) int {
	if len(a) != len(b) && isDigits(a) && isDigits(b) {
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(a) != len(b) {
			return len(a) - len(b)
		}
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
