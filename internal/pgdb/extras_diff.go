package pgdb

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
)

// DiffExtras compares the functions, triggers and extensions of two realms
// (see Extras), as Atlas's change types: AddFunc, ModifyFunc and DropFunc
// (procedures too), AddTrigger, ModifyTrigger and DropTrigger, and
// AddObject, ModifyObject and DropObject of an *Extension. Definitions
// are compared as PostgreSQL prints them (pg_get_functiondef,
// pg_get_triggerdef), but for blanks; an extension by the schema it lives in, not its
// version. Nothing is compared when to cannot declare such objects
// (Extras.Undeclared).
func DiffExtras(from, to *schema.Realm) []schema.Change {
	fx, tx := ExtrasOf(from), ExtrasOf(to)
	if tx.Undeclared {
		return nil
	}
	var out []schema.Change
	have := map[string]*schema.Func{}
	for _, f := range fx.Funcs {
		have[FuncKey(f)] = f
	}
	for _, f := range tx.Funcs {
		switch h, ok := have[FuncKey(f)]; {
		case !ok:
			out = append(out, &schema.AddFunc{F: f})
		case !sameDef(h.Body, f.Body):
			out = append(out, &schema.ModifyFunc{From: h, To: f})
		}
		delete(have, FuncKey(f))
	}
	for _, f := range fx.Funcs {
		if _, ok := have[FuncKey(f)]; ok {
			out = append(out, &schema.DropFunc{F: f})
		}
	}
	trig := map[string]*schema.Trigger{}
	for _, t := range fx.Triggers {
		trig[TriggerKey(t)] = t
	}
	for _, t := range tx.Triggers {
		switch h, ok := trig[TriggerKey(t)]; {
		case !ok:
			out = append(out, &schema.AddTrigger{T: t})
		case !sameDef(h.Body, t.Body):
			out = append(out, &schema.ModifyTrigger{From: h, To: t})
		}
		delete(trig, TriggerKey(t))
	}
	for _, t := range fx.Triggers {
		if _, ok := trig[TriggerKey(t)]; ok {
			out = append(out, &schema.DropTrigger{T: t})
		}
	}
	ext := map[string]*Extension{}
	for _, e := range fx.Extensions {
		ext[e.Name] = e
	}
	for _, e := range tx.Extensions {
		switch h, ok := ext[e.Name]; {
		case !ok:
			out = append(out, &schema.AddObject{O: e})
		case h.Schema != e.Schema:
			out = append(out, &schema.ModifyObject{From: h, To: e})
		}
		delete(ext, e.Name)
	}
	for _, e := range fx.Extensions {
		if _, ok := ext[e.Name]; ok {
			out = append(out, &schema.DropObject{O: e})
		}
	}
	return out
}

// sameDef compares two definitions but for blanks: PostgreSQL keeps a
// function's body as written, and indentation is no change.
func sameDef(a, b string) bool {
	return a == b || slices.Equal(strings.Fields(a), strings.Fields(b))
}

// SplitExtras separates the function, trigger and extension changes of a
// diff from the rest: Atlas's open-source planner does not plan them.
func SplitExtras(changes []schema.Change) (extras, rest []schema.Change) {
	for _, c := range changes {
		if IsExtra(c) {
			extras = append(extras, c)
		} else {
			rest = append(rest, c)
		}
	}
	return extras, rest
}

// IsExtra reports whether c is about a function, trigger or extension.
func IsExtra(c schema.Change) bool {
	switch c := c.(type) {
	case *schema.AddFunc, *schema.ModifyFunc, *schema.DropFunc, *schema.AddTrigger, *schema.ModifyTrigger, *schema.DropTrigger:
		return true
	case *schema.AddObject:
		_, ok := c.O.(*Extension)
		return ok
	case *schema.ModifyObject:
		_, ok := c.To.(*Extension)
		return ok
	case *schema.DropObject:
		_, ok := c.O.(*Extension)
		return ok
	}
	return false
}

