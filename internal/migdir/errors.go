package migdir

import (
	"errors"
	"fmt"

	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// Sentinels let callers (the CLI) choose exit codes and hints with errors.Is
// instead of matching message text; every error that wraps one also names
// the path or file it is about.
var (
	// ErrNoDir: the migration directory does not exist or is not a directory.
	ErrNoDir = errors.New("migration directory not found")
	// ErrChecksum: atlas.sum does not match the migration files. Atlas
	// refuses to plan on such a directory, and so does WriteFiles.
	ErrChecksum = errors.New("migration directory integrity check failed")
	// ErrMalformedSum: atlas.sum cannot be parsed, or its header hash does
	// not match its own entries (it was edited by hand).
	ErrMalformedSum = errors.New("malformed atlas.sum")
	// ErrFileExists: WriteFiles refuses to overwrite an existing file.
	ErrFileExists = errors.New("migration file already exists")
	// ErrBadName: a new file name is not a plain "*.sql" file name.
	ErrBadName = errors.New("invalid migration file name")
	// ErrFormatMismatch: the directory looks like another format than the
	// one it is read in.
	ErrFormatMismatch = errors.New("directory format not declared")
)

// FormatError is a directory that looks like another format than the one
// it is read in. It matches ErrFormatMismatch.
type FormatError struct {
	Path string
	URL  string           // the --dir value, for the declaration
	Read dirformat.Format // the format it is read in
	Sign dirformat.Evidence
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("migration directory %q looks like %s directory (%s) but is read as %s directory: declare its format with %s",
		e.Path, e.Sign.Format.Article(), e.Sign, e.Read.Article(), e.Sign.Format.Declare(e.URL))
}

// Is makes errors.Is(err, ErrFormatMismatch) true.
func (e *FormatError) Is(target error) bool { return target == ErrFormatMismatch }
