package initproj

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ledgerforge/schemactl/internal/atomicfile"
	"github.com/ledgerforge/schemactl/internal/migdir"
)

// Output is one thing init writes.
type Output struct {
	Path string // a file, or the migration directory to create
	Data []byte // the file's content; nil for the directory
	// Dir: Path is a migration directory to create, with an atlas.sum
	// for its no files, so that git keeps it and diff can write into it.
	Dir bool
}

// Write writes outs in order, each file atomically (atomicfile): a file
// is either its old self or wholly new. If one fails, the ones written
// before it that did not exist are removed again, and the directories
// created for them, so that a failed init leaves nothing behind. (A file
// replaced under --force keeps its new content: its old one is gone.)
func Write(outs []Output) (err error) {
	var created []string // files and directories, in creation order
	defer func() {
		if err == nil {
			return
		}
		for i := len(created) - 1; i >= 0; i-- {
			_ = os.Remove(created[i])
		}
	}()
	mkdirs := func(dir string) error {
		var missing []string
		for d := dir; ; d = filepath.Dir(d) {
			if _, err := os.Stat(d); err == nil || d == filepath.Dir(d) {
				break
			}
			missing = append(missing, d)
		}
		for i := len(missing) - 1; i >= 0; i-- {
			if err := os.Mkdir(missing[i], 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("initproj: %w", err)
			}
			created = append(created, missing[i])
		}
		return nil
	}
	for _, o := range outs {
		if o.Dir {
			if err := mkdirs(o.Path); err != nil {
				return err
			}
			d, err := migdir.Open(o.Path)
			if err != nil {
				return fmt.Errorf("initproj: %w", err)
			}
			sum := filepath.Join(o.Path, "atlas.sum")
			if err := d.Hash(); err != nil {
				return fmt.Errorf("initproj: %w", err)
			}
			created = append(created, sum)
			continue
		}
		if err := mkdirs(filepath.Dir(o.Path)); err != nil {
			return err
		}
		_, statErr := os.Stat(o.Path)
		if err := atomicfile.Write(o.Path, o.Data, 0o644); err != nil {
			return fmt.Errorf("initproj: %w", err)
		}
		if errors.Is(statErr, fs.ErrNotExist) {
			created = append(created, o.Path)
		}
	}
	return nil
}
