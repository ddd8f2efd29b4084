// Package safety reviews the migration files a change adds, statement by
// statement, for what can take production down even when the migrations
// agree with the schemas: destructive changes, changes that depend on the
// data, backward-incompatible renames, and lock or rewrite hazards on tables
// that already exist. It works on PostgreSQL's own parse trees and on the
// schema the earlier files built (inspected once, never per statement).
package safety

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/report"
	"github.com/ledgerforge/schemactl/internal/sqlparse"
)

// Analyzer families, named as in Atlas's lint block where Atlas has one.
const (
	Destructive     = "destructive"
	DataDepend      = "data_depend"
	Incompatible    = "incompatible"
	ConDrop         = "condrop"
	ConcurrentIndex = "concurrent_index"
	Locking         = "locking"
)

// Rule is one check: its stable code, family and default severity.
type Rule struct {
	Code     string
	Analyzer string
	Severity report.Severity
	Title    string
}

// Rules lists every rule; docs/lint.md describes each.
var Rules = []Rule{
	{"DS101", Destructive, report.Error, "schema dropped"},
	{"DS102", Destructive, report.Error, "table dropped"},
	{"DS103", Destructive, report.Error, "column dropped"},
	{"SC101", Destructive, report.Error, "enum type dropped"},
	{"SC102", Destructive, report.Error, "enum value renamed (the old value is gone)"},
	{"MF101", DataDepend, report.Warning, "unique index added"},
	{"MF102", DataDepend, report.Warning, "unique index modified"},
	{"MF103", DataDepend, report.Warning, "NOT NULL column added without a default"},
	{"MF104", DataDepend, report.Warning, "column modified to NOT NULL"},
	{"SC201", DataDepend, report.Warning, "column type narrowed"},
	{"BC101", Incompatible, report.Warning, "table renamed"},
	{"BC102", Incompatible, report.Warning, "column renamed"},
	{"CD101", ConDrop, report.Warning, "constraint dropped"},
	{"PG101", ConcurrentIndex, report.Error, "index created without CONCURRENTLY"},
	{"PG102", ConcurrentIndex, report.Error, "index dropped without CONCURRENTLY"},
	{"PG103", ConcurrentIndex, report.Error, "CONCURRENTLY inside a transaction"},
	{"SC301", Locking, report.Error, "foreign key or CHECK added without NOT VALID"},
	{"SC302", Locking, report.Error, "SET NOT NULL without a validated CHECK"},
	{"SC303", Locking, report.Error, "column type change rewrites the table"},
	{"SC304", Locking, report.Error, "column added with a volatile default"},
	{"SC305", Locking, report.Error, "new enum value used in the transaction that added it"},
	{"SC306", Locking, report.Warning, "ACCESS EXCLUSIVE lock without lock_timeout"},
}

// Config overrides severities per analyzer family (atlas.hcl's lint block).
type Config map[string]report.Severity

// Input is what the analysis needs.
type Input struct {
	Dir    string           // the directory's path, for file paths in findings
	Files  []*sqlparse.File // the added files, in order
	Before *schema.Schema   // the schema the earlier files built
	Config Config
}

// Analyze returns the findings of every rule on the added files.
func Analyze(in Input) []report.Finding {
	a := &analysis{in: in, created: map[string]bool{}, rules: map[string]Rule{}}
	for _, r := range Rules {
		if s, ok := in.Config[r.Analyzer]; ok {
			r.Severity = s
		}
		a.rules[r.Code] = r
	}
	for _, f := range in.Files {
		a.file(f)
	}
	return a.out
}

// analysis carries what the statements so far created or changed.
type analysis struct {
	in      Input
	rules   map[string]Rule
	created map[string]bool // tables created by the added files: new and empty
	out     []report.Finding

	// per file
	f           *sqlparse.File
	stmt        sqlparse.Stmt
	lockTimeout bool
	newValues   map[string]string // enum value -> type, added in this file's transaction
	notValid    map[string]bool   // constraints added NOT VALID in this file's transaction
	notNullOK   map[string]bool   // "table.column" with a validated IS NOT NULL check
	nnChecks    map[string]string // NOT VALID "col IS NOT NULL" checks: name -> "table.column"
	droppedUniq map[string]bool   // unique indexes dropped so far
}

func (a *analysis) file(f *sqlparse.File) {
	a.f, a.lockTimeout = f, false
	a.newValues, a.notValid = map[string]string{}, map[string]bool{}
	if a.notNullOK == nil {
		a.notNullOK, a.droppedUniq, a.nnChecks = map[string]bool{}, map[string]bool{}, map[string]string{}
	}
	for _, s := range f.Stmts {
		a.stmt = s
		a.statement(s)
	}
}

// existing reports whether a table held data before the change: it is not
// one the added files created.
func (a *analysis) existing(table string) bool { return table != "" && !a.created[table] }

// report records a finding unless a nolint directive silences it.
func (a *analysis) report(code, object, format string, args ...any) {
	r := a.rules[code]
	if a.f.Nolint.Silences(code, r.Analyzer) || a.stmt.Nolint.Silences(code, r.Analyzer) {
		return
	}
	path := filepath.ToSlash(filepath.Join(a.in.Dir, a.f.Name))
	a.out = append(a.out, report.Finding{
		Code:     code,
		Category: category[r.Analyzer],
		Severity: r.Severity,
		Object:   object,
		Message:  fmt.Sprintf("%s:%d: ", a.f.Name, a.stmt.Line) + fmt.Sprintf(format, args...),
		Stmt:     oneLine(a.stmt.Text),
		Fix:      &report.Location{File: path, Line: a.stmt.Line},
		Remedy:   remedy[code],
	})
}

var category = map[string]report.Category{
	Destructive: report.Destructive, DataDepend: report.DataDependent, Incompatible: report.Incompatible,
	ConDrop: report.ConstraintDrop, ConcurrentIndex: report.ConcurrentIndex, Locking: report.Locking,
}

// oneLine keeps reports readable for long statements.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

// Analyzers lists the family names, for validating atlas.hcl.
func Analyzers() []string {
	var names []string
	for _, r := range Rules {
		if !slices.Contains(names, r.Analyzer) {
			names = append(names, r.Analyzer)
		}
	}
	return names
}
