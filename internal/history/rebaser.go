package history

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/migdir"
)

// Rename is one file renamed by Rebase.
type Rename struct{ From, To string }

// Rebase gives every added file that does not come after the base's newest
// a fresh version after it, keeping the added files' order and names, and
// rewrites atlas.sum (after a merge it may hold conflict markers, so the old
// one is not read). On a failure the renames done are undone.
func Rebase(dir *migdir.Dir, b *Base, now time.Time) ([]Rename, error) {
	files, err := dir.Files()
	if err != nil {
		return nil, err
	}
	taken := make([]migrate.File, 0, len(b.Files))
	for name := range b.Files {
		taken = append(taken, migrate.NewLocalFile(name, nil))
	}
	var renames []Rename
	for _, name := range b.Added(files) {
		if b.Newest == "" {
			break
		}
		if len(renames) == 0 && compareVersions(version(name), version(b.Newest)) > 0 {
			continue // already after the base, and so are the ones after it
		}
		v := migdir.NextVersion(taken, now)
		desc := ""
		if _, d, ok := strings.Cut(name, "_"); ok {
			desc = "_" + d
		} else {
			desc = ".sql"
			if !strings.HasSuffix(name, ".sql") {
				desc = ""
			}
		}
		to := v + desc
		if !strings.HasSuffix(to, ".sql") {
			to += ".sql"
		}
		taken = append(taken, migrate.NewLocalFile(to, nil))
		renames = append(renames, Rename{From: name, To: to})
	}
	for i, r := range renames {
		if err := os.Rename(filepath.Join(dir.Path(), r.From), filepath.Join(dir.Path(), r.To)); err != nil {
			return nil, errors.Join(fmt.Errorf("history: rebase %s: %w", r.From, err), undo(dir, renames[:i]))
		}
	}
	if err := dir.Hash(); err != nil {
		return nil, errors.Join(fmt.Errorf("history: rebase: %w", err), undo(dir, renames))
	}
	return renames, nil
}

func undo(dir *migdir.Dir, done []Rename) error {
	var errs []error
	for i := len(done) - 1; i >= 0; i-- {
		errs = append(errs, os.Rename(filepath.Join(dir.Path(), done[i].To), filepath.Join(dir.Path(), done[i].From)))
	}
	return errors.Join(errs...)
}
