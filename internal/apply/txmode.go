package apply

import (
	"fmt"

	"ariga.io/atlas/sql/migrate"

	"github.com/ledgerforge/schemactl/internal/migdir"
)

// Transaction modes, as Atlas names them.
const (
	TxFile = "file" // one transaction per file (the default)
	TxAll  = "all"  // one transaction for every pending file
	TxNone = "none" // no transaction: statements commit one by one
)

// TxModeError is a txmode directive the apply cannot honour. Its text is the
// Atlas CLI's.
type TxModeError struct {
	File string
	msg  string
}

func (e *TxModeError) Error() string { return e.msg }

// txModes returns the mode each file runs in under the global mode, or the
// first file whose directive cannot be honoured. The Atlas CLI makes the same
// checks (its tx.modeFor and txmodeFor), but lazily, when it reaches the
// file: under --tx-mode all that is after the files before it ran in the
// open transaction, only to be rolled back. Here they are made before
// anything runs, over the files about to run; applied files are not
// checked, as Atlas does not read them either.
func txModes(files []migrate.File, global string) ([]string, error) {
	modes := make([]string, len(files))
	for i, f := range files {
		m, err := modeFor(f, global)
		if err != nil {
			return nil, err
		}
		modes[i] = m
	}
	return modes, nil
}

// modeFor is Atlas's tx.modeFor: the file's directive, if it has one, else
// the global mode; under the global mode all, a file may not ask for less.
func modeFor(f migrate.File, global string) (string, error) {
	switch m, err := txmodeFor(f.Name(), migdir.TxModes(f)); {
	case err != nil:
		return "", err
	case m == "", m == global:
		return global, nil
	default: // m is none or file
		if global == TxAll {
			return "", &TxModeError{File: f.Name(), msg: fmt.Sprintf("cannot set txmode directive to %q in %q when txmode %q is set globally", m, f.Name(), TxAll)}
		}
		return m, nil
	}
}

// txmodeFor is Atlas's txmodeFor: the file's own txmode, "" when it has
// none.
// The header is read as LocalFile.Directive reads it, but also through CRLF
// line endings and a BOM, and a goose or dbmate file's own "no
// transaction" counts as none (migdir.TxModes).
func txmodeFor(name string, ds []string) (string, error) {
	switch {
	case len(ds) == 0:
		return "", nil
	case len(ds) > 1:
		return "", &TxModeError{File: name, msg: fmt.Sprintf("multiple txmode values found in file %q: %q", name, ds)}
	case ds[0] == TxAll:
		return "", &TxModeError{File: name, msg: fmt.Sprintf("txmode %q is not allowed in file directive %q. Use %q instead", TxAll, name, TxFile)}
	case ds[0] == TxNone, ds[0] == TxFile:
		return ds[0], nil
	default:
		return "", &TxModeError{File: name, msg: fmt.Sprintf("unknown txmode %q found in file directive %q", ds[0], name)}
	}
}
