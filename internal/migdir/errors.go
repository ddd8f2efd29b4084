package migdir

import "errors"

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
)
