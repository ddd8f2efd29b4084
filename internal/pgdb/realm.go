package pgdb

import (
	"context"
	"fmt"
	"slices"

	"ariga.io/atlas/sql/schema"
)

// Atlas's revisions table and the schema it lives in by default
// (revisions.Table and revisions.DefaultSchema, which cannot be imported
// here: that package's tests use this one).
const (
	revisionsTable  = "atlas_schema_revisions"
	revisionsSchema = "atlas_schema_revisions"
)

// schemasQuery lists the schemas that hold a database's own objects: not
// PostgreSQL's (pg_catalog, pg_toast, temporary ones, information_schema),
// not Atlas's revisions schema, and not one an extension created.
const schemasQuery = `
SELECT n.nspname
FROM pg_namespace n
WHERE n.nspname <> 'information_schema'
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> $1
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
ORDER BY n.nspname`

// Scope says what to inspect.
type Scope struct {
	// Schemas are the schemas to read, those of them that exist; nil reads
	// every schema of the database's own (see schemasQuery).
	Schemas []string
	// Exclude leaves tables out: the revisions table where it shares a
	// schema with managed objects.
	Exclude []TableName
	// Tables, when set, reads only these tables of Schemas, with every enum
	// type of Schemas, and no views, functions or triggers: a check
	// of what a few statements changed (migrate down's), at the cost of
	// those tables rather than of the whole database.
	Tables []TableName
}

// TableName is a table by schema and name.
type TableName struct{ Schema, Name string }

// Inspect reads every schema of a dev database, one that schemactl filled
// itself (a replay, the Ent schemas): tables, enum types and views.
func (c *Conn) Inspect(ctx context.Context) (*schema.Realm, error) {
	return c.InspectScope(ctx, Scope{})
}

// InspectScope reads the schemas of scope: tables, enum types, and views,
// functions, triggers and extensions (which Atlas's open-source inspection
// does not return; see views.go and extras.go), without what extensions
// own (see extensions.go).
func (c *Conn) InspectScope(ctx context.Context, scope Scope) (*schema.Realm, error) {
	names, err := c.schemas(ctx, scope.Schemas)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		// Atlas reads an empty list as "every schema".
		return schema.NewRealm(), nil
	}
	r, err := c.inspectRealm(ctx, names, scope.Tables)
	if err != nil {
		return nil, err
	}
	for _, x := range scope.Exclude {
		if s, ok := r.Schema(x.Schema); ok {
			s.Tables = slices.DeleteFunc(s.Tables, func(t *schema.Table) bool { return t.Name == x.Name })
		}
	}
	return r, nil
}

// inspectRealm reads the schemas names, with their views, functions and
// triggers; with tables set, only those tables and the enum types of their
// schemas (Scope.Tables). Neither holds what extensions own.
func (c *Conn) inspectRealm(ctx context.Context, names []string, tables []TableName) (*schema.Realm, error) {
	if tables == nil {
		r, err := c.Driver.InspectRealm(ctx, &schema.InspectRealmOption{Schemas: names})
		if err != nil {
			return nil, fmt.Errorf("pgdb: inspect schemas %q: %w", names, err)
		}
		if err := c.inspectViews(ctx, r, names); err != nil {
			return nil, err
		}
		if err := c.withoutExtensionOwned(ctx, r, names); err != nil {
			return nil, err
		}
		return r, c.inspectExtras(ctx, r, names)
	}
	r := schema.NewRealm()
	for _, n := range names {
		var these []string
		for _, t := range tables {
			if t.Schema == n {
				these = append(these, t.Name)
			}
		}
		// The enum types of every schema, so that one the statements left
		// alone still compares equal; the tables of the list only (a
		// schema with none: no tables, where an empty list reads all).
		opts := &schema.InspectOptions{Mode: schema.InspectTypes}
		if len(these) > 0 {
			opts = &schema.InspectOptions{Mode: schema.InspectTables | schema.InspectTypes, Tables: these}
		}
		s, err := c.Driver.InspectSchema(ctx, n, opts)
		if err != nil {
			return nil, fmt.Errorf("pgdb: inspect tables %q of schema %q: %w", these, n, err)
		}
		r.AddSchemas(s)
	}
	return r, c.withoutExtensionOwned(ctx, r, names)
}

