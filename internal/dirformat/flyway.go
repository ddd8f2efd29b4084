package dirformat

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"ariga.io/atlas/sql/migrate"
)

// Flyway files, as sqltool's FlywayDir reads them: V (versioned), B
// (baseline) and R (repeatable) files anywhere in the directory tree
// except hidden directories; U (undo) files are not migrations. The
// newest baseline replaces the versioned files it includes. Files run in
// the order baseline, versioned (by version), repeatable (by name); a
// repeatable file has no version, and Atlas records it under "".
//
// Atlas compares a versioned file's version with the baseline's as text
// (so V10 is "included" in B2), and its executor compares versions as
// text too; both are kept, since atlas.sum and the recorded versions must
// be Atlas's.

// flywayFiles walks fsys and returns its migrations in Atlas's order.
func flywayFiles(fsys fs.FS) ([]migrate.File, error) {
	var ff flywaySet
	err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && e.IsDir() {
			if strings.HasPrefix(e.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			return nil
		}
		name := e.Name()
		if path.Ext(name) != ".sql" || len(name) < 4 || !strings.ContainsRune("VBR", rune(name[0])) {
			return nil
		}
		ff.add(p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	names := ff.names()
	files := make([]migrate.File, len(names))
	for i, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("read file %q: %w", n, err)
		}
		files[i] = &flywayFile{migrate.NewLocalFile(n, b)}
	}
	return files, nil
}

// flywaySet collects the files by kind, keeping only the newest baseline.
type flywaySet struct {
	baseline   string
	versioned  []string
	repeatable []string
}

// add is sqltool's flywayFiles.add, including its comparisons.
func (ff *flywaySet) add(p string) {
	switch path.Base(p)[0] {
	case 'B':
		if ff.baseline != "" && flywayVersion(p) < flywayVersion(ff.baseline) {
			return
		}
		ff.baseline = p
		bv := flywayVersion(ff.baseline)
		// sqltool compares the file's path, not its version, with the
		// baseline's version: a V file is never dropped here.
		ff.versioned = slices.DeleteFunc(ff.versioned, func(v string) bool { return !(v > bv) })
	case 'V':
		if ff.baseline == "" || flywayVersion(ff.baseline) < flywayVersion(p) {
			ff.versioned = append(ff.versioned, p)
		}
	case 'R':
		ff.repeatable = append(ff.repeatable, p)
	}
}

func (ff *flywaySet) names() []string {
	var names []string
	if ff.baseline != "" {
		names = append(names, ff.baseline)
	}
	flywaySort(ff.versioned)
	flywaySort(ff.repeatable)
	names = append(names, ff.versioned...)
	return append(names, ff.repeatable...)
}

// flywaySort orders by version, compared as numbers part by part ("1.10"
// after "1.9"). It is sort.Slice, as in sqltool, not a stable sort: files
// of equal versions (all repeatable files) must come out in the order
// Atlas's sort leaves them, or atlas.sum would differ.
func flywaySort(files []string) {
	sort.Slice(files, func(i, j int) bool {
		return flywayCompare(flywayVersion(files[i]), flywayVersion(files[j])) < 0
	})
}

func flywayCompare(v1, v2 string) int {
	parse := func(s string) []int {
		var out []int
		for _, part := range strings.Split(strings.ReplaceAll(s, "_", "."), ".") {
			n, _ := strconv.Atoi(part) // 0 for non-numeric parts
			out = append(out, n)
		}
		return out
	}
	return slices.Compare(parse(v1), parse(v2))
}

// flywayVersion is the version of a V or B file ("V1_1__x.sql" is
// "1_1"); an R file has none.
func flywayVersion(p string) string {
	base := path.Base(p)
	if base[0] == 'R' {
		return ""
	}
	return strings.SplitN(strings.TrimSuffix(base, ".sql"), "__", 2)[0][1:]
}

// flywayDesc is what follows "__", without ".sql".
func flywayDesc(p string) string {
	parts := strings.SplitN(p, "__", 2)
	if len(parts) == 1 {
		return ""
	}
	return strings.TrimSuffix(parts[1], ".sql")
}

// CompareFlyway orders Flyway versions as Atlas orders the files: numbers
// part by part, "." and "_" alike ("1.10" after "1.9").
func CompareFlyway(v1, v2 string) int { return flywayCompare(v1, v2) }
