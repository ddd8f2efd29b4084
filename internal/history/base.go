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
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/report"
)

// ErrBadRef means the git ref does not exist (or names no commit).
var ErrBadRef = errors.New("unknown git ref")

// ErrNoWorkTree means the migration directory (or --git-dir) is not in a
// git work tree, or git cannot be run: there is no history to read.
var ErrNoWorkTree = errors.New("not in a git work tree")

// ErrNoMergeBase means HEAD and the base ref share no commit, so what the
// branch changed cannot be told (a shallow clone, most often).
var ErrNoMergeBase = errors.New("no common ancestor")

// Base is what the base branch holds of the migration directory. A branch
// changed only what differs from where it left the base, the merge-base of
// HEAD and the ref: comparing with the ref's tip would take the files the
// base gained since for files the branch deleted.
type Base struct {
	Ref string
	// Files are the .sql files at the merge-base (base name -> content):
	// the merged files the branch must not edit or delete.
	Files map[string][]byte
	// Upstream are the .sql files the ref gained after the merge-base
	// (base names): not the branch's, but its files must come after them.
	Upstream []string
	// Newest is the newest version at the merge-base or on the ref ("" when
	// none): the branch's added files must come after it.
	Newest string
	// format is the directory's format (In), Atlas's by default.
	format dirformat.Format
}

// In is the base as a directory in format f reads it: only the files f
// takes for migrations (not golang-migrate's .down.sql, not Flyway's undo
// files), their versions as f names them. LoadBase reads Atlas's format.
func (b *Base) In(f dirformat.Format) *Base {
	if f == dirformat.Atlas || f == "" {
		return b
	}
	out := &Base{Ref: b.Ref, Files: map[string][]byte{}, format: f}
	for name, content := range b.Files {
		if dirformat.Reads(f, name) {
			out.Files[name] = content
			out.newer(name)
		}
	}
	for _, name := range b.Upstream {
		if dirformat.Reads(f, name) {
			out.Upstream = append(out.Upstream, name)
			out.newer(name)
		}
	}
	return out
}

// LoadBase reads the migration directory dirPath (relative or absolute,
// inside a git work tree) as it is at the merge-base of HEAD and ref, and
// the names the ref has there since. A ref that does not exist is an error
// wrapping ErrBadRef, one that shares no commit with HEAD wraps
// ErrNoMergeBase; a directory the base does not have is an empty Base (a
// first change).
func LoadBase(ctx context.Context, dirPath, ref string) (*Base, error) {
	return LoadBaseIn(ctx, "", dirPath, ref)
}

// LoadBaseIn is LoadBase in the git work tree of gitDir (Atlas's --git-dir,
// lint { git { dir } }); "" means the one that holds the migration
// directory. The directory must be inside it.
func LoadBaseIn(ctx context.Context, gitDir, dirPath, ref string) (*Base, error) {
	abs, err := filepath.Abs(dirPath)
	if err == nil {
		// git reports the top level with symbolic links resolved (a
		// temporary directory under /var on macOS is /private/var).
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("history: migration directory %s: %w", dirPath, err)
	}
	where, what := abs, "migration directory "+dirPath
	if gitDir != "" {
		where, what = gitDir, "--git-dir "+gitDir
	}
	top, err := topLevel(ctx, where)
	if err == nil {
		top, err = filepath.EvalSymlinks(top)
	}
	if err != nil {
		return nil, fmt.Errorf("history: %s is %w: %w", what, ErrNoWorkTree, err)
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("history: migration directory %s is outside the git work tree %s", dirPath, top)
	}
	tip, err := resolveCommit(ctx, top, ref)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	fork, err := mergeBase(ctx, top, tip)
	if err != nil {
		return nil, fmt.Errorf("history: %s: %w", ref, err)
	}
	paths, err := listFiles(ctx, top, fork, rel)
	if err != nil {
		return nil, fmt.Errorf("history: list %s at the merge-base with %s: %w", dirPath, ref, err)
	}
	b := &Base{Ref: ref, Files: map[string][]byte{}}
	contents, err := showFiles(ctx, top, fork, sqlFiles(paths))
	if err != nil {
		return nil, fmt.Errorf("history: read %s at the merge-base with %s: %w", dirPath, ref, err)
	}
	for p, content := range contents {
		b.Files[path.Base(p)] = content
		b.newer(path.Base(p))
	}
	if tip != fork {
		paths, err := listFiles(ctx, top, tip, rel)
		if err != nil {
			return nil, fmt.Errorf("history: list %s at %s: %w", dirPath, ref, err)
		}
		for _, p := range sqlFiles(paths) {
			if name := path.Base(p); b.Files[name] == nil {
				b.Upstream = append(b.Upstream, name)
				b.newer(name)
			}
		}
	}
	return b, nil
}

// sqlFiles keeps the paths of .sql files.
func sqlFiles(paths []string) []string {
	var out []string
	for _, p := range paths {
		if strings.HasSuffix(p, ".sql") {
			out = append(out, p)
		}
	}
	return out
}

// newer raises Newest to the version of the base's file name.
func (b *Base) newer(name string) {
	if v := b.version(name); b.Newest == "" || migdir.CompareVersions(v, b.Newest) > 0 {
		b.Newest = v
	}
}

// Added returns the names of the files that are neither at the merge-base
// nor on the ref, in directory order: the files a change adds, which the
// safety analyzers lint. (After merging the ref, its newer files are in the
// directory but not the branch's.)
func (b *Base) Added(files []migrate.File) []string {
	var added []string
	for _, f := range files {
		if _, ok := b.Files[path.Base(f.Name())]; !ok && !slices.Contains(b.Upstream, path.Base(f.Name())) {
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
		name := path.Base(f.Name()) // Flyway's may be in a subdirectory
		present[name] = true
		old, merged := b.Files[name]
		switch {
		case slices.Contains(b.Upstream, name):
			// the ref's, merged into the branch: not the branch's to check
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
	for _, name := range slices.Concat(slices.Collect(maps.Keys(b.Files)), b.Upstream) {
		if migdir.CompareVersions(b.version(name), b.Newest) == 0 && name > newest {
			newest = name
		}
	}
	if newest == "" {
		return b.Newest
	}
	return newest
}

// version is a file name's version, as Atlas reads it in the base's format.
func (b *Base) version(name string) string {
	if b.format != dirformat.Atlas && b.format != "" {
		v, _, _ := dirformat.ParseName(b.format, name)
		return v
	}
	return version(name)
}

// version is a file name's version, as Atlas reads an Atlas-format file's.
func version(name string) string { return migrate.NewLocalFile(name, nil).Version() }
