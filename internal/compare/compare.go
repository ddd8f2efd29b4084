// Package compare is the comparison engine: it diffs two schema states with
// Atlas's own differ and turns each disagreement into a finding in the
// domain's categories, with a stable code, the object it is about (by
// identity, report.ObjectRef), where to fix it and the remedy. The gate
// (Ent against the replayed migrations), drift (a live database against
// its migrations, or against Ent) and the schema audit all compare through
// it, so they can never disagree with each other or with `migrate diff`.
package compare

import (
	"context"
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/exclude"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/report"
)

// Locator says where in ent/schema an element is declared. Tables and
// views are named without their schema: Ent refuses one name in two
// schemas.
type Locator interface {
	Table(table string) (report.Location, bool)
	View(view string) (report.Location, bool) // the ent.View, at its entsql.ViewFor or entsql.View when found
	Column(table, column string) (report.Location, bool)
	Index(table string, columns []string, unique bool) (report.Location, bool)
	ForeignKey(table string, columns []string) (report.Location, bool)
	Action(table string, columns []string) (report.Location, bool) // where ON DELETE/UPDATE is declared
	Check(table, name string) (report.Location, bool)
	EnumType(name string) (report.Location, bool)
}

// Mentions says where in the migrations an identifier was written: the
// place to fix an object that no schema declares.
type Mentions func(ident string) (report.Location, bool)

// MentionsIn finds identifiers in the files of dir.
func MentionsIn(dir *migdir.Dir, files []migrate.File) Mentions {
	return func(ident string) (report.Location, bool) {
		path, line, ok := dir.Mention(files, ident)
		return report.Location{File: path, Line: line}, ok
	}
}

// Sides names the two states compared, for the messages: Want declares,
// Have is checked against it.
type Sides struct {
	Want, Have    string // "ent/schema", "the migrations"
	Declares      string // how Want holds an object: "ent/schema declares it"
	Lacks         string // how Have misses it: "no migration creates it"
	Undeclared    string // how Want misses an extra object: "ent/schema does not declare it"
	RemedyMissing string
	RemedyExtra   string
	RemedyDiffers string
	CodePrefix    string // replaces "ENT" in codes, e.g. "DR" for drift
	// SourceWant, SourceDeclares, SourceUndeclared, RemedyExtraSQL and
	// RemedyDiffersSQL word the objects only a SQL source can declare
	// (functions, triggers, extensions, hand-written views): Want,
	// Declares, Undeclared, RemedyExtra and RemedyDiffers when empty.
	SourceWant, SourceDeclares, SourceUndeclared, RemedyExtraSQL, RemedyDiffersSQL string
	// ExtraRemedy, when set, words the remedy for one extra object, so
	// that it can show the exclude pattern that accepts exactly it;
	// RemedyExtra is then the wording for an object no pattern names.
	ExtraRemedy func(report.ObjectRef) string
}

// EntVsMigrations is the gate's comparison. An object only the migrations
// have is usually a leftover (Ent's own migrate never drops what a schema
// stops declaring), so its remedy names the ways out: model it, accept it
// with an exclude pattern, or drop it with a migration checked by hand.
var EntVsMigrations = Sides{
	Want: "ent/schema", Have: "the migrations",
	Declares: "ent/schema declares it", Lacks: "no migration creates it", Undeclared: "ent/schema does not declare it",
	RemedyMissing: "run `schemactl migrate diff <name>` to write the migration",
	RemedyExtra:   "declare it in ent/schema; or accept it with an `exclude` pattern in the env block of atlas.hcl (read with `--env`, or the `default_env` of its `schemactl {}` block); or drop it with " + dropByHand,
	RemedyDiffers: "run `schemactl migrate diff <name>`, or change ent/schema to match the migrations",
	ExtraRemedy: func(ref report.ObjectRef) string {
		return "declare it in ent/schema; or " + accept(ref) + "; or drop it with " + dropByHand
	},
	SourceWant:       "the desired state",
	SourceDeclares:   "the desired state declares it",
	SourceUndeclared: "no source of the desired state declares it",
	RemedyExtraSQL:   "declare it in a SQL source of the desired state (see docs/composite.md); or drop it with " + dropByHand,
	RemedyDiffersSQL: "run `schemactl migrate diff <name>`, or change the SQL source to match the migrations",
}

