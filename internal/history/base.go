// Package history applies the rules atlas.sum cannot: a change must not
// edit or delete migrations that are already merged, and the migrations it
// adds must come after the base branch's newest one. Rebase restores that
// order. The base is read from git.
package history

import (
	"bytes"
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

// ErrBadRef means the git ref does not exist (or names no commit).
var ErrBadRef = errors.New("unknown git ref")

// Base is what a git ref holds of the migration directory.
type Base struct {
	Ref    string
	Files  map[string][]byte // file name (base name) -> content, .sql files only
	Newest string            // newest version on the ref ("" when none)
}

// LoadBase reads the migration directory dirPath (relative or absolute,
// inside a git work tree) as it is at ref. A ref that does not exist is an
// error wrapping ErrBadRef; a directory the ref does not have is an empty
// Base (a first change).
func LoadBase(ctx context.Context, dirPath, ref string) (*Base, error) {
	abs, err := filepath.Abs(dirPath)
	if err == nil {
		// git reports the top level with symbolic links resolved (a
		// temporary directory under /var on macOS is /private/var).
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("history: migration directory %s: %w", dirPath, err)
	}
	top, err := topLevel(ctx, abs)
	if err == nil {
		top, err = filepath.EvalSymlinks(top)
	}
	if err != nil {
		return nil, fmt.Errorf("history: migration directory %s is not in a git work tree: %w", dirPath, err)
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("history: migration directory %s is outside the git work tree %s", dirPath, top)
	}
	commit, err := resolveCommit(ctx, top, ref)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	paths, err := listFiles(ctx, top, commit, rel)
	if err != nil {
		return nil, fmt.Errorf("history: list %s at %s: %w", dirPath, ref, err)
	}
	b := &Base{Ref: ref, Files: map[string][]byte{}}
	for _, p := range paths {
		name := path.Base(p)
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		content, err := showFile(ctx, top, commit, p)
		if err != nil {
			return nil, fmt.Errorf("history: read %s at %s: %w", p, ref, err)
		}
		b.Files[name] = content
		if v := version(name); b.Newest == "" || migdir.CompareVersions(v, b.Newest) > 0 {
			b.Newest = v
		}
	}
	return b, nil
}

// Added returns the names of the files that are not on the base, in
// directory order: the files a change adds, which the safety analyzers lint.
func (b *Base) Added(files []migrate.File) []string {
	var added []string
	for _, f := range files {
		if _, ok := b.Files[f.Name()]; !ok {
			added = append(added, f.Name())
		}
	}
	return added
}

// Check applies the history rules to the directory's files (dir.Files()):
// SC401 for a merged file that was edited, SC402 for one that was deleted
// and SC403 for an added file whose version is not after the base's newest.
func (b *Base) Check(dir *migdir.Dir, files []migrate.File) []report.Finding {
	at := func(name string) string { return path.Join(filepath.ToSlash(dir.Path()), name) }
	finding := func(code, name, msg, remedy string) report.Finding {
		return report.Finding{Code: code, Category: report.History, Severity: report.Error,
			Object: at(name), Message: msg, Fix: &report.Location{File: at(name)}, Remedy: remedy}
	}
	var out []report.Finding
	present := make(map[string]bool, len(files))
	for _, f := range files {
		name := f.Name()
		present[name] = true
		old, merged := b.Files[name]
		switch {
		case merged && !bytes.Equal(old, f.Bytes()):
			out = append(out, finding("SC401", name,
				fmt.Sprintf("%s is merged on %s and was edited since: databases that already applied it will never run the change", name, b.Ref),
				"never edit a merged migration: revert the edit and add a new migration"))
		case !merged && b.Newest != "" && migdir.CompareVersions(f.Version(), b.Newest) <= 0:
			out = append(out, finding("SC403", name,
				fmt.Sprintf("%s is added but its version is not after %s, the newest migration on %s, so databases already past that version would skip it", name, b.newestFile(), b.Ref),
				fmt.Sprintf("run `schemactl migrate rebase --git-base %s`", b.Ref)))
		}
	}
	var deleted []string
	for name := range b.Files {
		if !present[name] {
			deleted = append(deleted, name)
		}
	}
	slices.Sort(deleted) // directory order
	for _, name := range deleted {
		f := finding("SC402", name,
			fmt.Sprintf("%s is merged on %s and was deleted, though databases may already have applied it", name, b.Ref),
			"restore it: a merged migration may already be applied")
		f.Fix = nil // there is no file left to point at
		out = append(out, f)
	}
	return out
}

// newestFile names the base's file with the newest version (the last by
// name if several share it), or the version itself if no file has it.
func (b *Base) newestFile() string {
	newest := ""
	for name := range b.Files {
		if migdir.CompareVersions(version(name), b.Newest) == 0 && name > newest {
			newest = name
		}
	}
	if newest == "" {
		return b.Newest
	}
	return newest
}

// version is a file name's version, as Atlas reads it.
func version(name string) string { return migrate.NewLocalFile(name, nil).Version() }
