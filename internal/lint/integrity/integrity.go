// Package integrity turns the migration directory's own problems into
// findings: atlas.sum out of step with the files, and a file that does not
// replay.
package integrity

import (
	"errors"
	"path/filepath"
	"strconv"

	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/report"
	"github.com/ledgerforge/schemactl/internal/sqlscript"
)

// Codes per problem kind; stable, documented in docs/lint.md.
var sumCodes = map[migdir.ProblemKind]string{
	migdir.SumMissing:  "SUM101",
	migdir.FileAdded:   "SUM102",
	migdir.FileEdited:  "SUM103",
	migdir.FileRemoved: "SUM104",
	migdir.SumMismatch: "SUM105",
}

// ReplayCode is a file that fails to apply on a clean database.
const ReplayCode = "RPL101"

// Sum returns one finding per atlas.sum problem.
func Sum(dir *migdir.Dir, problems []migdir.Problem) []report.Finding {
	out := make([]report.Finding, 0, len(problems))
	for _, p := range problems {
		path := filepath.ToSlash(filepath.Join(dir.Path(), p.File))
		f := report.Finding{
			Code:     sumCodes[p.Kind],
			Category: report.Integrity,
			Object:   path,
			Message:  p.Describe(),
			Remedy:   "if the change is intended, run `schemactl migrate hash`; never edit a migration that was applied somewhere",
		}
		if p.Kind != migdir.FileRemoved {
			f.Fix = &report.Location{File: path}
		}
		out = append(out, f)
	}
	return out
}

// Replay turns a failed statement into a finding; other errors are not
// findings and are returned as they are.
func Replay(dir *migdir.Dir, err error) (*report.Finding, error) {
	var se *sqlscript.StmtError
	if !errors.As(err, &se) {
		return nil, err
	}
	path := filepath.ToSlash(filepath.Join(dir.Path(), se.File))
	return &report.Finding{
		Code:     ReplayCode,
		Category: report.Replay,
		Object:   path,
		Message:  se.File + ":" + strconv.Itoa(se.Line) + ": " + sqlscript.Message(se.Err),
		Stmt:     se.Stmt,
		Fix:      &report.Location{File: path, Line: se.Line},
		Remedy:   "fix the statement (then `schemactl migrate hash`), or regenerate the file with `schemactl migrate diff <name>`",
	}, nil
}