// Composed words s for a desired state that composes SQL sources with Ent
// (composed true): an object only the migrations have is then one no
// source declares, and declaring it may mean a SQL file rather than
// ent/schema. With Ent alone s stays as it is.
func (s Sides) Composed(composed bool) Sides {
	if !composed {
		return s
	}
	s.Want, s.Declares, s.Undeclared = s.SourceWant, s.SourceDeclares, s.SourceUndeclared
	s.RemedyExtra = "declare it in ent/schema or in a SQL source of the desired state (see docs/composite.md); or drop it with " + dropByHand
	s.ExtraRemedy = func(ref report.ObjectRef) string {
		return "declare it in ent/schema or in a SQL source of the desired state; or " + accept(ref) + "; or drop it with " + dropByHand
	}
	return s
}

const dropByHand = "a migration you check by hand (`schemactl migrate diff <name>`, then review the DROP it writes)"

// accept words how to keep an object as it is: Atlas's exclude pattern for
// exactly it, in the env block (schemactl reads atlas.hcl with --env).
func accept(ref report.ObjectRef) string {
	return "accept it: `" + exclude.HCL(exclude.Pattern(ref)) + "` in the env block of atlas.hcl (read with `--env`, or the `default_env` of its `schemactl {}` block)"
}

// EntVsDatabase is the Ent schemas against a live database (drift with
// every file applied, the audit with --url): what remains is Ent ahead of,
// or behind, the database.
var EntVsDatabase = Sides{
	Want: "ent/schema", Have: "the database",
	Declares: "ent/schema declares it", Lacks: "the database does not have it",
	Undeclared:    "ent/schema does not declare it",
	RemedyMissing: "run `schemactl migrate diff <name>`, then apply it",
	RemedyExtra:   "declare it in ent/schema; or accept it with an `exclude` pattern in the env block of atlas.hcl (read with `--env`, or the `default_env` of its `schemactl {}` block); or drop it with a migration",
	RemedyDiffers: "run `schemactl migrate diff <name>`, or change ent/schema to match",
	ExtraRemedy: func(ref report.ObjectRef) string {
		return "declare it in ent/schema; or " + accept(ref) + "; or drop it with a migration"
	},
	SourceWant:       "the desired state",
	SourceDeclares:   "the desired state declares it",
	SourceUndeclared: "no source of the desired state declares it",
	RemedyExtraSQL:   "declare it in a SQL source of the desired state (see docs/composite.md); or drop it with a migration",
	RemedyDiffersSQL: "run `schemactl migrate diff <name>`, then apply it; or change the SQL source to match",
}

// Result is one comparison: its findings, each naming its object by
// report.ObjectRef (except a change the engine cannot classify, ENT199 at
// the top level, which names Atlas's change type).
type Result struct {
	Findings []report.Finding
	// Notes say what was not compared, and why: the functions, triggers
	// and extensions the other side has when the desired state cannot
	// declare them (see UndeclaredNote).
	Notes []string
}

// About returns the findings about exactly the object ref; none for the
// zero ref, which is no object.
func (r *Result) About(ref report.ObjectRef) []report.Finding {
	if ref.Kind == "" {
		return nil
	}
	var out []report.Finding
	for _, f := range r.Findings {
		if f.Ref == ref {
			out = append(out, f)
		}
	}
	return out
}

