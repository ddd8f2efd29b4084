package pgdb

import (
	"context"
	"fmt"
	"slices"

	"ariga.io/atlas/sql/schema"
)

// What an extension owns (citext's type and functions, PostGIS's
// spatial_ref_sys table, pg_buffercache's view) is the extension's, never
// the project's: Atlas's open-source inspection returns the tables and enum
// types among it as the schema's own, so they are left out here (views.go
// leaves out such views), and no comparison ever reports or drops them.

// extensionOwnedQuery lists the tables and enum types of the schemas $1
// that extensions own (pg_depend deptype 'e').
const extensionOwnedQuery = `
SELECT 'relation', n.nspname, c.relname FROM pg_depend d
  JOIN pg_class c ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE d.deptype = 'e' AND c.relkind IN ('r', 'p', 'm', 'f') AND n.nspname = ANY($1)
UNION ALL
SELECT 'type', n.nspname, t.typname FROM pg_depend d
  JOIN pg_type t ON d.classid = 'pg_type'::regclass AND d.objid = t.oid
  JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE d.deptype = 'e' AND t.typtype = 'e' AND n.nspname = ANY($1)`

// withoutExtensionOwned removes from r, in the schemas names, the tables
// and enum types extensions own.
func (c *Conn) withoutExtensionOwned(ctx context.Context, r *schema.Realm, names []string) error {
	rows, err := c.querier().QueryContext(ctx, extensionOwnedQuery, names)
	if err != nil {
		return fmt.Errorf("pgdb: list extension members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, ns, name string
		if err := rows.Scan(&kind, &ns, &name); err != nil {
			return fmt.Errorf("pgdb: list extension members: %w", err)
		}
		s, ok := r.Schema(ns)
		switch {
		case !ok:
		case kind == "relation":
			s.Tables = slices.DeleteFunc(s.Tables, func(t *schema.Table) bool { return t.Name == name })
		default:
			s.Objects = slices.DeleteFunc(s.Objects, func(o schema.Object) bool { return objectName(o) == name })
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pgdb: list extension members: %w", err)
	}
	return nil
}

// objectName is the name of a schema-level object, "" when unknown.
func objectName(o schema.Object) string {
	if e, ok := o.(*schema.EnumType); ok {
		return e.T
	}
	return ""
}

// Subtract removes from r, in place, what base holds too: the dev database
// baseline's objects (base is the baseline database, inspected), which
// exist on every side and which the project does not manage: tables,
// views, enum types, and the functions, triggers and extensions of their
// Extras. A schema of base left empty goes too.
func Subtract(r, base *schema.Realm) {
	if base == nil {
		return
	}
	// The functions, triggers and extensions read from the catalogs.
	if bx, rx := ExtrasOf(base), ExtrasOf(r); len(bx.Funcs)+len(bx.Triggers)+len(bx.Extensions) > 0 {
		rx.Funcs = slices.DeleteFunc(rx.Funcs, func(f *schema.Func) bool {
			return slices.ContainsFunc(bx.Funcs, func(b *schema.Func) bool { return FuncKey(b) == FuncKey(f) })
		})
		rx.Triggers = slices.DeleteFunc(rx.Triggers, func(t *schema.Trigger) bool {
			return slices.ContainsFunc(bx.Triggers, func(b *schema.Trigger) bool { return TriggerKey(b) == TriggerKey(t) })
		})
		rx.Extensions = slices.DeleteFunc(rx.Extensions, func(e *Extension) bool {
			return slices.ContainsFunc(bx.Extensions, func(b *Extension) bool { return b.Name == e.Name })
		})
	}
	r.Schemas = slices.DeleteFunc(r.Schemas, func(s *schema.Schema) bool {
		b, ok := base.Schema(s.Name)
		if !ok {
			return false
		}
		s.Tables = slices.DeleteFunc(s.Tables, func(t *schema.Table) bool { _, ok := b.Table(t.Name); return ok })
		s.Views = slices.DeleteFunc(s.Views, func(v *schema.View) bool { _, ok := b.View(v.Name); return ok })
		s.Funcs = slices.DeleteFunc(s.Funcs, func(f *schema.Func) bool { _, ok := b.Func(f.Name); return ok })
		s.Procs = slices.DeleteFunc(s.Procs, func(p *schema.Proc) bool { _, ok := b.Proc(p.Name); return ok })
		s.Objects = slices.DeleteFunc(s.Objects, func(o schema.Object) bool {
			n := objectName(o)
			_, ok := b.Object(func(x schema.Object) bool { return n != "" && objectName(x) == n })
			return ok
		})
		// The default schema always stays: every state has it.
		return s.Name != Schema && len(s.Tables)+len(s.Views)+len(s.Funcs)+len(s.Procs)+len(s.Objects) == 0
	})
}
