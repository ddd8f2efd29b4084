package migdir

import (
	"bytes"
	"path/filepath"
	"regexp"

	"ariga.io/atlas/sql/migrate"
)

// Mention finds the first of files, and the line in it, that names ident,
// quoted or bare (not as part of a longer name): where an object was
// created. The path is slash-separated and joined to the directory's.
func (d *Dir) Mention(files []migrate.File, ident string) (path string, line int, ok bool) {
	re := regexp.MustCompile(`"` + regexp.QuoteMeta(ident) + `"|\b` + regexp.QuoteMeta(ident) + `\b`)
	for _, f := range files {
		if loc := re.FindIndex(f.Bytes()); loc != nil {
			return filepath.ToSlash(filepath.Join(d.path, f.Name())), 1 + bytes.Count(f.Bytes()[:loc[0]], []byte("\n")), true
		}
	}
	return "", 0, false
}
