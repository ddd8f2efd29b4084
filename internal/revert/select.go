package revert

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/migdir"
)

// selection is which applied files go back and which stay.
type selection struct {
	keep   []migrate.File // the files the target version is made of (a baseline's included)
	revert []File         // oldest first
}

// File is one file a down reverts.
type File struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Applied and Total are the statements of it that ran, and its
	// statements: a file applied partially (its apply failed with no
	// transaction, or was killed) is reverted as far as it ran.
	Applied int `json:"applied"`
	Total   int `json:"total"`
	file    migrate.File
}

// ran is what of the file the database ran: all of it, or its statements
// up to the one that failed, as a file of their own (for the replay).
func (f File) ran() (migrate.File, error) {
	if f.Applied >= f.Total {
		return f.file, nil
	}
	stmts, err := f.file.StmtDecls()
	if err != nil {
		return nil, fmt.Errorf("revert: %s: %w", f.Name, err)
	}
	var b strings.Builder
	if slices.Contains(migdir.TxModes(f.file), "none") {
		b.WriteString("-- atlas:txmode none\n\n")
	}
	for _, s := range stmts[:f.Applied] {
		b.WriteString(strings.TrimSpace(s.Text))
		if !strings.HasSuffix(b.String(), ";") {
			b.WriteString(";")
		}
		b.WriteString("\n")
	}
	return migrate.NewLocalFile(f.file.Name(), []byte(b.String())), nil
}

// errNothing means no applied file can be reverted.
var errNothing = errors.New("no applied migration file to revert")

// choose selects the files to revert: the last n applied, or those after
// version to (when set). Files a baseline revision covers were never
// applied by a migration tool: they cannot be reverted, and stay. A
// revision without its file, or a file pending between applied ones,
// leaves no directory state the database is known to be in: refused.
func choose(files []migrate.File, revs []*migrate.Revision, n int, to string) (*selection, error) {
	byVersion := map[string]*migrate.Revision{}
	baseline := -1 // index in files of the last baselined file
	for _, r := range revs {
		byVersion[r.Version] = r
	}
	known := map[string]bool{}
	for i, f := range files {
		known[f.Version()] = true
		if r, ok := byVersion[f.Version()]; ok && r.Type.Has(migrate.RevisionTypeBaseline) {
			baseline = i
		}
	}
	for _, r := range revs {
		if !known[r.Version] {
			return nil, fmt.Errorf("revert: the database records version %s as applied, and no file of the directory has that version: restore the file", r.Version)
		}
	}
	sel := &selection{keep: slices.Clone(files[:baseline+1])}
	var applied []File
	pending := ""
	for _, f := range files[baseline+1:] {
		r, ok := byVersion[f.Version()]
		if !ok {
			if pending == "" {
				pending = f.Name()
			}
			continue
		}
		if pending != "" {
			return nil, fmt.Errorf("revert: %s is pending before the applied %s: apply it first (`schemactl migrate apply`), or the directory's order is not the one the database was built in", pending, f.Name())
		}
		if n := len(applied); n > 0 && applied[n-1].Applied < applied[n-1].Total {
			p := applied[n-1]
			return nil, fmt.Errorf("revert: %s was applied partially (%d of %d statements), and %s after it: the database is in no state the directory describes", p.Name, p.Applied, p.Total, f.Name())
		}
		applied = append(applied, File{Name: f.Name(), Version: f.Version(), Applied: int(r.Applied), Total: int(r.Total), file: f})
	}
	if len(applied) == 0 && to == "" {
		return nil, errNothing
	}
	k := len(applied) - n // how many stay
	if to != "" {
		i := slices.IndexFunc(sel.keep, func(f migrate.File) bool { return f.Version() == to })
		switch j := slices.IndexFunc(applied, func(f File) bool { return f.Version == to }); {
		case j >= 0:
			k = j + 1
		case i >= 0 && i == len(sel.keep)-1:
			k = 0 // the baseline itself
		case i >= 0:
			return nil, fmt.Errorf("--to-version %s: the database was adopted at version %s (its baseline): it cannot go back further", to, sel.keep[len(sel.keep)-1].Version())
		default:
			return nil, fmt.Errorf("--to-version %s: no applied file has this version", to)
		}
		if k == len(applied) {
			return nil, errNothing // at that version already, as a second run finds it
		}
	} else if k < 0 {
		if baseline >= 0 {
			return nil, fmt.Errorf("argument \"%d\": only %d applied file(s) can be reverted; the database was adopted at version %s (its baseline)", n, len(applied), files[baseline].Version())
		}
		return nil, fmt.Errorf("argument \"%d\": only %d applied file(s) can be reverted", n, len(applied))
	}
	for _, f := range applied[:k] {
		sel.keep = append(sel.keep, f.file)
	}
	sel.revert = applied[k:]
	return sel, nil
}

// current is the files as the database ran them: those that stay, then the
// reverted ones (the last perhaps partially).
func (s *selection) current() ([]migrate.File, error) {
	out := slices.Clone(s.keep)
	for _, f := range s.revert {
		r, err := f.ran()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