// Within returns the findings about the objects that belong to the table
// (its columns, keys, indexes and checks), not about the table itself.
func (r *Result) Within(schemaName, table string) []report.Finding {
	var out []report.Finding
	for _, f := range r.Findings {
		if f.Ref.Kind != "" && f.Ref.Kind != report.KindTable && f.Ref.Schema == schemaName && f.Ref.Table == table {
			out = append(out, f)
		}
	}
	return out
}

// Realms diffs have against want, every schema of them (pgdb.DiffRealms),
// with d (a driver's differ, e.g. postgres.DefaultDiff or a pgdb.Conn's
// Driver) and expressions settled on dev (a states.Env's Dev), and
// classifies the changes.
func Realms(ctx context.Context, d schema.Differ, dev pgdb.Dev, have, want *schema.Realm, s Sides, loc Locator, mentions Mentions) (*Result, error) {
	changes, err := pgdb.DiffRealms(ctx, d, dev, have, want)
	if err != nil {
		return nil, fmt.Errorf("compare: diff %s with %s: %w", s.Have, s.Want, err)
	}
	return Classify(changes, have, want, s, loc, mentions), nil
}

// Classify is Changes for the diff of have and want, with the note on the
// functions, triggers and extensions want cannot declare.
func Classify(changes []schema.Change, have, want *schema.Realm, s Sides, loc Locator, mentions Mentions) *Result {
	r := Changes(changes, s, loc, mentions)
	if note := UndeclaredNote(have, want, s.Have); note != "" {
		r.Notes = append(r.Notes, note)
	}
	return r
}

// Changes classifies changes, the diff from Have to Want: what it adds is
// missing from Have, what it drops exists only in Have. loc places what
// Want declares; mentions, when set, places what only Have has (and what
// loc cannot place). Either may be nil.
func Changes(changes []schema.Change, s Sides, loc Locator, mentions Mentions) *Result {
	if loc == nil {
		loc = nowhere{}
	}
	a := &analysis{s: s, loc: loc, mentions: mentions}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.AddTable:
			ref := TableRef(c.T)
			a.missing("ENT101", report.Table, ref, a.missingMsg(ref.String()), a.locateOr(c.T.Name)(loc.Table(c.T.Name)))
		case *schema.DropTable:
			ref := TableRef(c.T)
			a.extra("ENT102", report.Table, ref, a.extraMsg(ref.String()), c.T.Name)
		case *schema.ModifyTable:
			a.table(c)
		case *schema.AddView:
			ref := ViewRef(c.V)
			if l, ok := loc.View(c.V.Name); ok || a.declarations() == nil {
				a.missing("ENT171", report.View, ref, a.missingMsg(ref.String()), a.locateOr(c.V.Name)(l, ok))
			} else {
				// A hand-written view, declared by a SQL source.
				a.missing("ENT171", report.View, ref, a.sourceMissingMsg(ref.String()), a.declared(ref))
			}
		case *schema.ModifyView:
			ref := ViewRef(c.To)
			a.add("ENT172", report.View, ref,
				fmt.Sprintf("%s differs: in %s it is %s; in %s it is %s", ref, a.s.Have, oneLine(c.From.Def), a.s.Want, oneLine(c.To.Def)),
				a.locateOr(c.To.Name)(loc.View(c.To.Name)), a.s.RemedyDiffers)
		case *schema.DropView:
			ref := ViewRef(c.V)
			a.extra("ENT173", report.View, ref, a.extraMsg(ref.String()), c.V.Name)
		case *schema.AddFunc, *schema.ModifyFunc, *schema.DropFunc, *schema.AddTrigger, *schema.ModifyTrigger, *schema.DropTrigger:
			a.extras(c)
		case *schema.AddSchema:
			// Nothing to report: what the schema holds is reported, each
			// object as missing.
		case *schema.AddObject:
			if _, ok := c.O.(*pgdb.Extension); ok {
				a.extras(c)
			}
			if e, ok := c.O.(*schema.EnumType); ok {
				a.missing("ENT121", report.Enum, EnumRef(e),
					a.missingMsg(fmt.Sprintf("enum type %q %s", e.T, values(e.Values))), a.locateOr(e.T)(loc.EnumType(e.T)))
			}
		case *schema.DropObject:
			if _, ok := c.O.(*pgdb.Extension); ok {
				a.extras(c)
			}
			if e, ok := c.O.(*schema.EnumType); ok {
				a.extra("ENT123", report.Enum, EnumRef(e), a.extraMsg(EnumRef(e).String()), e.T)
			}
		case *schema.ModifyObject:
			if _, ok := c.To.(*pgdb.Extension); ok {
				a.extras(c)
			}
			from, ok1 := c.From.(*schema.EnumType)
			to, ok2 := c.To.(*schema.EnumType)
			if ok1 && ok2 {
				a.add("ENT122", report.Enum, EnumRef(to), a.enumMessage(from, to), a.locateOr(to.T)(loc.EnumType(to.T)), a.s.RemedyDiffers)
			}
		default:
			a.addf("ENT199", report.Table, report.ObjectRef{}, fmt.Sprintf("%T", c), fmt.Sprintf("%s and %s differ (%T)", a.s.Have, a.s.Want, c), nil, a.s.RemedyDiffers)
		}
	}
	return &Result{Findings: a.out}
}

