package pgdb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
)

// Plan plans changes with Atlas's PostgreSQL planner: objects of public
// unqualified, as before schemactl knew other schemas (and as Atlas plans
// for a URL scoped to public), objects of any other schema qualified
// ("history"."orders"), a new schema created first. Atlas qualifies by the
// schema's name unless it is empty, so public is nameless while planning;
// realms are the realms changes were computed from (every schema an object
// of changes can name), restored before Plan returns. View changes are not
// Atlas's to plan: see SplitViews and PlanViews.
func Plan(ctx context.Context, drv migrate.Driver, name string, changes []schema.Change, realms ...*schema.Realm) (*migrate.Plan, error) {
	var renamed []*schema.Schema
	for _, c := range changes {
		// A directory that dropped public gets it back by its name: an
		// unnamed schema would print as `CREATE SCHEMA;`.
		if a, ok := c.(*schema.AddSchema); ok && a.S.Name == Schema {
			return drv.PlanChanges(ctx, name, changes)
		}
	}
	for _, r := range realms {
		for _, s := range r.Schemas {
			if s.Name == Schema {
				s.Name = ""
				renamed = append(renamed, s)
			}
		}
	}
	defer func() {
		for _, s := range renamed {
			s.Name = Schema
		}
	}()
	return drv.PlanChanges(ctx, name, changes)
}

// SplitViews separates the view changes of a diff from the rest: Atlas's
// open-source planner refuses them ("unsupported change").
func SplitViews(changes []schema.Change) (views, rest []schema.Change) {
	for _, c := range changes {
		switch c.(type) {
		case *schema.AddView, *schema.DropView, *schema.ModifyView:
			views = append(views, c)
		default:
			rest = append(rest, c)
		}
	}
	return views, rest
}

// ViewPlan is how a diff changes views: Drop runs before the diff's other
// statements, Create after all of them.
type ViewPlan struct {
	Drop, Create []*migrate.Change
}

// PlanViews plans the view changes of the diff from current to desired;
// rest is the diff's other changes. A view is
//   - created (CREATE VIEW) after the tables it reads;
//   - replaced (CREATE OR REPLACE VIEW) when its columns stay, in order,
//     with their types (new ones may follow), as PostgreSQL requires;
//   - dropped first, and created again after, when its columns change
//     otherwise, or when rest drops or retypes a table or column it reads,
//     or it reads a view that is dropped first (PostgreSQL refuses all of
//     those while the view exists);
//   - dropped (DROP VIEW) before the tables it reads, dependents first.
func PlanViews(views, rest []schema.Change, current, desired *schema.Realm) *ViewPlan {
	var (
		gone    = map[TableName]*schema.View{} // current views dropped first
		create  = map[TableName]*schema.View{} // desired views created after
		replace = map[TableName]*schema.View{} // desired views replaced after
	)
	for _, c := range views {
		switch c := c.(type) {
		case *schema.AddView:
			create[nameOf(c.V)] = c.V
		case *schema.DropView:
			gone[nameOf(c.V)] = c.V
		case *schema.ModifyView:
			k := nameOf(c.To)
			if replaceable(c.From, c.To) {
				replace[k] = c.To
			} else {
				gone[k], create[k] = c.From, c.To
			}
		}
	}
	dropped, retyped := touched(rest)
	blocks := func(v *schema.View) bool {
		for rel, cols := range ReadsOf(v) {
			if dropped[rel] || gone[rel] != nil {
				return true
			}
			if slices.ContainsFunc(cols, func(c string) bool { return retyped[rel][c] }) {
				return true
			}
		}
		return false
	}
	for changed := true; changed; {
		changed = false
		for _, v := range Views(current) {
			k := nameOf(v)
			if gone[k] != nil || !blocks(v) {
				continue
			}
			gone[k], changed = v, true
			delete(replace, k)
			if create[k] == nil {
				if s, ok := desired.Schema(k.Schema); ok {
					if dv, ok := s.View(k.Name); ok {
						create[k] = dv
						if IsExternal(dv) {
							create[k] = v // defined elsewhere: as it is
						}
					}
				}
			}
		}
	}
	p := &ViewPlan{}
	for _, v := range order(gone, true) {
		p.Drop = append(p.Drop, &migrate.Change{
			Cmd:     "DROP VIEW " + viewIdent(v),
			Comment: fmt.Sprintf("drop %q view", v.Name),
		})
	}
	all := map[TableName]*schema.View{}
	for k, v := range create {
		all[k] = v
	}
	for k, v := range replace {
		all[k] = v
	}
	for _, v := range order(all, false) {
		verb, comment := "CREATE VIEW ", "create %q view"
		if replace[nameOf(v)] != nil {
			verb, comment = "CREATE OR REPLACE VIEW ", "modify %q view"
		}
		p.Create = append(p.Create, &migrate.Change{Cmd: verb + viewIdent(v) + columnList(v) + " AS " + ViewDef(v), Comment: fmt.Sprintf(comment, v.Name)})
	}
	return p
}