// ExtrasPlan is how a diff changes functions, triggers and extensions,
// around the statements Atlas plans (A) and the views (V):
//
//	First  CREATE EXTENSION, then DROP TRIGGER   (before V's drops and A)
//	Funcs  CREATE OR REPLACE FUNCTION / DROP+CREATE (after A: an SQL function's body is checked against the tables)
//	Last   CREATE TRIGGER (after V's creates), then DROP FUNCTION, DROP EXTENSION
type ExtrasPlan struct {
	First, Funcs, Last []*migrate.Change
}

// PlanExtras plans the changes SplitExtras set apart, from current. rest
// is the diff's other changes: a trigger on a table they drop goes with
// the table. A function whose result type or argument names change cannot
// be replaced: it is dropped and created again, and so are the triggers
// that execute it.
func PlanExtras(extras, rest []schema.Change, current *schema.Realm) *ExtrasPlan {
	dropped, _ := touched(rest)
	var (
		p                       = &ExtrasPlan{}
		addExt, dropExt         []*Extension
		create, replace, dropFn []*schema.Func
		recreate                = map[string]bool{} // functions dropped and created again
		addTrig, dropTrig       []*schema.Trigger
	)
	for _, c := range extras {
		switch c := c.(type) {
		case *schema.AddObject:
			addExt = append(addExt, c.O.(*Extension))
		case *schema.ModifyObject:
			// Another schema: ALTER EXTENSION … SET SCHEMA moves its objects.
			e := c.To.(*Extension)
			p.First = append(p.First, &migrate.Change{
				Cmd:     fmt.Sprintf("ALTER EXTENSION %s SET SCHEMA %s", quote(e.Name), quote(e.Schema)),
				Comment: fmt.Sprintf("move extension %q to schema %q", e.Name, e.Schema),
			})
		case *schema.DropObject:
			dropExt = append(dropExt, c.O.(*Extension))
		case *schema.AddFunc:
			create = append(create, c.F)
		case *schema.ModifyFunc:
			if replaceableFunc(c.From, c.To) {
				replace = append(replace, c.To)
			} else {
				recreate[FuncKey(c.To)] = true
				dropFn, create = append(dropFn, c.From), append(create, c.To)
			}
		case *schema.DropFunc:
			dropFn = append(dropFn, c.F)
		case *schema.AddTrigger:
			addTrig = append(addTrig, c.T)
		case *schema.ModifyTrigger:
			addTrig = append(addTrig, c.To)
			dropTrig = append(dropTrig, c.From)
		case *schema.DropTrigger:
			if !dropped[TriggerTable(c.T)] {
				dropTrig = append(dropTrig, c.T)
			}
		}
	}
	sortExt := func(es []*Extension) {
		slices.SortFunc(es, func(a, b *Extension) int { return cmp.Compare(a.Name, b.Name) })
	}
	sortExt(addExt)
	sortExt(dropExt)
	for _, e := range addExt {
		p.First = append(p.First, &migrate.Change{
			Cmd:     fmt.Sprintf("CREATE EXTENSION %s WITH SCHEMA %s", quote(e.Name), quote(e.Schema)),
			Comment: fmt.Sprintf("create extension %q", e.Name),
		})
	}
	sortTrig(dropTrig)
	for _, t := range dropTrig {
		p.First = append(p.First, dropTrigger(t))
	}
	sortFunc(dropFn)
	sortFunc(create)
	sortFunc(replace)
	for _, f := range dropFn {
		if recreate[FuncKey(f)] {
			p.Funcs = append(p.Funcs, dropFunc(f))
		}
	}
	for _, f := range create {
		verb := "create"
		if recreate[FuncKey(f)] {
			verb = "recreate"
		}
		p.Funcs = append(p.Funcs, &migrate.Change{Cmd: Statement(f.Body), Comment: fmt.Sprintf("%s %q %s", verb, f.Name, InfoOf(f).Kind)})
	}
	for _, f := range replace {
		p.Funcs = append(p.Funcs, &migrate.Change{Cmd: Statement(f.Body), Comment: fmt.Sprintf("modify %q %s", f.Name, InfoOf(f).Kind)})
	}
	sortTrig(addTrig)
	for _, t := range addTrig {
		p.Last = append(p.Last, &migrate.Change{Cmd: Statement(t.Body), Comment: fmt.Sprintf("create %q trigger", t.Name)})
	}
	for _, f := range dropFn {
		if !recreate[FuncKey(f)] {
			p.Last = append(p.Last, dropFunc(f))
		}
	}
	for _, e := range dropExt {
		p.Last = append(p.Last, &migrate.Change{Cmd: "DROP EXTENSION " + quote(e.Name), Comment: fmt.Sprintf("drop extension %q", e.Name)})
	}
	p.recreate(extras, current)
	return p
}