type analysis struct {
	s        Sides
	loc      Locator
	mentions Mentions
	out      []report.Finding
}

func (a *analysis) table(mt *schema.ModifyTable) {
	t, tref := mt.T.Name, TableRef(mt.T)
	ref := func(k report.ObjectKind, name string) report.ObjectRef { return Ref(mt.T, k, name) }
	for _, c := range mt.Changes {
		switch c := c.(type) {
		case *schema.AddColumn:
			r := ref(report.KindColumn, c.C.Name)
			a.missing("ENT111", report.Column, r,
				a.missingMsg(fmt.Sprintf("%s (%s)", r, TypeOf(c.C))), a.locateOr(c.C.Name)(a.loc.Column(t, c.C.Name)))
		case *schema.DropColumn:
			r := ref(report.KindColumn, c.C.Name)
			a.extra("ENT115", report.Column, r, a.extraMsg(r.String()), c.C.Name)
		case *schema.ModifyColumn:
			a.modifyColumn(ref(report.KindColumn, c.To.Name), c)
		case *schema.AddIndex:
			a.addIndex(ref(report.KindIndex, c.I.Name), c.I)
		case *schema.DropIndex:
			r := ref(report.KindIndex, c.I.Name)
			a.extra("ENT143", report.Index, r, a.extraMsg(r.String()+" "+parts(c.I)), c.I.Name)
		case *schema.ModifyIndex:
			r := ref(report.KindIndex, c.To.Name)
			a.add("ENT142", report.Index, r, a.indexMessage(r, c), a.locateOr(c.To.Name)(a.loc.Index(t, PartNames(c.To), c.To.Unique)), a.s.RemedyDiffers)
		case *schema.AddForeignKey:
			r := ref(report.KindForeignKey, c.F.Symbol)
			a.missing("ENT131", report.ForeignKey, r,
				a.missingMsg(r.String()+" "+fkShape(c.F)), a.locateOr(c.F.Symbol)(a.loc.ForeignKey(t, columnNames(c.F.Columns))))
		case *schema.DropForeignKey:
			r := ref(report.KindForeignKey, c.F.Symbol)
			a.extra("ENT133", report.ForeignKey, r, a.extraMsg(r.String()+" "+fkShape(c.F)), c.F.Symbol)
		case *schema.ModifyForeignKey:
			r := ref(report.KindForeignKey, c.To.Symbol)
			a.add("ENT132", report.ForeignKey, r,
				fmt.Sprintf("%s differs: %s in %s, %s in %s", r, fkShape(c.From), a.s.Have, fkShape(c.To), a.s.Want),
				a.locateOr(c.To.Symbol)(a.fkFix(t, c)), a.s.RemedyDiffers)
		case *schema.AddCheck:
			r := ref(report.KindCheck, c.C.Name)
			a.missing("ENT152", report.Constraint, r,
				a.missingMsg(r.String()+" CHECK "+c.C.Expr), a.locateOr(c.C.Name)(a.loc.Check(t, c.C.Name)))
		case *schema.DropCheck:
			r := ref(report.KindCheck, c.C.Name)
			a.extra("ENT154", report.Constraint, r, a.extraMsg(r.String()+" CHECK "+c.C.Expr), c.C.Name)
		case *schema.ModifyCheck:
			r := ref(report.KindCheck, c.To.Name)
			a.add("ENT153", report.Constraint, r,
				fmt.Sprintf("%s differs: CHECK %s in %s, CHECK %s in %s", r, c.From.Expr, a.s.Have, c.To.Expr, a.s.Want),
				a.locateOr(c.To.Name)(a.loc.Check(t, c.To.Name)), a.s.RemedyDiffers)
		case *schema.AddPrimaryKey, *schema.DropPrimaryKey, *schema.ModifyPrimaryKey:
			a.add("ENT161", report.Constraint, ref(report.KindPrimaryKey, ""),
				fmt.Sprintf("the primary key of %s differs between %s and %s", tref, a.s.Have, a.s.Want), a.locate(a.loc.Table(t)), a.s.RemedyDiffers)
		case *schema.ModifyAttr, *schema.AddAttr, *schema.DropAttr:
			a.add("ENT103", report.Table, tref,
				fmt.Sprintf("%s differs in its attributes (%s)", tref, attrName(c)), a.locate(a.loc.Table(t)), a.s.RemedyDiffers)
		default:
			a.add("ENT199", report.Table, tref,
				fmt.Sprintf("%s differs between %s and %s (%T)", tref, a.s.Have, a.s.Want, c), a.locate(a.loc.Table(t)), a.s.RemedyDiffers)
		}
	}
}

