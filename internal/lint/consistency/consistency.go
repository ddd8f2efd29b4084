// Package consistency turns the difference between the replayed migrations
// and the Ent schemas into findings, one per disagreement, in the domain's
// categories. The difference is Atlas's own diff of the two normalised
// states, so the gate and `migrate diff` can never disagree.
package consistency

import (
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/report"
)

// Locator says where in ent/schema an element is declared.
type Locator interface {
	Table(table string) (report.Location, bool)
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
}

// EntVsMigrations is the gate's comparison.
var EntVsMigrations = Sides{
	Want: "ent/schema", Have: "the migrations",
	Declares: "ent/schema declares it", Lacks: "no migration creates it", Undeclared: "ent/schema does not declare it",
	RemedyMissing: "run `schemactl migrate diff <name>` to write the migration",
	RemedyExtra:   "declare it in ent/schema, or run `schemactl migrate diff <name>` to drop it",
	RemedyDiffers: "run `schemactl migrate diff <name>`, or change ent/schema to match the migrations",
}

type analysis struct {
	s        Sides
	loc      Locator
	mentions Mentions
	out      []report.Finding
}

// Findings classifies changes, the diff from the replayed state to the
// desired one: what it adds is missing from the migrations, what it drops
// exists only in them.
func Findings(changes []schema.Change, loc Locator, mentions Mentions) []report.Finding {
	return Compare(changes, EntVsMigrations, loc, mentions)
}

// Compare is Findings between any two states, named by sides.
func Compare(changes []schema.Change, sides Sides, loc Locator, mentions Mentions) []report.Finding {
	a := &analysis{s: sides, loc: loc, mentions: mentions}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.AddTable:
			a.missing("ENT101", report.Table, TableObject(c.T.Name),
				a.missingMsg(TableObject(c.T.Name)), a.locateOr(c.T.Name)(loc.Table(c.T.Name)))
		case *schema.DropTable:
			a.extra("ENT102", report.Table, TableObject(c.T.Name),
				a.extraMsg(TableObject(c.T.Name)), c.T.Name)
		case *schema.ModifyTable:
			a.table(c)
		case *schema.AddObject:
			if e, ok := c.O.(*schema.EnumType); ok {
				a.missing("ENT121", report.Enum, EnumObject(e.T),
					a.missingMsg(fmt.Sprintf("enum type %q %s", e.T, values(e.Values))), a.locateOr(e.T)(loc.EnumType(e.T)))
			}
		case *schema.DropObject:
			if e, ok := c.O.(*schema.EnumType); ok {
				a.extra("ENT123", report.Enum, EnumObject(e.T),
					a.extraMsg(EnumObject(e.T)), e.T)
			}
		case *schema.ModifyObject:
			from, ok1 := c.From.(*schema.EnumType)
			to, ok2 := c.To.(*schema.EnumType)
			if ok1 && ok2 {
				a.add("ENT122", report.Enum, EnumObject(to.T), a.enumMessage(from, to), a.locateOr(to.T)(loc.EnumType(to.T)), a.s.RemedyDiffers)
			}
		default:
			a.add("ENT199", report.Table, fmt.Sprintf("%T", c), fmt.Sprintf("%s and %s differ (%T)", a.s.Have, a.s.Want, c), nil, a.s.RemedyDiffers)
		}
	}
	return a.out
}

