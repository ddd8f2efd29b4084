// Package migdir is a migration directory, in Atlas's format or another
// one Atlas reads (golang-migrate, goose, flyway, dbmate; see
// internal/dirformat): its files, its atlas.sum, and atomic writes.
//
// Reading and hashing are delegated to ariga.io/atlas/sql/migrate so that
// what schemactl writes is byte-identical to what the atlas CLI writes and
// accepts; this package only adds URL parsing, integrity reports that name
// files, and writes that never leave a half-written directory behind.
package migdir

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/dirformat"
)

// fileScheme is the only --dir URL scheme Atlas supports for local dirs.
const fileScheme = "file://"

// Dir is a migration directory on the local file system, in Atlas's format
// or another one Atlas reads (internal/dirformat).
type Dir struct {
	path   string
	format dirformat.Format
	atlas  migrate.Dir // local in its format, as Atlas's executor takes it
}

// Open opens the migration directory named by u, which is either Atlas's
// --dir URL form ("file://migrations", "file:///abs/path",
// "file://migrations?format=goose") or a bare path. The returned error
// wraps ErrNoDir when the path does not exist or is not a directory.
func Open(u string) (*Dir, error) { return OpenFormat(u, "") }

// OpenFormat is Open with the format atlas.hcl declares (`migration {
// format }`, "" for none); a ?format= in u wins, as in Atlas. A directory
// that looks like another format than the one it is read in (see
// dirformat.Mismatch) is an error wrapping ErrFormatMismatch that says how
// to declare it: read as Atlas's, golang-migrate's down files would run as
// migrations and `migrate hash` would write a sum Atlas rejects.
func OpenFormat(u, format string) (*Dir, error) {
	p, query, err := parseDirURL(u)
	if err != nil {
		return nil, err
	}
	if query != "" {
		format = query
	}
	f, err := dirformat.Parse(format)
	if err != nil {
		return nil, fmt.Errorf("migration directory %q: %w", u, err)
	}
	fi, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("migration directory %q does not exist: %w", p, ErrNoDir)
	case err != nil:
		return nil, fmt.Errorf("migration directory %q: %w", p, err)
	case !fi.IsDir():
		return nil, fmt.Errorf("migration directory %q is not a directory: %w", p, ErrNoDir)
	}
	local, err := migrate.NewLocalDir(p)
	if err != nil {
		return nil, fmt.Errorf("migration directory %q: %w", p, err)
	}
	e, err := dirformat.Mismatch(os.DirFS(p), f)
	if err != nil {
		return nil, fmt.Errorf("migration directory %q: %w", p, err)
	}
	if e != nil {
		return nil, &FormatError{Path: p, URL: u, Read: f, Sign: *e}
	}
	return &Dir{path: p, format: f, atlas: dirformat.Dir(local, f)}, nil
}

// parseDirURL turns a --dir value into a file system path and the format
// its query names. It does not use url.Parse on the whole value because
// "file://migrations" puts the (relative) path in the host part and
// url.Parse rejects hosts such as "my migrations"; like Atlas, host and
// path are simply joined.
func parseDirURL(u string) (path, format string, err error) {
	if u == "" {
		return "", "", errors.New("migration directory: empty path")
	}
	rest, isURL := strings.CutPrefix(u, fileScheme)
	if !isURL {
		if i := strings.Index(u, "://"); i > 0 && !strings.ContainsAny(u[:i], `/\`) {
			return "", "", fmt.Errorf("migration directory %q: unsupported scheme %q (want file://)", u, u[:i])
		}
		// A bare path is taken literally: '?' and '%' are valid in file names.
		return filepath.Clean(u), "", nil
	}
	p, rawQuery, _ := strings.Cut(rest, "?")
	if rawQuery != "" {
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return "", "", fmt.Errorf("migration directory %q: invalid query: %w", u, err)
		}
		for k := range q {
			if k != "format" {
				return "", "", fmt.Errorf("migration directory %q: unsupported parameter %q", u, k)
			}
		}
		format = q.Get("format")
	}
	p, err = url.PathUnescape(p)
	if err != nil {
		return "", "", fmt.Errorf("migration directory %q: %w", u, err)
	}
	if p == "" {
		return "", "", fmt.Errorf("migration directory %q: empty path", u)
	}
	return filepath.Clean(filepath.FromSlash(p)), format, nil
}

// Path returns the directory's file system path (relative if it was given
// relative).
func (d *Dir) Path() string { return d.path }

// Format is the format the directory is read in.
func (d *Dir) Format() dirformat.Format { return d.format }

// Migrate returns the directory as Atlas's APIs (executor, validation)
// take a migrate.Dir: in its format, atlas.sum covering its migrations.
func (d *Dir) Migrate() migrate.Dir { return d.atlas }

// Files returns the directory's migrations in the order Atlas runs them:
// for Atlas's format its *.sql files by name; for the others see
// dirformat.Files.
func (d *Dir) Files() ([]migrate.File, error) {
	files, err := d.atlas.Files()
	if err != nil {
		return nil, fmt.Errorf("migration directory %q: %w", d.path, err)
	}
	return files, nil
}

// sumPath is the path of the directory's atlas.sum.
func (d *Dir) sumPath() string { return filepath.Join(d.path, migrate.HashFileName) }