// fkFix points a changed referential action at the edge that declares it.
func (a *analysis) fkFix(t string, c *schema.ModifyForeignKey) (report.Location, bool) {
	cols := columnNames(c.To.Columns)
	if c.Change&^(schema.ChangeDeleteAction|schema.ChangeUpdateAction) == schema.NoChange {
		return a.loc.Action(t, cols)
	}
	return a.loc.ForeignKey(t, cols)
}

func (a *analysis) modifyColumn(r report.ObjectRef, c *schema.ModifyColumn) {
	fix := a.locateOr(c.To.Name)(a.loc.Column(r.Table, c.To.Name))
	if c.Change.Is(schema.ChangeType) {
		a.add("ENT112", report.Column, r, fmt.Sprintf("%s has type %s in %s, %s in %s", r, TypeOf(c.From), a.s.Have, TypeOf(c.To), a.s.Want), fix, a.s.RemedyDiffers)
	}
	if c.Change.Is(schema.ChangeNull) {
		a.add("ENT113", report.Column, r, fmt.Sprintf("%s is %s in %s, %s in %s", r, nullable(c.From), a.s.Have, nullable(c.To), a.s.Want), fix, a.s.RemedyDiffers)
	}
	if c.Change.Is(schema.ChangeDefault) {
		a.add("ENT114", report.Column, r, fmt.Sprintf("%s has %s in %s, %s in %s", r, defaultOf(c.From), a.s.Have, defaultOf(c.To), a.s.Want), fix, a.s.RemedyDiffers)
	}
	if c.Change.Is(schema.ChangeComment) {
		a.add("ENT116", report.Column, r, fmt.Sprintf("%s has a different comment in %s than in %s", r, a.s.Have, a.s.Want), fix, a.s.RemedyDiffers)
	}
	if rest := c.Change &^ (schema.ChangeType | schema.ChangeNull | schema.ChangeDefault | schema.ChangeComment); rest != schema.NoChange {
		a.add("ENT117", report.Column, r, fmt.Sprintf("%s differs between %s and %s (collation, identity or generation)", r, a.s.Have, a.s.Want), fix, a.s.RemedyDiffers)
	}
}

