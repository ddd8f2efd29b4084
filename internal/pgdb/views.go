package pgdb

import (
	"context"
	"fmt"
	"slices"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// Atlas's open-source PostgreSQL driver does not inspect views (its
// inspectViews is a stub), so they are read here from the catalogs: plain
// views only, as Ent declares them (ent.View with entsql.ViewFor or entsql.View).
// Materialized views are left out: Ent cannot declare one, so every one
// would be reported extra and dropped by `migrate diff`.
//
// A view's definition is pg_get_viewdef's, PostgreSQL's own normal form, on
// both sides of every comparison, so definitions compare as text.

// viewsQuery lists the plain views of the schemas $1, not those an
// extension owns.
const viewsQuery = `
SELECT n.nspname, c.relname, pg_get_viewdef(c.oid), a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind = 'v' AND n.nspname = ANY($1)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname, a.attnum`

// readsQuery lists what each view of the schemas $1 reads: the relations
// its rule depends on, column by column (refobjsubid), so that a plan can
// tell which table changes PostgreSQL refuses while the view exists.
const readsQuery = `
SELECT DISTINCT vn.nspname, v.relname, rn.nspname, r.relname, COALESCE(a.attname, '')
FROM pg_rewrite w
JOIN pg_class v ON v.oid = w.ev_class
JOIN pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
                AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> w.ev_class
JOIN pg_class r ON r.oid = d.refobjid
JOIN pg_namespace rn ON rn.oid = r.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0
WHERE v.relkind = 'v' AND vn.nspname = ANY($1)
ORDER BY 1, 2, 3, 4, 5`

// Reads is the attribute of an inspected view that lists the columns it
// reads, per table or view. PostgreSQL refuses to drop or retype such a
// column while the view exists, so a plan drops the view first and
// recreates it after. Atlas's differ does not compare it.
type Reads struct {
	schema.Attr
	Columns map[TableName][]string // relation -> columns read ("" for the relation as a whole)
}

// ReadsOf returns the columns view v reads, by relation; nil when v was not
// inspected (a view built from Ent's declaration).
func ReadsOf(v *schema.View) map[TableName][]string {
	for _, a := range v.Attrs {
		if r, ok := a.(*Reads); ok {
			return r.Columns
		}
	}
	return nil
}

func (c *Conn) inspectViews(ctx context.Context, r *schema.Realm, names []string) error {
	rows, err := c.querier().QueryContext(ctx, viewsQuery, names)
	if err != nil {
		return fmt.Errorf("pgdb: inspect views: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ns, name, def, col, typ string
		if err := rows.Scan(&ns, &name, &def, &col, &typ); err != nil {
			return fmt.Errorf("pgdb: inspect views: %w", err)
		}
		s, ok := r.Schema(ns)
		if !ok {
			continue
		}
		v, ok := s.View(name)
		if !ok {
			v = schema.NewView(name, def)
			v.AddAttrs(&Reads{Columns: map[TableName][]string{}})
			s.AddViews(v)
		}
		t, err := postgres.ParseType(typ)
		if err != nil {
			t = &schema.UnsupportedType{T: typ}
		}
		// A view's columns are always nullable to PostgreSQL.
		v.AddColumns(&schema.Column{Name: col, Type: &schema.ColumnType{Type: t, Raw: typ, Null: true}})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pgdb: inspect views: %w", err)
	}
	rows.Close()
	if len(Views(r)) == 0 {
		return nil // most projects: no dependency query
	}
	return c.inspectReads(ctx, r, names)
}

func (c *Conn) inspectReads(ctx context.Context, r *schema.Realm, names []string) error {
	rows, err := c.querier().QueryContext(ctx, readsQuery, names)
	if err != nil {
		return fmt.Errorf("pgdb: inspect view dependencies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var vs, vn, rs, rn, col string
		if err := rows.Scan(&vs, &vn, &rs, &rn, &col); err != nil {
			return fmt.Errorf("pgdb: inspect view dependencies: %w", err)
		}
		s, ok := r.Schema(vs)
		if !ok {
			continue
		}
		v, ok := s.View(vn)
		if !ok {
			continue
		}
		rel := TableName{rs, rn}
		reads := ReadsOf(v)
		if _, seen := reads[rel]; !seen {
			if o := object(r, rel); o != nil {
				v.AddDeps(o)
			}
		}
		if col != "" {
			reads[rel] = append(reads[rel], col)
		} else if reads[rel] == nil {
			reads[rel] = []string{}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pgdb: inspect view dependencies: %w", err)
	}
	return nil
}

// object finds the table or view rel in r.
func object(r *schema.Realm, rel TableName) schema.Object {
	s, ok := r.Schema(rel.Schema)
	if !ok {
		return nil
	}
	if t, ok := s.Table(rel.Name); ok {
		return t
	}
	if v, ok := s.View(rel.Name); ok {
		return v
	}
	return nil
}

// External marks a view that Ent declares without a definition (an
// ent.View with no entsql.ViewFor or entsql.View): created outside Ent's
// migrations, so neither compared nor planned (see DiffRealms).
type External struct{ schema.Attr }

// IsExternal reports whether v is marked External.
func IsExternal(v *schema.View) bool {
	return slices.ContainsFunc(v.Attrs, func(a schema.Attr) bool { _, ok := a.(*External); return ok })
}

// AddExternalView adds to r, in schema ns ("" for public), the placeholder
// of a view Ent declares without a definition.
func AddExternalView(r *schema.Realm, ns, name string) {
	if ns == "" {
		ns = Schema
	}
	s, ok := r.Schema(ns)
	if !ok {
		s = schema.New(ns)
		r.AddSchemas(s)
	}
	if _, ok := s.View(name); !ok {
		s.AddViews(schema.NewView(name, "").AddAttrs(&External{}))
	}
}
