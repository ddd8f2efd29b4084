package compare

import (
	"fmt"
	"strings"

	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/report"
)

// Declarations place the objects a SQL source of the desired state
// declares (functions, triggers, extensions, views): the file and line of
// the statement that creates each. desired.State implements it.
type Declarations interface {
	Declared(ref report.ObjectRef) (report.Location, bool)
}

// WithDeclarations is loc, which also places what d declares. Either may
// be nil.
func WithDeclarations(loc Locator, d Declarations) Locator {
	if loc == nil {
		loc = nowhere{}
	}
	if d == nil {
		return loc
	}
	return declaring{loc, d}
}

type declaring struct {
	Locator
	d Declarations
}

func (l declaring) Declared(ref report.ObjectRef) (report.Location, bool) { return l.d.Declared(ref) }

// declarations is the locator's Declarations, nil when it has none.
func (a *analysis) declarations() Declarations {
	if d, ok := a.loc.(Declarations); ok {
		return d
	}
	return nil
}

// declared places ref where a SQL source declares it, or where the
// migrations name it.
func (a *analysis) declared(ref report.ObjectRef) *report.Location {
	if d := a.declarations(); d != nil {
		if l, ok := d.Declared(ref); ok {
			return &l
		}
	}
	name := ref.Name
	if i := strings.IndexByte(name, '('); i >= 0 {
		name = name[:i]
	}
	return a.locateOr(name)(report.Location{}, false)
}

// FuncRef identifies a function (or procedure) by schema, name and
// argument types.
func FuncRef(f *schema.Func) report.ObjectRef {
	return report.ObjectRef{Kind: report.KindFunction, Schema: schemaName(f.Schema), Name: pgdb.FuncName(f)}
}

// TriggerRef identifies a trigger by the table (or view) it fires on.
func TriggerRef(t *schema.Trigger) report.ObjectRef {
	on := pgdb.TriggerTable(t)
	return report.ObjectRef{Kind: report.KindTrigger, Schema: on.Schema, Table: on.Name, Name: t.Name}
}

// ExtensionRef identifies an extension.
func ExtensionRef(e *pgdb.Extension) report.ObjectRef {
	return report.ObjectRef{Kind: report.KindExtension, Name: e.Name}
}

// extras classifies a change to a function, trigger or extension
// (pgdb.DiffExtras): ENT181–ENT183, ENT184–ENT186, ENT187–ENT189.
func (a *analysis) extras(c schema.Change) {
	switch c := c.(type) {
	case *schema.AddFunc:
		ref := FuncRef(c.F)
		a.add("ENT181", report.Function, ref, a.sourceMissingMsg(funcWhat(c.F)), a.declared(ref), a.s.RemedyMissing)
	case *schema.ModifyFunc:
		ref := FuncRef(c.To)
		a.add("ENT182", report.Function, ref, fmt.Sprintf("%s differs: %s", funcWhat(c.To), a.firstDiff(c.From.Body, c.To.Body)),
			a.declared(ref), or(a.s.RemedyDiffersSQL, a.s.RemedyDiffers))
	case *schema.DropFunc:
		ref := FuncRef(c.F)
		a.sourceExtra("ENT183", report.Function, ref, funcWhat(c.F), c.F.Name)
	case *schema.AddTrigger:
		ref := TriggerRef(c.T)
		a.add("ENT184", report.Trigger, ref, a.sourceMissingMsg(ref.String()), a.declared(ref), a.s.RemedyMissing)
	case *schema.ModifyTrigger:
		ref := TriggerRef(c.To)
		a.add("ENT185", report.Trigger, ref, fmt.Sprintf("%s differs: in %s it is %s; in %s it is %s", ref,
			a.s.Have, oneLine(c.From.Body), or(a.s.SourceWant, a.s.Want), oneLine(c.To.Body)), a.declared(ref), or(a.s.RemedyDiffersSQL, a.s.RemedyDiffers))
	case *schema.DropTrigger:
		ref := TriggerRef(c.T)
		a.sourceExtra("ENT186", report.Trigger, ref, ref.String(), c.T.Name)
	case *schema.AddObject:
		e := c.O.(*pgdb.Extension)
		ref := ExtensionRef(e)
		a.add("ENT187", report.Extension, ref, a.sourceMissingMsg(fmt.Sprintf("%s (in schema %q)", ref, e.Schema)), a.declared(ref), a.s.RemedyMissing)
	case *schema.ModifyObject:
		from, to := c.From.(*pgdb.Extension), c.To.(*pgdb.Extension)
		ref := ExtensionRef(to)
		a.add("ENT188", report.Extension, ref, fmt.Sprintf("%s differs: in %s it is in schema %q; in %s in schema %q", ref,
			a.s.Have, from.Schema, or(a.s.SourceWant, a.s.Want), to.Schema), a.declared(ref), or(a.s.RemedyDiffersSQL, a.s.RemedyDiffers))
	case *schema.DropObject:
		e := c.O.(*pgdb.Extension)
		ref := ExtensionRef(e)
		a.sourceExtra("ENT189", report.Extension, ref, fmt.Sprintf("%s (in schema %q)", ref, e.Schema), e.Name)
	}
}