// schemas returns the schemas of the database's own, or those of want that
// exist.
func (c *Conn) schemas(ctx context.Context, want []string) ([]string, error) {
	skip := revisionsSchema
	if want != nil {
		skip = "" // asked for by name: a revisions schema may hold managed objects too
	}
	rows, err := c.querier().QueryContext(ctx, schemasQuery, skip)
	if err != nil {
		return nil, fmt.Errorf("pgdb: list schemas: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("pgdb: list schemas: %w", err)
		}
		if want == nil || slices.Contains(want, n) {
			names = append(names, n)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgdb: list schemas: %w", err)
	}
	return names, nil
}

// InspectTarget reads a live database as its migrations see it: the
// schemas the reference states use (the replayed migrations, the Ent
// schemas), with bound, the schema the URL's search_path binds it to (""
// for none), read as public, and without the revisions table, which lives
// in revSchema. Schemas the references do not use are not read: a live
// database may hold other applications' schemas.
func (c *Conn) InspectTarget(ctx context.Context, bound, revSchema string, refs ...*schema.Realm) (*schema.Realm, error) {
	return c.inspectTarget(ctx, bound, revSchema, nil, refs)
}

// InspectTargetTables is InspectTarget of these tables only (Scope.Tables),
// named as the references name them (public for the bound schema).
func (c *Conn) InspectTargetTables(ctx context.Context, bound, revSchema string, tables []TableName, refs ...*schema.Realm) (*schema.Realm, error) {
	return c.inspectTarget(ctx, bound, revSchema, append([]TableName{}, tables...), refs) // none, not all, when empty
}

func (c *Conn) inspectTarget(ctx context.Context, bound, revSchema string, tables []TableName, refs []*schema.Realm) (*schema.Realm, error) {
	if bound == "" {
		bound = Schema
	}
	for i, t := range tables {
		if t.Schema == Schema {
			tables[i].Schema = bound
		}
	}
	var names []string
	for _, r := range refs {
		for _, s := range r.Schemas {
			n := s.Name
			if n == Schema {
				n = bound
			}
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	if !slices.Contains(names, bound) {
		names = append(names, bound)
	}
	scope := Scope{Schemas: names, Tables: tables}
	if slices.Contains(names, revSchema) {
		scope.Exclude = []TableName{{revSchema, revisionsTable}}
	}
	live, err := c.InspectScope(ctx, scope)
	if err != nil {
		return nil, err
	}
	if bound != Schema {
		if s, ok := live.Schema(bound); ok {
			// Compare contents, not the schemas' names or comments.
			s.Name, s.Attrs = Schema, nil
			for _, r := range refs {
				if p, ok := r.Schema(Schema); ok {
					s.Attrs = p.Attrs
					break
				}
			}
		}
	}
	return live, nil
}

// Table is r's table name in schema sch ("" for none: false).
func Table(r *schema.Realm, sch, name string) (*schema.Table, bool) {
	if r == nil {
		return nil, false
	}
	s, ok := r.Schema(sch)
	if !ok {
		return nil, false
	}
	return s.Table(name)
}

// Public returns r's default schema, or an empty one when r has none.
func Public(r *schema.Realm) *schema.Schema {
	if s, ok := r.Schema(Schema); ok {
		return s
	}
	return schema.New(Schema)
}

// Tables lists the tables of every schema of r.
func Tables(r *schema.Realm) []*schema.Table {
	var out []*schema.Table
	for _, s := range r.Schemas {
		out = append(out, s.Tables...)
	}
	return out
}

// Views lists the views of every schema of r.
func Views(r *schema.Realm) []*schema.View {
	var out []*schema.View
	for _, s := range r.Schemas {
		out = append(out, s.Views...)
	}
	return out
}

// Enums lists the enum types of every schema of r.
func Enums(r *schema.Realm) []*schema.EnumType {
	var out []*schema.EnumType
	for _, s := range r.Schemas {
		for _, o := range s.Objects {
			if e, ok := o.(*schema.EnumType); ok {
				out = append(out, e)
			}
		}
	}
	return out
}

// Qualified names an object of schema s as findings and documents do:
// history.orders, or orders in public.
func Qualified(s *schema.Schema, name string) string {
	if s == nil || s.Name == "" || s.Name == Schema {
		return name
	}
	return s.Name + "." + name
}