// A missing unique index is a missing unique constraint: the domain's
// checklist treats uniqueness as a constraint the database must enforce.
func (a *analysis) addIndex(r report.ObjectRef, idx *schema.Index) {
	code, cat, what := "ENT141", report.Index, r.String()
	if idx.Unique {
		code, cat = "ENT151", report.Constraint
		what = "unique " + what
	}
	a.missing(code, cat, r, a.missingMsg(what+" "+parts(idx)), a.locateOr(idx.Name)(a.loc.Index(r.Table, PartNames(idx), idx.Unique)))
}

func (a *analysis) missingMsg(what string) string {
	return fmt.Sprintf("%s is missing: %s, %s", what, a.s.Declares, a.s.Lacks)
}

func (a *analysis) extraMsg(what string) string {
	return fmt.Sprintf("%s exists in %s, but %s", what, a.s.Have, a.s.Undeclared)
}

func (a *analysis) add(code string, cat report.Category, ref report.ObjectRef, msg string, fix *report.Location, remedy string) {
	a.addf(code, cat, ref, ref.String(), msg, fix, remedy)
}

func (a *analysis) addf(code string, cat report.Category, ref report.ObjectRef, object, msg string, fix *report.Location, remedy string) {
	if a.s.CodePrefix != "" {
		code = a.s.CodePrefix + strings.TrimPrefix(code, "ENT")
	}
	a.out = append(a.out, report.Finding{Code: code, Category: cat, Object: object, Ref: ref, Message: msg, Fix: fix, Remedy: remedy})
}

func (a *analysis) missing(code string, cat report.Category, ref report.ObjectRef, msg string, fix *report.Location) {
	a.add(code, cat, ref, msg, fix, a.s.RemedyMissing)
}

// extra objects are fixed where a migration wrote them.
func (a *analysis) extra(code string, cat report.Category, ref report.ObjectRef, msg, ident string) {
	var fix *report.Location
	if a.mentions != nil {
		if l, ok := a.mentions(ident); ok {
			fix = &l
		}
	}
	remedy := a.s.RemedyExtra
	if a.s.ExtraRemedy != nil && exclude.Pattern(ref) != "" {
		remedy = a.s.ExtraRemedy(ref)
	}
	a.add(code, cat, ref, msg, fix, remedy)
}

func (a *analysis) locate(l report.Location, ok bool) *report.Location {
	if !ok {
		return nil
	}
	return &l
}

// locateOr falls back to where the migrations name ident, for locators
// that cannot place an element (drift's, which has no Ent source).
func (a *analysis) locateOr(ident string) func(report.Location, bool) *report.Location {
	return func(l report.Location, ok bool) *report.Location {
		if !ok && a.mentions != nil {
			l, ok = a.mentions(ident)
		}
		return a.locate(l, ok)
	}
}

// nowhere is the Locator of a comparison without Ent sources.
type nowhere struct{}

func (nowhere) Table(string) (report.Location, bool)                 { return report.Location{}, false }
func (nowhere) View(string) (report.Location, bool)                  { return report.Location{}, false }
func (nowhere) Column(_, _ string) (report.Location, bool)           { return report.Location{}, false }
func (nowhere) Index(string, []string, bool) (report.Location, bool) { return report.Location{}, false }
func (nowhere) ForeignKey(string, []string) (report.Location, bool)  { return report.Location{}, false }
func (nowhere) Action(string, []string) (report.Location, bool)      { return report.Location{}, false }
func (nowhere) Check(_, _ string) (report.Location, bool)            { return report.Location{}, false }
func (nowhere) EnumType(string) (report.Location, bool)              { return report.Location{}, false }
