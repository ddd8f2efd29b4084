// Package report holds the gate's typed findings and renders them as text,
// JSON, GitHub Actions workflow commands or Markdown. Domain packages build a
// Report; only the CLI renders it.
package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Category groups findings the way the domain's checklist does.
type Category string

// The categories, in report order.
const (
	Integrity  Category = "integrity"   // atlas.sum against the files
	Replay     Category = "replay"      // a file that does not apply
	Table      Category = "table"       // a model without its table, or a table without a model
	View       Category = "view"        // an Ent view without its view, or a view without a model, or another definition
	Column     Category = "column"      // missing, extra, or a different type, nullability or default
	Enum       Category = "enum"        // native enum types and their values
	ForeignKey Category = "foreign_key" // missing, extra or different foreign keys
	Index      Category = "index"       // missing, extra or different indexes
	Constraint Category = "constraint"  // primary key, unique and CHECK constraints
	Function   Category = "function"    // functions and procedures a SQL source declares
	Trigger    Category = "trigger"     // triggers a SQL source declares
	Extension  Category = "extension"   // extensions a SQL source declares
	Generated  Category = "generated"   // committed generated code

	// Safety of the migration files a change adds (migrate lint --git-base / --latest).
	Destructive     Category = "destructive"      // drops data
	DataDependent   Category = "data_dependent"   // may fail on existing data
	Incompatible    Category = "incompatible"     // breaks the running release
	ConstraintDrop  Category = "constraint_drop"  // drops a constraint
	ConcurrentIndex Category = "concurrent_index" // index built or dropped under lock
	Locking         Category = "locking"          // long locks and table rewrites
	History         Category = "history"          // edits to merged history, order
)

// Categories lists every category in report order.
var Categories = []Category{Integrity, Replay, Table, View, Column, Enum, ForeignKey, Index, Constraint,
	Function, Trigger, Extension, Generated,
	History, Destructive, DataDependent, Incompatible, ConstraintDrop, ConcurrentIndex, Locking}

// Severity says whether a finding fails the gate.
type Severity string

// Severities. Consistency and integrity findings are always errors; the
// safety analyzers' are configurable in atlas.hcl.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Title is a category's heading.
func (c Category) Title() string {
	return map[Category]string{
		Integrity: "Directory integrity", Replay: "Replay", Table: "Tables", View: "Views", Column: "Columns",
		Enum: "Enum types", ForeignKey: "Foreign keys", Index: "Indexes",
		Constraint: "Constraints", Function: "Functions", Trigger: "Triggers", Extension: "Extensions",
		Generated:   "Generated code",
		Destructive: "Destructive changes", DataDependent: "Data-dependent changes",
		Incompatible: "Backward-incompatible changes", ConstraintDrop: "Dropped constraints",
		ConcurrentIndex: "Index locks", Locking: "Locks and rewrites", History: "Migration history",
	}[c]
}

// Location is a place in the repository: where to fix a finding.
type Location struct {
	File    string `json:"file"`              // relative to the working directory
	Line    int    `json:"line,omitempty"`    // 1-based; 0 when unknown
	Element string `json:"element,omitempty"` // e.g. field "memo", index ("user_id","issued_at")
}

// String renders "file:line: element".
func (l Location) String() string {
	s := l.File
	if l.Line > 0 {
		s += ":" + strconv.Itoa(l.Line)
	}
	if l.Element != "" {
		s += ": " + l.Element
	}
	return s
}

// ObjectKind is the kind of database object a finding is about.
type ObjectKind string

// The kinds of object the comparison engine reports on.
const (
	KindTable      ObjectKind = "table"
	KindView       ObjectKind = "view"
	KindColumn     ObjectKind = "column"
	KindEnumType   ObjectKind = "enum_type"
	KindForeignKey ObjectKind = "foreign_key"
	KindIndex      ObjectKind = "index" // unique or not
	KindCheck      ObjectKind = "check"
	KindPrimaryKey ObjectKind = "primary_key"
	KindFunction   ObjectKind = "function"  // Name: name(argument types), e.g. touch(integer, text)
	KindTrigger    ObjectKind = "trigger"   // Table: the table (or view) it fires on
	KindExtension  ObjectKind = "extension" // Schema: empty, extensions belong to the database
)

// ObjectRef identifies a database object, so that a finding is matched
// with the object it is about by identity, never by parsing its text. The
// zero value is no object (a file, a statement).
type ObjectRef struct {
	Kind   ObjectKind
	Schema string // e.g. public; empty when unknown
	Table  string // the table, or the table the object belongs to; empty for an enum type or a view
	Name   string // the column, index, foreign key, check, enum type, view, function, trigger or extension; empty for a table or primary key
}

