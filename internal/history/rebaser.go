package history

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/migdir"
)

// rename moves a file. It is a variable only so tests can make a rename
// fail midway and check the rollback.
var rename = os.Rename

// Rename is one file renamed by Rebase (base names).
type Rename struct{ From, To string }

// Rebase gives every added file whose version is not after the base's
// newest a fresh version after it, keeping the added files' relative order
// and descriptions, and rewrites atlas.sum. It does not read the old
// atlas.sum, which after a merge may hold conflict markers.
//
// A file is renamed when its version is not after every version before it:
// the base's (at the merge-base or on the ref since, present or deleted)
// and the earlier added files' final ones.
// So the added files' final versions strictly increase, and a file left
// alone is never overtaken by a renamed one. New versions come from
// migdir.NextVersion, so they are now's UTC stamp when that is later.
//
// It returns the renames done, in directory order; none when nothing needed
// renaming (atlas.sum is rewritten anyway). On a failure the renames
// already done are undone and atlas.sum is left as it was.
func Rebase(dir *migdir.Dir, b *Base, now time.Time) ([]Rename, error) {
	files, err := dir.Files()
	if err != nil {
		return nil, fmt.Errorf("history: rebase: %w", err)
	}
	if dir.Format() == dirformat.Flyway {
		return nil, fmt.Errorf("history: rebase: a Flyway directory is not rebased: give the added V files versions after %s by hand, then run `schemactl migrate hash`", b.Newest)
	}
	renames := plan(b, b.Added(files), now)
	if dir.Format() == dirformat.GolangMigrate {
		// A down file follows its up file.
		for _, r := range slices.Clone(renames) {
			down := strings.TrimSuffix(r.From, ".up.sql") + ".down.sql"
			if _, err := os.Lstat(filepath.Join(dir.Path(), down)); err == nil {
				renames = append(renames, Rename{From: down, To: strings.TrimSuffix(r.To, ".up.sql") + ".down.sql"})
			}
		}
	}
	// Renaming the last file first means no target is still the name of a
	// file waiting for its own rename (see plan); a target that exists all
	// the same is refused rather than overwritten.
	var done []Rename
	for _, r := range slices.Backward(renames) {
		from, to := filepath.Join(dir.Path(), r.From), filepath.Join(dir.Path(), r.To)
		err := occupied(to)
		if err == nil {
			err = rename(from, to)
		}
		if err != nil {
			return nil, errors.Join(fmt.Errorf("history: rebase: rename %s to %s: %w", r.From, r.To, err), undo(dir, done))
		}
		done = append(done, r)
	}
	if err := dir.Hash(); err != nil {
		return nil, errors.Join(fmt.Errorf("history: rebase: %w", err), undo(dir, done))
	}
	return renames, nil
}

// plan computes the renames of added (names in directory order).
func plan(b *Base, added []string, now time.Time) []Rename {
	if b.Newest == "" {
		return nil // nothing merged to come after
	}
	taken := make([]migrate.File, 0, len(b.Files)+len(b.Upstream)+len(added))
	for name := range b.Files {
		taken = append(taken, migrate.NewLocalFile(name, nil))
	}
	for _, name := range b.Upstream {
		taken = append(taken, migrate.NewLocalFile(name, nil))
	}
	floor := b.Newest
	var renames []Rename
	for _, name := range added {
		to := name
		if migdir.CompareVersions(b.version(name), floor) <= 0 {
			v := migdir.NextVersion(taken, now)
			to = v + ".sql"
			if _, desc, ok := strings.Cut(name, "_"); ok {
				to = v + "_" + desc
			}
			renames = append(renames, Rename{From: name, To: to})
		}
		taken = append(taken, migrate.NewLocalFile(to, nil))
		floor = b.version(to)
	}
	return renames
}

// occupied returns an error if path exists: os.Rename would replace it.
func occupied(path string) error {
	_, err := os.Lstat(path)
	switch {
	case err == nil:
		return fs.ErrExist
	case errors.Is(err, fs.ErrNotExist):
		return nil
	}
	return err
}

// undo reverts done (in the order they were done), last first.
func undo(dir *migdir.Dir, done []Rename) error {
	var errs []error
	for _, r := range slices.Backward(done) {
		if err := rename(filepath.Join(dir.Path(), r.To), filepath.Join(dir.Path(), r.From)); err != nil {
			errs = append(errs, fmt.Errorf("history: undo rename %s to %s: %w", r.From, r.To, err))
		}
	}
	return errors.Join(errs...)
}
