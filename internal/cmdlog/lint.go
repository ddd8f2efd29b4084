package cmdlog

import (
	"fmt"
	"strings"
	"text/template"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqlcheck"

	"github.com/ledgerforge/schemactl/internal/report"
)

// Lint is `migrate lint`'s report as Atlas's SummaryReport shapes it:
// Env, Steps and Files (one per reviewed file, with its reports per
// analyzer and their diagnostics). Summary, Findings and Notes are
// schemactl's: every finding, the consistency ones included.
type Lint struct {
	Env   Env           `json:"Env"`
	Steps []*StepReport `json:"Steps,omitempty"`
	Files []*FileReport `json:"Files,omitempty"`

	Summary  report.Summary   `json:"Summary"`
	Findings []report.Finding `json:"Findings"`
	Notes    []string         `json:"Notes,omitempty"`
}

// StepReport is one step of the run, as Atlas's.
type StepReport struct {
	Name   string      `json:"Name,omitempty"`
	Text   string      `json:"Text,omitempty"`
	Error  string      `json:"Error,omitempty"`
	Result *FileReport `json:"Result,omitempty"`
}

// FileReport is one reviewed file, as Atlas's: Error holds the reports
// that fail the run, joined.
type FileReport struct {
	Name    string            `json:"Name,omitempty"`
	Text    string            `json:"Text,omitempty"`
	Reports []sqlcheck.Report `json:"Reports,omitempty"`
	Error   string            `json:"Error,omitempty"`
}

// Line is the line of a position in the file, as Atlas's templates use it.
func (f *FileReport) Line(pos int) int {
	return strings.Count(f.Text[:min(pos, len(f.Text))], "\n") + 1
}

// reportText is each category's report heading, Atlas's where it has the
// analyzer.
var reportText = map[report.Category]string{
	report.Destructive:     "destructive changes detected",
	report.DataDependent:   "data dependent changes detected",
	report.Incompatible:    "backward incompatible changes detected",
	report.ConstraintDrop:  "constraint deletion detected",
	report.ConcurrentIndex: "concurrent index violations detected",
	report.Locking:         "lock and rewrite hazards detected",
	report.History:         "migration history changes detected",
}

// NewLint shapes r; reviewed are the files the review read, in order.
func NewLint(r *report.Report, dir string, all, reviewed []migrate.File) *Lint {
	l := &Lint{Env: Env{Driver: "postgres", Dir: dir}, Summary: r.Summary, Findings: r.Findings, Notes: r.Notes}
	var integrity, replay, rest []string
	for _, f := range r.Findings {
		switch {
		case f.Category == report.Integrity:
			integrity = append(integrity, f.Message)
		case f.Category == report.Replay:
			replay = append(replay, f.Message)
		case !f.Category.IsReview() && f.Severity != report.Warning:
			rest = append(rest, f.Code+" "+f.Object)
		}
	}
	step := func(name, text string, errs []string) {
		s := &StepReport{Name: name, Text: text}
		if len(errs) > 0 {
			s.Error = strings.Join(errs, "; ")
		}
		l.Steps = append(l.Steps, s)
	}
	step("Migration Integrity Check", "File atlas.sum is valid", integrity)
	step("Detect New Migration Files", fmt.Sprintf("Found %d new migration files (from %d total)", len(reviewed), len(all)), nil)
	step("Replay Migration Files", fmt.Sprintf("Replayed %d migration files on the dev database", len(all)), replay)
	if !r.Summary.DirectoryOnly {
		step("Check Consistency", fmt.Sprintf("%d consistency findings", len(rest)), rest)
	}
	for _, f := range reviewed {
		fr := fileReport(r, f)
		l.Files = append(l.Files, fr)
		l.Steps = append(l.Steps, &StepReport{Name: "Analyze " + f.Name(),
			Text: fmt.Sprintf("%d reports were found in analysis", len(fr.Reports)), Result: fr})
	}
	return l
}

// fileReport groups a reviewed file's findings per category, each a
// diagnostic at its statement's position.
func fileReport(r *report.Report, f migrate.File) *FileReport {
	fr := &FileReport{Name: f.Name(), Text: string(f.Bytes())}
	var errs []string
	for _, c := range report.Categories {
		rep := sqlcheck.Report{Text: reportText[c]}
		failed := false
		for _, x := range r.Findings {
			if x.Category != c || x.Fix == nil || !strings.HasSuffix(x.Fix.File, "/"+f.Name()) && x.Fix.File != f.Name() {
				continue
			}
			rep.Diagnostics = append(rep.Diagnostics, sqlcheck.Diagnostic{Pos: pos(fr.Text, x.Fix.Line), Text: x.Message, Code: x.Code})
			failed = failed || x.Severity != report.Warning
		}
		if len(rep.Diagnostics) == 0 {
			continue
		}
		fr.Reports = append(fr.Reports, rep)
		if failed {
			errs = append(errs, rep.Text)
		}
	}
	fr.Error = strings.Join(errs, "; ")
	return fr
}

// pos is the byte offset where line starts (1-based; 0 for the file).
func pos(text string, line int) int {
	p := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(text[p:], '\n')
		if i < 0 {
			return p
		}
		p += i + 1
	}
	return p
}

// DiagnosticsCount is the number of diagnostics in the reviewed files.
func (l *Lint) DiagnosticsCount() int {
	n := 0
	for _, f := range l.Files {
		for _, r := range f.Reports {
			n += len(r.Diagnostics)
		}
	}
	return n
}

// VersionStatuses describes the reviewed files as Atlas's report does:
// "1 version ok, 2 with warnings".
func (l *Lint) VersionStatuses() string {
	var ok, warns, errs int
	for _, f := range l.Files {
		switch {
		case f.Error != "":
			errs++
		case len(f.Reports) > 0:
			warns++
		default:
			ok++
		}
	}
	var parts []string
	for _, s := range []struct {
		n int
		s string
	}{{ok, "ok"}, {warns, "with warnings"}, {errs, "with errors"}} {
		switch {
		case s.n == 0:
		case len(parts) == 0 && s.n == 1:
			parts = append(parts, "1 version "+s.s)
		case len(parts) == 0:
			parts = append(parts, fmt.Sprintf("%d versions %s", s.n, s.s))
		default:
			parts = append(parts, fmt.Sprintf("%d %s", s.n, s.s))
		}
	}
	return strings.Join(parts, ", ")
}

// LintFuncs are the functions of Atlas's lint templates.
func LintFuncs(color bool) template.FuncMap {
	f := baseFuncs(color)
	f["maxWidth"] = maxWidth
	plain := func(s ...any) string { return fmt.Sprint(s...) }
	f["underline"], f["gray"] = plain, plain
	f["colorize"] = func(c, text string) string {
		if fn, ok := f[c].(func(string, ...any) string); ok {
			return fn(text)
		}
		return text
	}
	return f
}