// recreate adds to the plan the triggers that execute a function it drops
// and creates again (PostgreSQL refuses to drop a function a trigger
// uses): current holds them. A trigger the plan changes anyway is left to
// that change.
func (p *ExtrasPlan) recreate(extras []schema.Change, current *schema.Realm) {
	recreated := map[string]bool{}
	changed := map[string]bool{}
	for _, c := range extras {
		switch c := c.(type) {
		case *schema.ModifyFunc:
			if !replaceableFunc(c.From, c.To) {
				recreated[FuncKey(c.From)] = true
			}
		case *schema.AddTrigger:
			changed[TriggerKey(c.T)] = true
		case *schema.ModifyTrigger:
			changed[TriggerKey(c.To)] = true
		case *schema.DropTrigger:
			changed[TriggerKey(c.T)] = true
		}
	}
	if len(recreated) == 0 {
		return
	}
	var again []*schema.Trigger
	for _, t := range ExtrasOf(current).Triggers {
		if !changed[TriggerKey(t)] && recreated[triggerFunc(t)] {
			again = append(again, t)
		}
	}
	sortTrig(again)
	for _, t := range again {
		p.First = append(p.First, dropTrigger(t))
		p.Last = append([]*migrate.Change{{Cmd: Statement(t.Body), Comment: fmt.Sprintf("recreate %q trigger", t.Name)}}, p.Last...)
	}
}

func triggerFunc(t *schema.Trigger) string {
	for _, a := range t.Attrs {
		if i, ok := a.(*TriggerInfo); ok {
			return i.Func
		}
	}
	return ""
}

// replaceableFunc reports whether CREATE OR REPLACE turns from into to:
// PostgreSQL refuses another result type, other argument names or
// defaults removed, and a function turned procedure.
func replaceableFunc(from, to *schema.Func) bool {
	f, t := InfoOf(from), InfoOf(to)
	return f.Kind == t.Kind && f.Result == t.Result && f.Args == t.Args
}

func dropFunc(f *schema.Func) *migrate.Change {
	info := InfoOf(f)
	return &migrate.Change{
		Cmd:     fmt.Sprintf("DROP %s %s(%s)", strings.ToUpper(info.Kind), funcIdent(f), info.ArgTypes),
		Comment: fmt.Sprintf("drop %q %s", f.Name, info.Kind),
	}
}

func dropTrigger(t *schema.Trigger) *migrate.Change {
	s, rel := triggerOn(t)
	on := pgx.Identifier{rel}.Sanitize()
	if s != Schema {
		on = pgx.Identifier{s, rel}.Sanitize()
	}
	return &migrate.Change{Cmd: fmt.Sprintf("DROP TRIGGER %s ON %s", quote(t.Name), on), Comment: fmt.Sprintf("drop %q trigger", t.Name)}
}

// funcIdent names f as a migration does: unqualified in public.
func funcIdent(f *schema.Func) string {
	if s := schemaOf(f.Schema); s != Schema {
		return pgx.Identifier{s, f.Name}.Sanitize()
	}
	return quote(f.Name)
}

func quote(name string) string { return pgx.Identifier{name}.Sanitize() }

func sortFunc(fs []*schema.Func) {
	slices.SortFunc(fs, func(a, b *schema.Func) int { return cmp.Compare(FuncKey(a), FuncKey(b)) })
}

func sortTrig(ts []*schema.Trigger) {
	slices.SortFunc(ts, func(a, b *schema.Trigger) int { return cmp.Compare(TriggerKey(a), TriggerKey(b)) })
}