func (a *analysis) table(mt *schema.ModifyTable) {
	t := mt.T.Name
	for _, c := range mt.Changes {
		switch c := c.(type) {
		case *schema.AddColumn:
			a.missing("ENT111", report.Column, ColumnObject(t, c.C.Name),
				a.missingMsg(fmt.Sprintf("%s (%s)", ColumnObject(t, c.C.Name), TypeOf(c.C))), a.locateOr(c.C.Name)(a.loc.Column(t, c.C.Name)))
		case *schema.DropColumn:
			a.extra("ENT115", report.Column, ColumnObject(t, c.C.Name),
				a.extraMsg(ColumnObject(t, c.C.Name)), c.C.Name)
		case *schema.ModifyColumn:
			a.modifyColumn(t, c)
		case *schema.AddIndex:
			a.addIndex(t, c.I)
		case *schema.DropIndex:
			a.extra("ENT143", report.Index, IndexObject(t, c.I),
				a.extraMsg(IndexObject(t, c.I)+" "+parts(c.I)), c.I.Name)
		case *schema.ModifyIndex:
			a.add("ENT142", report.Index, IndexObject(t, c.To), a.indexMessage(t, c), a.locateOr(c.To.Name)(a.loc.Index(t, PartNames(c.To), c.To.Unique)), a.s.RemedyDiffers)
		case *schema.AddForeignKey:
			a.missing("ENT131", report.ForeignKey, ForeignKeyObject(t, c.F),
				a.missingMsg(ForeignKeyObject(t, c.F)+" "+fkShape(c.F)), a.locateOr(c.F.Symbol)(a.loc.ForeignKey(t, columnNames(c.F.Columns))))
		case *schema.DropForeignKey:
			a.extra("ENT133", report.ForeignKey, ForeignKeyObject(t, c.F),
				a.extraMsg(ForeignKeyObject(t, c.F)+" "+fkShape(c.F)), c.F.Symbol)
		case *schema.ModifyForeignKey:
			a.add("ENT132", report.ForeignKey, ForeignKeyObject(t, c.To),
				fmt.Sprintf("%s differs: %s in %s, %s in %s", ForeignKeyObject(t, c.To), fkShape(c.From), a.s.Have, fkShape(c.To), a.s.Want),
				a.locateOr(c.To.Symbol)(a.fkFix(t, c)), a.s.RemedyDiffers)
		case *schema.AddCheck:
			a.missing("ENT152", report.Constraint, CheckObject(t, c.C),
				a.missingMsg(CheckObject(t, c.C)+" CHECK "+c.C.Expr), a.locateOr(c.C.Name)(a.loc.Check(t, c.C.Name)))
		case *schema.DropCheck:
			a.extra("ENT154", report.Constraint, CheckObject(t, c.C),
				a.extraMsg(CheckObject(t, c.C)+" CHECK "+c.C.Expr), c.C.Name)
		case *schema.ModifyCheck:
			a.add("ENT153", report.Constraint, CheckObject(t, c.To),
				fmt.Sprintf("%s differs: CHECK %s in %s, CHECK %s in %s", CheckObject(t, c.To), c.From.Expr, a.s.Have, c.To.Expr, a.s.Want),
				a.locateOr(c.To.Name)(a.loc.Check(t, c.To.Name)), a.s.RemedyDiffers)
		case *schema.AddPrimaryKey, *schema.DropPrimaryKey, *schema.ModifyPrimaryKey:
			a.add("ENT161", report.Constraint, PrimaryKeyObject(t),
				fmt.Sprintf("the primary key of table %q differs between %s and %s", t, a.s.Have, a.s.Want), a.locate(a.loc.Table(t)), a.s.RemedyDiffers)
		case *schema.ModifyAttr, *schema.AddAttr, *schema.DropAttr:
			a.add("ENT103", report.Table, TableObject(t),
				fmt.Sprintf("table %q differs in its attributes (%s)", t, attrName(c)), a.locate(a.loc.Table(t)), a.s.RemedyDiffers)
		default:
			a.add("ENT199", report.Table, TableObject(t),
				fmt.Sprintf("table %q differs between %s and %s (%T)", t, a.s.Have, a.s.Want, c), a.locate(a.loc.Table(t)), a.s.RemedyDiffers)
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

func (a *analysis) modifyColumn(t string, c *schema.ModifyColumn) {
	name := ColumnObject(t, c.To.Name)
	fix := a.locateOr(c.To.Name)(a.loc.Column(t, c.To.Name))
	if c.Change.Is(schema.ChangeType) {
		a.add("ENT112", report.Column, name, fmt.Sprintf("%s has type %s in %s, %s in %s", name, TypeOf(c.From), a.s.Have, TypeOf(c.To), a.s.Want), fix, a.s.RemedyDiffers)
	}
	if c.Change.Is(schema.ChangeNull) {
		a.add("ENT113", report.Column, name, fmt.Sprintf("%s is %s in %s, %s in %s", name, nullable(c.From), a.s.Have, nullable(c.To), a.s.Want), fix, a.s.RemedyDiffers)
	}
	if c.Change.Is(schema.ChangeDefault) {
		a.add("ENT114", report.Column, name, fmt.Sprintf("%s has %s in %s, %s in %s", name, defaultOf(c.From), a.s.Have, defaultOf(c.To), a.s.Want), fix, a.s.RemedyDiffers)
	}
	if c.Change.Is(schema.ChangeComment) {
		a.add("ENT116", report.Column, name, fmt.Sprintf("%s has a different comment in %s than in %s", name, a.s.Have, a.s.Want), fix, a.s.RemedyDiffers)
	}
	if rest := c.Change &^ (schema.ChangeType | schema.ChangeNull | schema.ChangeDefault | schema.ChangeComment); rest != schema.NoChange {
		a.add("ENT117", report.Column, name, fmt.Sprintf("%s differs between %s and %s (collation, identity or generation)", name, a.s.Have, a.s.Want), fix, a.s.RemedyDiffers)
	}
}

// A missing unique index is a missing unique constraint: the domain's
// checklist treats uniqueness as a constraint the database must enforce.
func (a *analysis) addIndex(t string, idx *schema.Index) {
	code, cat, what := "ENT141", report.Index, IndexObject(t, idx)
	if idx.Unique {
		code, cat = "ENT151", report.Constraint
		what = "unique " + what
	}
	a.missing(code, cat, IndexObject(t, idx),
		a.missingMsg(what+" "+parts(idx)), a.locateOr(idx.Name)(a.loc.Index(t, PartNames(idx), idx.Unique)))
}

func (a *analysis) missingMsg(what string) string {
	return fmt.Sprintf("%s is missing: %s, %s", what, a.s.Declares, a.s.Lacks)
}

func (a *analysis) extraMsg(what string) string {
	return fmt.Sprintf("%s exists in %s, but %s", what, a.s.Have, a.s.Undeclared)
}

func (a *analysis) add(code string, cat report.Category, object, msg string, fix *report.Location, remedy string) {
	if a.s.CodePrefix != "" {
		code = a.s.CodePrefix + strings.TrimPrefix(code, "ENT")
	}
	a.out = append(a.out, report.Finding{Code: code, Category: cat, Object: object, Message: msg, Fix: fix, Remedy: remedy})
}

func (a *analysis) missing(code string, cat report.Category, object, msg string, fix *report.Location) {
	a.add(code, cat, object, msg, fix, a.s.RemedyMissing)
}

// extra objects are fixed where a migration wrote them.
func (a *analysis) extra(code string, cat report.Category, object, msg, ident string) {
	var fix *report.Location
	if a.mentions != nil {
		if l, ok := a.mentions(ident); ok {
			fix = &l
		}
	}
	a.add(code, cat, object, msg, fix, a.s.RemedyExtra)
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

// The names of the objects findings are about: what the schema audit
// matches findings with.
func TableObject(t string) string                  { return fmt.Sprintf("table %q", t) }
func ColumnObject(t, c string) string              { return fmt.Sprintf("column %q.%q", t, c) }
func PrimaryKeyObject(t string) string             { return fmt.Sprintf("primary key of %q", t) }
func EnumObject(name string) string                { return fmt.Sprintf("enum type %q", name) }
func IndexObject(t string, i *schema.Index) string { return fmt.Sprintf("index %q on %q", i.Name, t) }
func ForeignKeyObject(t string, f *schema.ForeignKey) string {
	return fmt.Sprintf("foreign key %q on %q", f.Symbol, t)
}
func CheckObject(t string, c *schema.Check) string { return fmt.Sprintf("check %q on %q", c.Name, t) }

// TypeOf names a column's type as findings do: "enum <type>" for a native
// enum, else PostgreSQL's spelling.
func TypeOf(c *schema.Column) string {
	if c.Type == nil || c.Type.Type == nil {
		return "no type"
	}
	if e, ok := c.Type.Type.(*schema.EnumType); ok {
		return "enum " + e.T
	}
	if s, err := postgres.FormatType(c.Type.Type); err == nil {
		return s
	}
	return c.Type.Raw
}

func nullable(c *schema.Column) string {
	if c.Type != nil && c.Type.Null {
		return "NULL"
	}
	return "NOT NULL"
}

func defaultOf(c *schema.Column) string {
	switch d := c.Default.(type) {
	case *schema.RawExpr:
		return "DEFAULT " + d.X
	case *schema.Literal:
		return "DEFAULT " + d.V
	}
	return "no default"
}

// PartNames lists an index's columns and expressions, in order.
func PartNames(i *schema.Index) []string {
	var names []string
	for _, p := range i.Parts {
		switch {
		case p.C != nil:
			names = append(names, p.C.Name)
		case p.X != nil:
			names = append(names, fmt.Sprint(p.X))
		}
	}
	return names
}

// parts renders an index's shape: columns with order, and its predicate.
func parts(i *schema.Index) string {
	cols := PartNames(i)
	for k, p := range i.Parts {
		if p.Desc && k < len(cols) {
			cols[k] += " DESC"
		}
	}
	s := "(" + strings.Join(cols, ", ") + ")"
	for _, at := range i.Attrs {
		if p, ok := at.(*postgres.IndexPredicate); ok {
			s += " WHERE " + p.P
		}
	}
	return s
}

func (a *analysis) indexMessage(t string, c *schema.ModifyIndex) string {
	var diffs []string
	if c.Change.Is(schema.ChangeUnique) {
		diffs = append(diffs, fmt.Sprintf("%s in %s, %s in %s", uniq(c.From), a.s.Have, uniq(c.To), a.s.Want))
	}
	if c.Change.Is(schema.ChangeParts) || c.Change.Is(schema.ChangeAttr) {
		diffs = append(diffs, fmt.Sprintf("%s in %s, %s in %s", parts(c.From), a.s.Have, parts(c.To), a.s.Want))
	}
	if len(diffs) == 0 {
		diffs = append(diffs, "its definition")
	}
	return fmt.Sprintf("%s differs: %s", IndexObject(t, c.To), strings.Join(diffs, "; "))
}

func uniq(i *schema.Index) string {
	if i.Unique {
		return "unique"
	}
	return "non-unique"
}

func columnNames(cs []*schema.Column) []string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return names
}

func fkShape(f *schema.ForeignKey) string {
	ref := ""
	if f.RefTable != nil {
		ref = f.RefTable.Name
	}
	return fmt.Sprintf("(%s) REFERENCES %s (%s) ON UPDATE %s ON DELETE %s", strings.Join(columnNames(f.Columns), ", "), ref,
		strings.Join(columnNames(f.RefColumns), ", "), action(f.OnUpdate), action(f.OnDelete))
}

func action(r schema.ReferenceOption) string {
	if r == "" {
		return string(schema.NoAction)
	}
	return string(r)
}

func (a *analysis) enumMessage(from, to *schema.EnumType) string {
	var missing, extra []string
	for _, v := range to.Values {
		if !slices.Contains(from.Values, v) {
			missing = append(missing, v)
		}
	}
	for _, v := range from.Values {
		if !slices.Contains(to.Values, v) {
			extra = append(extra, v)
		}
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("value(s) %s in %s are missing from %s", values(missing), a.s.Want, a.s.Have))
	}
	if len(extra) > 0 {
		parts = append(parts, fmt.Sprintf("value(s) %s exist in %s but not in %s", values(extra), a.s.Have, a.s.Want))
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("values are ordered %s in %s, %s in %s", values(from.Values), a.s.Have, values(to.Values), a.s.Want))
	}
	return fmt.Sprintf("enum type %q differs: %s", to.T, strings.Join(parts, "; "))
}

func values(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = "'" + v + "'"
	}
	return "(" + strings.Join(q, ", ") + ")"
}

func attrName(c schema.Change) string {
	switch c := c.(type) {
	case *schema.ModifyAttr:
		return fmt.Sprintf("%T", c.To)
	case *schema.AddAttr:
		return fmt.Sprintf("%T", c.A)
	case *schema.DropAttr:
		return fmt.Sprintf("%T", c.A)
	}
	return "attribute"
}
