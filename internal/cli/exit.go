package cli

import (
	"context"
	"errors"

	"github.com/ledgerforge/schemactl/internal/diffplan"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

// Exit statuses, the same for every command.
const (
	ExitOK       = 0 // nothing to report
	ExitFindings = 1 // findings or drift: the report says what
	ExitError    = 2 // the tool could not run: bad input, no database
)

// FindingsError means the report (or the error line) is the finding itself.
type FindingsError struct{ Err error }

func (e *FindingsError) Error() string { return e.Err.Error() }
func (e *FindingsError) Unwrap() error { return e.Err }

// errSilent means the report is already printed; exit 1 without a message.
var errSilent = errors.New("findings reported")

// exitCode maps an error to the process status. Problems in the migration
// directory or the schemas that a human must fix are findings (1); anything
// that stopped the tool from looking is an error (2).
func exitCode(err error) int {
	var se *sqlscript.StmtError
	var fe *FindingsError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled):
		return ExitError
	case errors.Is(err, errSilent), errors.As(err, &fe), errors.As(err, &se),
		errors.Is(err, migdir.ErrChecksum), errors.Is(err, diffplan.ErrUnplannable):
		return ExitFindings
	default:
		return ExitError
	}
}
