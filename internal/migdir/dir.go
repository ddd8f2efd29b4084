// Package migdir is an Atlas-format migration directory: its files, its
// atlas.sum, and atomic writes.
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
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
)

// fileScheme is the only --dir URL scheme Atlas supports for local dirs.
const fileScheme = "file://"

// knownFormats are the formats Atlas accepts in ?format=. Only "atlas" is
// supported here; knowing the others lets the error say "not supported"
// rather than "unknown".
var knownFormats = []string{"atlas", "golang-migrate", "goose", "flyway", "liquibase", "dbmate"}

// Dir is an Atlas-format migration directory on the local file system.
type Dir struct {
	path  string
	local *migrate.LocalDir
}

// Open opens the migration directory named by u, which is either Atlas's
// --dir URL form ("file://migrations", "file:///abs/path",
// "file://migrations?format=atlas") or a bare path. The returned error wraps
// ErrNoDir when the path does not exist or is not a directory.
func Open(u string) (*Dir, error) {
	p, err := parseDirURL(u)
	if err != nil {
		return nil, err
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
	return &Dir{path: p, local: local}, nil
}

// parseDirURL turns a --dir value into a file system path. It does not use
// url.Parse on the whole value because "file://migrations" puts the
// (relative) path in the host part and url.Parse rejects hosts such as
// "my migrations"; like Atlas, host and path are simply joined.
func parseDirURL(u string) (string, error) {
	if u == "" {
		return "", errors.New("migration directory: empty path")
	}
	rest, isURL := strings.CutPrefix(u, fileScheme)
	if !isURL {
		if i := strings.Index(u, "://"); i > 0 && !strings.ContainsAny(u[:i], `/\`) {
			return "", fmt.Errorf("migration directory %q: unsupported scheme %q (want file://)", u, u[:i])
		}
		// A bare path is taken literally: '?' and '%' are valid in file names.
		return filepath.Clean(u), nil
	}
	p, rawQuery, _ := strings.Cut(rest, "?")
	if rawQuery != "" {
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return "", fmt.Errorf("migration directory %q: invalid query: %w", u, err)
		}
		for k, vs := range q {
			if k != "format" {
				return "", fmt.Errorf("migration directory %q: unsupported parameter %q", u, k)
			}
			for _, v := range vs {
				if v == "atlas" {
					continue
				}
				if slices.Contains(knownFormats, v) {
					return "", fmt.Errorf("migration directory %q: format %q is not supported (only \"atlas\")", u, v)
				}
				return "", fmt.Errorf("migration directory %q: unknown format %q (only \"atlas\" is supported)", u, v)
			}
		}
	}
	p, err := url.PathUnescape(p)
	if err != nil {
		return "", fmt.Errorf("migration directory %q: %w", u, err)
	}
	if p == "" {
		return "", fmt.Errorf("migration directory %q: empty path", u)
	}
	return filepath.Clean(filepath.FromSlash(p)), nil
}

// Path returns the directory's file system path (relative if it was given
// relative).
func (d *Dir) Path() string { return d.path }

// Local returns the underlying Atlas directory, for passing to Atlas APIs
// (planner, executor) that take a migrate.Dir.
func (d *Dir) Local() *migrate.LocalDir { return d.local }

// Files returns the directory's *.sql files ordered by name, as Atlas reads
// them.
func (d *Dir) Files() ([]migrate.File, error) {
	files, err := d.local.Files()
	if err != nil {
		return nil, fmt.Errorf("migration directory %q: %w", d.path, err)
	}
	return files, nil
}

// sumPath is the path of the directory's atlas.sum.
func (d *Dir) sumPath() string { return filepath.Join(d.path, migrate.HashFileName) }
