// Package safety reviews the migration files a change adds, statement by
// statement, for what can take production down even when the migrations
// agree with the schemas: destructive changes, changes that depend on the
// data, backward-incompatible renames, and lock or rewrite hazards on tables
// that already exist. It works on PostgreSQL's own parse trees and on the
// schema the earlier files built (inspected once, never per statement).
package safety

import (
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

// Rules lists every rule; docs/lint.md describes each. Severities are
// Atlas's defaults where Atlas has the code (destructive errors, the other
// analyzers warnings); schemactl's own codes are warnings unless the
// statement certainly fails (SC305).
var Rules = []Rule{
	{"DS101", Destructive, report.Error, "schema dropped"},
	{"DS102", Destructive, report.Error, "table dropped"},
	{"DS103", Destructive, report.Error, "column dropped"},
	{"SC101", Destructive, report.Warning, "enum type dropped"},
	{"SC102", Destructive, report.Warning, "enum value renamed (the old value is gone)"},
	{"MF101", DataDepend, report.Warning, "unique index added"},
	{"MF102", DataDepend, report.Warning, "unique index modified"},
	{"MF103", DataDepend, report.Warning, "NOT NULL column added without a default"},
	{"MF104", DataDepend, report.Warning, "column modified to NOT NULL"},
	{"SC201", DataDepend, report.Warning, "column type narrowed"},
	{"BC101", Incompatible, report.Warning, "table renamed"},
	{"BC102", Incompatible, report.Warning, "column renamed"},
	{"CD101", ConDrop, report.Warning, "foreign key dropped"},
	{"PG101", ConcurrentIndex, report.Warning, "index created without CONCURRENTLY"},
	{"PG102", ConcurrentIndex, report.Warning, "index dropped without CONCURRENTLY"},
	{"PG103", ConcurrentIndex, report.Warning, "CONCURRENTLY inside a transaction"},
	{"SC301", Locking, report.Warning, "foreign key or CHECK added without NOT VALID"},
	{"SC302", Locking, report.Warning, "SET NOT NULL without a validated CHECK"},
	{"SC303", Locking, report.Warning, "column type change rewrites the table"},
	{"SC304", Locking, report.Warning, "column added with a volatile default"},
	{"SC305", Locking, report.Error, "new enum value used in the transaction that added it"},
	{"SC306", Locking, report.Warning, "lock that stops reads or writes, without lock_timeout"},
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

// Analyze returns the findings of every rule on the added files: one per
// statement and code, naming every object the statement puts at risk.
func Analyze(in Input) []report.Finding {
	a := &analysis{in: in, created: map[string]string{}, rules: map[string]Rule{},
		notNullOK: map[string]bool{}, droppedUniq: map[string]bool{}, nnChecks: map[string]string{},
		indexes: map[string]string{}, fks: map[string]fkInfo{}, typeRenames: map[string]string{}, newEnums: map[string]bool{}}
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

// Statements counts the statements the added files hold: what was reviewed.
func Statements(files []*sqlparse.File) int {
	n := 0
	for _, f := range files {
		n += len(f.Stmts)
	}
	return n
}

// analysis carries what the statements so far created or changed.
type analysis struct {
	in      Input
	rules   map[string]Rule
	created map[string]string // tables created by the added files (new and empty): the file that did
	out     []report.Finding

	// across the added files
	notNullOK   map[string]bool   // "table.column" with a validated IS NOT NULL check
	nnChecks    map[string]string // NOT VALID "col IS NOT NULL" checks: name -> "table.column"
	droppedUniq map[string]bool   // unique indexes dropped so far
	indexes     map[string]string // indexes the added files created: name -> table
	fks         map[string]fkInfo // foreign keys the added files added: "table.name" -> what it references

	typeRenames map[string]string // types the added files renamed: new name -> the earlier schema's name
	newEnums    map[string]bool   // enum types the added files created

	// per file
	f           *sqlparse.File
	lockTimeout bool
	newValues   map[string]string   // enum value -> type, added in this file's transaction
	notValid    map[string]bool     // constraints added NOT VALID in this file's transaction
	addedCols   map[string]bool     // "table.column" added by this file
	addedTo     map[string][]string // table -> the columns the whole file adds to it

	// per statement
	stmt sqlparse.Stmt
	hits []hit
}

type fkInfo struct {
	ref  string
	cols []string
	file string
}

func (a *analysis) file(f *sqlparse.File) {
	a.f, a.lockTimeout = f, false
	a.newValues, a.notValid, a.addedCols = map[string]string{}, map[string]bool{}, map[string]bool{}
	a.addedTo = addedColumns(f)
	for _, s := range f.Stmts {
		a.stmt, a.hits = s, nil
		a.statement(s)
		a.flush()
	}
}

// existing reports whether a table held data before the change: it is not
// one the added files created. schemactl's own rules (SC) judge by it.
func (a *analysis) existing(table string) bool {
	_, created := a.created[table]
	return table != "" && !created
}

// older reports whether a table existed before the current file: Atlas's
// rules (DS, MF, BC, CD, PG) exempt only a table the same file creates, as
// Atlas does, so their findings stay a superset of Atlas's.
func (a *analysis) older(table string) bool { return table != "" && a.created[table] != a.f.Name }

// item is one object a hazard names: its kind ("column") and name.
type item struct{ kind, name string }

// hit is one hazard of the current statement. Hits of one code become one
// finding; hits that share a key (the same hazard on several objects)
// become one clause of its message, built once with all their objects.
type hit struct {
	code, key string
	items     []item
	say       func(objects string, many bool) string
	remedy    string // this hazard's own remedy, when the code's does not fit it
}

// report records a hazard of the current statement unless a nolint
// directive silences its code.
func (a *analysis) report(code, key string, it item, say func(objects string, many bool) string) {
	a.reportFix(code, key, it, say, "")
}

// reportFix is report with a remedy for this statement ("": the code's);
// merged into an earlier hit of the code, it is that hit's remedy unless
// the hit has one.
func (a *analysis) reportFix(code, key string, it item, say func(objects string, many bool) string, fix string) {
	r := a.rules[code]
	if a.f.Nolint.Silences(code, r.Analyzer) || a.stmt.Nolint.Silences(code, r.Analyzer) {
		return
	}
	for i := range a.hits {
		if a.hits[i].code == code && a.hits[i].key == key {
			a.hits[i].items = append(a.hits[i].items, it)
			if a.hits[i].remedy == "" {
				a.hits[i].remedy = fix
			}
			return
		}
	}
	a.hits = append(a.hits, hit{code: code, key: key, items: []item{it}, say: say, remedy: fix})
}

// flush turns the statement's hits into findings, one per code.
func (a *analysis) flush() {
	var codes []string
	for _, h := range a.hits {
		if !slices.Contains(codes, h.code) {
			codes = append(codes, h.code)
		}
	}
	path := filepath.ToSlash(filepath.Join(a.in.Dir, a.f.Name))
	for _, code := range codes {
		var clauses []string
		var objects []item
		fix, own := remedy[code], false // the first hazard's own remedy wins
		for _, h := range a.hits {
			if h.code == code {
				clauses = append(clauses, h.say(list(h.items), len(h.items) > 1))
				objects = append(objects, h.items...)
				if h.remedy != "" && !own {
					fix, own = h.remedy, true
				}
			}
		}
		r := a.rules[code]
		a.out = append(a.out, report.Finding{
			Code:     code,
			Category: category[r.Analyzer],
			Severity: r.Severity,
			Object:   list(objects),
			Message:  strings.Join(clauses, "; "),
			Stmt:     oneLine(a.stmt.Text),
			Fix:      &report.Location{File: path, Line: a.stmt.Line},
			Remedy:   fix,
		})
	}
}

// list names items together: `column "t"."a"`, `columns "t"."a" and
// "t"."b"`, `foreign key "f" and CHECK constraint "c"`.
func list(items []item) string {
	var uniq []item
	for _, it := range items {
		if !slices.Contains(uniq, it) {
			uniq = append(uniq, it)
		}
	}
	sameKind := true
	for _, it := range uniq {
		sameKind = sameKind && it.kind == uniq[0].kind
	}
	var names []string
	for _, it := range uniq {
		if sameKind {
			names = append(names, it.name)
		} else {
			names = append(names, strings.TrimSpace(it.kind+" "+it.name))
		}
	}
	s := names[len(names)-1]
	if len(names) > 1 {
		s = strings.Join(names[:len(names)-1], ", ") + " and " + s
	}
	if !sameKind || uniq[0].kind == "" {
		return s
	}
	if len(uniq) > 1 {
		return plural(uniq[0].kind) + " " + s
	}
	return uniq[0].kind + " " + s
}

func plural(kind string) string {
	if strings.HasSuffix(kind, "x") {
		return kind + "es"
	}
	return kind + "s"
}

// be and its agree with the number of objects a clause names.
func be(many bool) string {
	if many {
		return "are"
	}
	return "is"
}

func its(many bool) string {
	if many {
		return "their"
	}
	return "its"
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
