// Package integrity turns the migration directory's own problems into
// findings: files that Atlas's format does not allow, atlas.sum out of step
// with the files, and a file that does not replay.
package integrity

import (
	"errors"
	"path/filepath"
	"strconv"

	"github.com/ledgerforge/schemactl/internal/dirformat"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgerr"
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
		switch {
		case p.LineEndings != "":
			f.Remedy = migdir.LineEndingsHint
		case p.NotMigrationIn != "":
			f.Remedy = "run `schemactl migrate hash` to hash the migrations alone, as the Atlas CLI v1.2 does"
		}
		if p.Kind != migdir.FileRemoved {
			f.Fix = &report.Location{File: path}
		}
		out = append(out, f)
	}
	return out
}

// fileCodes: DIR1xx for names and bytes, DIR2xx for directives; stable,
// documented in docs/lint.md.
var fileCodes = map[migdir.FileProblemKind]string{
	migdir.BadName:            "DIR101",
	migdir.OutOfOrder:         "DIR102",
	migdir.WrongCase:          "DIR103",
	migdir.ByteOrderMark:      "DIR104",
	migdir.UnknownDirective:   "DIR201",
	migdir.BadDirectiveValue:  "DIR202",
	migdir.MisplacedDirective: "DIR203",
	migdir.BadSection:         "DIR204",
}

var fileRemedies = map[migdir.FileProblemKind]string{
	migdir.BadName:            "rename the file to <version>_<name>.sql, then run `schemactl migrate hash`",
	migdir.OutOfOrder:         "rename the file so that versions increase in name order, then run `schemactl migrate hash` (for a file added on a branch: `schemactl migrate rebase`)",
	migdir.WrongCase:          "rename the file to end in .sql, then run `schemactl migrate hash`",
	migdir.ByteOrderMark:      "save the file as UTF-8 without a BOM, then run `schemactl migrate hash`",
	migdir.UnknownDirective:   "fix the directive's name, or make the line a plain comment, then run `schemactl migrate hash`",
	migdir.BadDirectiveValue:  "fix the directive's value, then run `schemactl migrate hash`",
	migdir.MisplacedDirective: "move the directive where it counts (see docs/lint.md), then run `schemactl migrate hash`",
	migdir.BadSection:         "mark the up section as the file's tool does (see docs/formats.md), then run `schemactl migrate hash`",
}

// Files returns one finding per problem of a migration file itself.
func Files(dir *migdir.Dir, problems []migdir.FileProblem) []report.Finding {
	out := make([]report.Finding, 0, len(problems))
	for _, p := range problems {
		path := filepath.ToSlash(filepath.Join(dir.Path(), p.File))
		remedy := fileRemedies[p.Kind]
		if p.Kind == migdir.BadName && dir.Format() != dirformat.Atlas {
			remedy = "rename the file to " + dirformat.Wanted(dir.Format()) + ", then run `schemactl migrate hash`"
		}
		out = append(out, report.Finding{
			Code:     fileCodes[p.Kind],
			Category: report.Integrity,
			Object:   path,
			Message:  p.String(),
			Fix:      &report.Location{File: path, Line: p.Line},
			Remedy:   remedy,
		})
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
		Message:  se.File + ":" + strconv.Itoa(se.Line) + ": " + pgerr.Message(se.Err) + se.Note,
		Stmt:     se.Stmt,
		Fix:      &report.Location{File: path, Line: se.Line},
		Remedy:   "fix the statement (then `schemactl migrate hash`), or regenerate the file with `schemactl migrate diff <name>`",
	}, nil
}