// funcWhat names f for a message: function "touch"(integer), or
// procedure "audit"."purge"().
func funcWhat(f *schema.Func) string {
	return pgdb.InfoOf(f).Kind + strings.TrimPrefix(FuncRef(f).String(), "function")
}

func (a *analysis) sourceMissingMsg(what string) string {
	return fmt.Sprintf("%s is missing: %s, %s", what, or(a.s.SourceDeclares, a.s.Declares), a.s.Lacks)
}

// sourceExtra is an object only Have has, that only a SQL source could
// declare: no exclude pattern is offered.
func (a *analysis) sourceExtra(code string, cat report.Category, ref report.ObjectRef, what, ident string) {
	var fix *report.Location
	if a.mentions != nil {
		if l, ok := a.mentions(ident); ok {
			fix = &l
		}
	}
	msg := fmt.Sprintf("%s exists in %s, but %s", what, a.s.Have, or(a.s.SourceUndeclared, a.s.Undeclared))
	a.add(code, cat, ref, msg, fix, or(a.s.RemedyExtraSQL, a.s.RemedyExtra))
}

// firstDiff quotes the first line where two definitions differ, as
// PostgreSQL prints them (a function's body is kept as written).
func (a *analysis) firstDiff(have, want string) string {
	h, w := strings.Split(strings.TrimSpace(have), "\n"), strings.Split(strings.TrimSpace(want), "\n")
	for i := 0; i < len(h) || i < len(w); i++ {
		var hl, wl string
		if i < len(h) {
			hl = strings.Join(strings.Fields(h[i]), " ")
		}
		if i < len(w) {
			wl = strings.Join(strings.Fields(w[i]), " ")
		}
		if hl != wl {
			return fmt.Sprintf("line %d of its definition is %s in %s, %s in %s", i+1, quoteLine(hl), a.s.Have, quoteLine(wl), or(a.s.SourceWant, a.s.Want))
		}
	}
	return "its definition" // the line breaks moved
}

func quoteLine(l string) string {
	if l == "" {
		return "absent"
	}
	return "`" + l + "`"
}

func or(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}

// UndeclaredNote says, once, what have holds that want cannot declare:
// with the Ent schemas alone as the desired state, the functions, triggers
// and extensions the migrations (or a database) create are neither
// compared nor planned. Ent has no way to declare them, so they are no
// finding; the note names them and how to have them checked. "" when want
// can declare them, or have holds none.
func UndeclaredNote(have, want *schema.Realm, haveName string) string {
	if !pgdb.ExtrasOf(want).Undeclared {
		return ""
	}
	x := pgdb.ExtrasOf(have)
	var names []string
	for _, f := range x.Funcs {
		names = append(names, funcWhat(f))
	}
	for _, t := range x.Triggers {
		names = append(names, TriggerRef(t).String())
	}
	for _, e := range x.Extensions {
		names = append(names, ExtensionRef(e).String())
	}
	if len(names) == 0 {
		return ""
	}
	list := strings.Join(names, ", ")
	if len(names) > 4 {
		list = fmt.Sprintf("%s and %d more", strings.Join(names[:3], ", "), len(names)-3)
	}
	return fmt.Sprintf("not declared by any source, so not checked: %s in %s (Ent cannot declare functions, triggers or extensions); "+
		"compose a SQL file with the Ent schema (a composite_schema in atlas.hcl, or --to file://schema.sql) to check them: see docs/composite.md", list, haveName)
}
