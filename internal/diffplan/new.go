package diffplan

import (
	"fmt"
	"time"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/migdir"
)

// Empty is what `migrate new` writes in a directory of format f holding
// existing: an empty plan named name, with the next version, formatted as
// Atlas's formatters format it (`atlas migrate new`): Atlas's format an
// empty <version>[_<name>].sql; golang-migrate an empty .up.sql and
// .down.sql, Flyway an empty V and U file, goose and dbmate one file with
// its two sections and nothing in them. As in Plan, the formats whose tools
// want a name get "migration" when name is "".
func Empty(f dirformat.Format, existing []migrate.File, name string, now time.Time) ([]migdir.NewFile, error) {
	version := nextVersion(f, existing, now)
	if f == dirformat.Atlas || f == "" {
		fs, err := migrate.DefaultFormatter.Format(&migrate.Plan{Version: version, Name: name})
		if err != nil {
			return nil, fmt.Errorf("diffplan: format: %w", err)
		}
		out := make([]migdir.NewFile, len(fs))
		for i, file := range fs {
			out[i] = migdir.NewFile{Name: file.Name(), Data: file.Bytes()}
		}
		return out, nil
	}
	if name == "" {
		name = defaultName
	}
	return formatFiles(f, version, name, &migrate.Plan{Name: name}, "")
}
