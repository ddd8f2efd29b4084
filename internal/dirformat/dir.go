package dirformat

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing/fstest"

	"ariga.io/atlas/sql/migrate"
)

// dir is a local directory in a format other than Atlas's, as Atlas's
// executor takes it: its files are the format's migrations, and its
// checksum covers exactly those. It does not offer Atlas's checkpoint
// files, as sqltool's directories do not.
type dir struct {
	local  *migrate.LocalDir
	format Format
}

// Dir returns the directory local read in format f, for Atlas's executor
// and validation (migrate.Validate reads atlas.sum through it). Atlas's
// own format is local itself.
func Dir(local *migrate.LocalDir, f Format) migrate.Dir {
	if f == Atlas || f == "" {
		return local
	}
	return &dir{local: local, format: f}
}

func (d *dir) Open(name string) (fs.File, error)     { return d.local.Open(name) }
func (d *dir) WriteFile(name string, b []byte) error { return d.local.WriteFile(name, b) }
func (d *dir) Path() string                          { return d.local.Path() }
func (d *dir) Files() ([]migrate.File, error)        { return Files(d.local, d.format) }

// Checksum is atlas.sum as the Atlas CLI computes it for the format: the
// migrations, in the order they run.
func (d *dir) Checksum() (migrate.HashFile, error) {
	files, err := d.Files()
	if err != nil {
		return nil, err
	}
	return migrate.NewHashFile(files)
}

// With returns fsys as it will be once the files add (base name ->
// content) are written at its top level: what a new atlas.sum must cover
// is decided by the format's rules over the whole directory.
func With(fsys fs.FS, add map[string][]byte) fs.FS {
	m := fstest.MapFS{}
	for n, b := range add {
		m[n] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	return overlay{base: fsys, add: m}
}

type overlay struct {
	base fs.FS
	add  fstest.MapFS
}

func (o overlay) Open(name string) (fs.File, error) {
	if _, ok := o.add[name]; ok {
		return o.add.Open(name)
	}
	return o.base.Open(name)
}

func (o overlay) ReadFile(name string) ([]byte, error) {
	if f, ok := o.add[name]; ok {
		return slices.Clone(f.Data), nil
	}
	return fs.ReadFile(o.base, name)
}

// ReadDir lists the base directory with the added files in it.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	es, err := fs.ReadDir(o.base, name)
	if err != nil && !(name == "." && errors.Is(err, fs.ErrNotExist)) {
		return nil, err
	}
	if name != "." {
		return es, nil
	}
	added, err := o.add.ReadDir(".")
	if err != nil {
		return nil, err
	}
	es = slices.DeleteFunc(es, func(e fs.DirEntry) bool { _, ok := o.add[e.Name()]; return ok })
	es = append(es, added...)
	slices.SortFunc(es, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return es, nil
}
