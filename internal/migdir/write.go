package migdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/atomicfile"
	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// fileMode is what migrate.LocalDir.WriteFile uses, so files written here
// look the same as files written by the atlas CLI.
const fileMode = 0o644

// rename places a finished temp file. It is a variable only so tests can
// make a rename fail midway and check the rollback.
var rename = os.Rename

// NewFile is a migration file to add to the directory.
type NewFile struct {
	Name string // base name, e.g. "20260101000000_init.sql"
	Data []byte
}

// WriteFiles adds new migration files and the matching atlas.sum, all or
// nothing: it refuses a directory whose atlas.sum is out of date (error
// wrapping ErrChecksum, as Atlas refuses to plan on it) and names that
// already exist (ErrFileExists, checked first); then it writes and fsyncs every file to a
// temp file, renames the migrations into place and atlas.sum last. On any
// failure everything already created or renamed is removed, so the
// directory is exactly as before.
func (d *Dir) WriteFiles(files []NewFile) error {
	if len(files) == 0 {
		return nil
	}
	if err := validateNames(files); err != nil {
		return err
	}
	// Collisions first: they are about this request, and a directory
	// named *.sql would otherwise surface as an unclear read error.
	for _, f := range files {
		target := filepath.Join(d.path, f.Name)
		if _, err := os.Lstat(target); err == nil {
			return fmt.Errorf("%s: %w", target, ErrFileExists)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %w", target, err)
		}
	}
	problems, err := d.CheckSum()
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		more := ""
		if len(problems) > 1 {
			more = fmt.Sprintf(" (and %d more)", len(problems)-1)
		}
		return fmt.Errorf("%w: %s%s", ErrChecksum, problems[0], more)
	}
	existing, err := d.Files()
	if err != nil {
		return err
	}
	// The new sum covers what the format will read once the files are
	// written (not a golang-migrate .down.sql), in the order it runs them.
	all, err := d.FilesWith(files)
	if err != nil {
		return err
	}
	if err := checkNewNames(d.format, existing, all); err != nil {
		return err
	}
	sum, err := sumBytes(all)
	if err != nil {
		return fmt.Errorf("hash %s: %w", d.path, err)
	}
	return d.place(append(slices.Clone(files), NewFile{Name: migrate.HashFileName, Data: sum}))
}

// FilesWith returns the migrations the directory will have once files are
// written, in the order Atlas runs them.
func (d *Dir) FilesWith(files []NewFile) ([]migrate.File, error) {
	add := make(map[string][]byte, len(files))
	for _, f := range files {
		add[f.Name] = f.Data
	}
	all, err := dirformat.Files(dirformat.With(os.DirFS(d.path), add), d.format)
	if err != nil {
		return nil, fmt.Errorf("migration directory %q: %w", d.path, err)
	}
	return all, nil
}

// validateNames rejects names that would escape the directory, would not be
// read back as migrations, or collide within the batch.
func validateNames(files []NewFile) error {
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		switch {
		case f.Name != filepath.Base(f.Name) || strings.ContainsAny(f.Name, `/\`):
			return fmt.Errorf("%q: %w: must be a base name", f.Name, ErrBadName)
		case !strings.HasSuffix(f.Name, ".sql") || f.Name == ".sql":
			return fmt.Errorf("%q: %w: must end in .sql", f.Name, ErrBadName)
		case seen[f.Name]:
			return fmt.Errorf("%q: %w: given twice", f.Name, ErrBadName)
		}
		seen[f.Name] = true
	}
	return nil
}

// checkNewNames refuses new files that would break the format's naming
// rules: a version that is not all digits, or a file that runs before an
// existing one, so that Atlas would run it before files that may already
// be applied (or out of version order). Problems the directory already
// had are not the new files' doing. A Flyway repeatable file runs after
// every versioned one, new or not.
func checkNewNames(format dirformat.Format, existing, all []migrate.File) error {
	old := make(map[string]bool, len(existing))
	for _, f := range existing {
		old[f.Name()] = true
	}
	last := -1
	for i, f := range all {
		if old[f.Name()] && f.Version() != "" {
			last = i
		}
	}
	for _, f := range all[:last+1] {
		if !old[f.Name()] {
			return fmt.Errorf("%w: %s %s before %s: Atlas runs files in %s order, so a new file must come last", ErrBadName, f.Name(), runsBefore(format), all[last].Name(), orderOf(format))
		}
	}
	had := map[string]bool{}
	for _, p := range checkNames(format, existing) {
		had[p.String()] = true
	}
	for _, p := range checkNames(format, all) {
		if !had[p.String()] {
			return fmt.Errorf("%w: %s", ErrBadName, p)
		}
	}
	return nil
}

// place writes files (atlas.sum last) via temp files. All temp files are
// written and fsynced before the first rename, so a write error (disk full)
// leaves nothing visible; a rename error rolls back the earlier renames.
// Only atlas.sum replaces an existing file: WriteFiles checked the others
// do not exist, and the old atlas.sum stays until the final rename succeeds.
func (d *Dir) place(files []NewFile) (err error) {
	temps := make([]string, 0, len(files))
	var placed []string
	defer func() {
		if err == nil {
			return
		}
		var errs []error
		for _, p := range slices.Backward(placed) {
			if rmErr := os.Remove(p); rmErr != nil {
				errs = append(errs, fmt.Errorf("rollback: %w", rmErr))
			}
		}
		for _, t := range temps[len(placed):] {
			if rmErr := os.Remove(t); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("rollback: %w", rmErr))
			}
		}
		err = errors.Join(append([]error{err}, errs...)...)
	}()
	for _, f := range files {
		t, err := atomicfile.WriteTemp(d.path, f.Name, f.Data, fileMode)
		if err != nil {
			return err
		}
		temps = append(temps, t)
	}
	for i, f := range files {
		target := filepath.Join(d.path, f.Name)
		if err := rename(temps[i], target); err != nil {
			return fmt.Errorf("write %s: %w", target, err)
		}
		placed = append(placed, target)
	}
	atomicfile.SyncDir(d.path)
	return nil
}