// CreateView is the statement that creates view v.
func CreateView(v *schema.View) string {
	return "CREATE VIEW " + viewIdent(v) + columnList(v) + " AS " + ViewDef(v)
}

// ViewDef is v's definition as a statement ends it: without the blanks
// and the semicolon pg_get_viewdef puts around it.
func ViewDef(v *schema.View) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v.Def), ";"))
}

// replaceable reports whether CREATE OR REPLACE VIEW can turn from into
// to: the same columns, in order, with the same types, and maybe more.
func replaceable(from, to *schema.View) bool {
	if len(to.Columns) < len(from.Columns) {
		return false
	}
	for i, c := range from.Columns {
		d := to.Columns[i]
		if c.Name != d.Name || rawType(c) != rawType(d) {
			return false
		}
	}
	return true
}

func rawType(c *schema.Column) string {
	if c.Type == nil {
		return ""
	}
	return c.Type.Raw
}

// touched returns the tables rest drops, and the columns it drops or
// retypes, per table.
func touched(rest []schema.Change) (map[TableName]bool, map[TableName]map[string]bool) {
	dropped, retyped := map[TableName]bool{}, map[TableName]map[string]bool{}
	mark := func(t *schema.Table, col string) {
		k := TableName{schemaOf(t.Schema), t.Name}
		if retyped[k] == nil {
			retyped[k] = map[string]bool{}
		}
		retyped[k][col] = true
	}
	for _, c := range rest {
		switch c := c.(type) {
		case *schema.DropTable:
			dropped[TableName{schemaOf(c.T.Schema), c.T.Name}] = true
		case *schema.ModifyTable:
			for _, tc := range c.Changes {
				switch tc := tc.(type) {
				case *schema.DropColumn:
					mark(c.T, tc.C.Name)
				case *schema.ModifyColumn:
					if tc.Change.Is(schema.ChangeType) {
						mark(c.T, tc.From.Name)
					}
				}
			}
		}
	}
	return dropped, retyped
}

// order sorts views so that each comes after the views it reads (or,
// reversed, before them: drops go dependents first), by name otherwise.
func order(views map[TableName]*schema.View, reverse bool) []*schema.View {
	keys := make([]TableName, 0, len(views))
	for k := range views {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b TableName) int { return cmp.Or(cmp.Compare(a.Schema, b.Schema), cmp.Compare(a.Name, b.Name)) })
	var (
		out  []*schema.View
		done = map[TableName]bool{}
		// visit places v after the views of the set it reads; a cycle
		// cannot exist among views PostgreSQL built.
		visit func(k TableName)
	)
	visit = func(k TableName) {
		if done[k] {
			return
		}
		done[k] = true
		v := views[k]
		deps := make([]TableName, 0)
		for rel := range ReadsOf(v) {
			if views[rel] != nil {
				deps = append(deps, rel)
			}
		}
		slices.SortFunc(deps, func(a, b TableName) int { return cmp.Or(cmp.Compare(a.Schema, b.Schema), cmp.Compare(a.Name, b.Name)) })
		for _, d := range deps {
			visit(d)
		}
		out = append(out, v)
	}
	for _, k := range keys {
		visit(k)
	}
	if reverse {
		slices.Reverse(out)
	}
	return out
}

func nameOf(v *schema.View) TableName { return TableName{schemaOf(v.Schema), v.Name} }

func schemaOf(s *schema.Schema) string {
	if s == nil || s.Name == "" {
		return Schema
	}
	return s.Name
}

// viewIdent names v as a migration does: unqualified in public.
func viewIdent(v *schema.View) string {
	if s := schemaOf(v.Schema); s != Schema {
		return pgx.Identifier{s, v.Name}.Sanitize()
	}
	return pgx.Identifier{v.Name}.Sanitize()
}

// columnList names the view's columns, as Ent declares them.
func columnList(v *schema.View) string {
	if len(v.Columns) == 0 {
		return ""
	}
	names := make([]string, len(v.Columns))
	for i, c := range v.Columns {
		names[i] = pgx.Identifier{c.Name}.Sanitize()
	}
	return " (" + strings.Join(names, ", ") + ")"
}