// String names the object as findings do: table "users", column
// "users"."fax", index "i" on "users"; outside the public schema, with
// the schema: table "history"."orders".
func (r ObjectRef) String() string {
	t := r.qualify(r.Table)
	switch r.Kind {
	case KindTable:
		return "table " + t
	case KindView:
		return "view " + r.qualify(r.Name)
	case KindColumn:
		return fmt.Sprintf("column %s.%q", t, r.Name)
	case KindEnumType:
		return "enum type " + r.qualify(r.Name)
	case KindForeignKey:
		return fmt.Sprintf("foreign key %q on %s", r.Name, t)
	case KindIndex:
		return fmt.Sprintf("index %q on %s", r.Name, t)
	case KindCheck:
		return fmt.Sprintf("check %q on %s", r.Name, t)
	case KindPrimaryKey:
		return "primary key of " + t
	case KindFunction:
		return "function " + r.qualifyFunc()
	case KindTrigger:
		return fmt.Sprintf("trigger %q on %s", r.Name, t)
	case KindExtension:
		return "extension " + strconv.Quote(r.Name)
	}
	return ""
}

// qualify quotes name, after its schema unless that is public (or unknown).
func (r ObjectRef) qualify(name string) string {
	if r.Schema == "" || r.Schema == "public" {
		return strconv.Quote(name)
	}
	return strconv.Quote(r.Schema) + "." + strconv.Quote(name)
}

// qualifyFunc names a function with its argument types, unquoted:
// "touch"(integer, text), "audit"."touch"().
func (r ObjectRef) qualifyFunc() string {
	name, args := r.Name, ""
	if i := strings.IndexByte(name, '('); i >= 0 {
		name, args = name[:i], name[i:]
	}
	return r.qualify(name) + args
}

// Finding is one disagreement.
type Finding struct {
	Code     string    `json:"code"`     // stable, e.g. ENT111; see docs/lint.md
	Category Category  `json:"category"` // see Categories
	Severity Severity  `json:"severity"` // error or warning; empty means error
	Object   string    `json:"object"`   // the database object or file, e.g. column "invoices"."memo"
	Message  string    `json:"message"`  // what is wrong, one sentence
	Fix      *Location `json:"fix,omitempty"`
	Remedy   string    `json:"remedy,omitempty"` // what to run or do
	Stmt     string    `json:"statement,omitempty"`
	// Ref is the database object Object names, set by the comparison
	// engine; the zero value for findings about files. It is not part of
	// the JSON format: Object names the object there.
	Ref ObjectRef `json:"-"`
}

// Summary counts what the gate looked at.
type Summary struct {
	Models    int `json:"models"`
	Tables    int `json:"tables"`
	Views     int `json:"views,omitempty"`
	EnumTypes int `json:"enum_types"`
	// Functions, triggers and extensions are counted when a SQL source
	// declares them (Ent cannot).
	Functions  int `json:"functions,omitempty"`
	Triggers   int `json:"triggers,omitempty"`
	Extensions int `json:"extensions,omitempty"`
	Files      int `json:"files"`
	Findings   int `json:"findings"`
	// DirectoryOnly: no desired state was given or found, so only the
	// directory's integrity, replay and review were checked.
	DirectoryOnly bool    `json:"directory_only,omitempty"`
	Review        *Review `json:"review,omitempty"` // when added files were reviewed
}

// Report is the gate's result. Version is the JSON format's version.
type Report struct {
	Version  int       `json:"version"`
	Summary  Summary   `json:"summary"`
	Findings []Finding `json:"findings"`
	Notes    []string  `json:"notes,omitempty"` // what was not checked, and why
}

// FormatVersion is bumped on any incompatible change of the JSON object.
const FormatVersion = 1

// New returns an empty report.
func New() *Report { return &Report{Version: FormatVersion, Findings: []Finding{}} }

// Add appends findings and keeps the count. A finding without a severity
// is an error.
func (r *Report) Add(fs ...Finding) {
	for _, f := range fs {
		if f.Severity == "" {
			f.Severity = Error
		}
		r.Findings = append(r.Findings, f)
	}
	r.Summary.Findings = len(r.Findings)
}

// Errors counts the findings that fail the gate.
func (r *Report) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity != Warning {
			n++
		}
	}
	return n
}

// Sort orders findings by category, then code, then object: reports are
// stable whatever order the checks ran in.
func (r *Report) Sort() {
	rank := map[Category]int{}
	for i, c := range Categories {
		rank[c] = i
	}
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(rank[a.Category], rank[b.Category]), cmp.Compare(a.Code, b.Code), cmp.Compare(a.Object, b.Object))
	})
}

// Groups returns the findings per category, in report order, skipping
// empty categories and those of the review, which ReviewFiles groups.
func (r *Report) Groups() []Group {
	var gs []Group
	for _, c := range Categories {
		if c.IsReview() {
			continue
		}
		var fs []Finding
		for _, f := range r.Findings {
			if f.Category == c {
				fs = append(fs, f)
			}
		}
		if len(fs) > 0 {
			gs = append(gs, Group{Category: c, Findings: fs})
		}
	}
	return gs
}

// Group is one category's findings.
type Group struct {
	Category Category
	Findings []Finding
}
