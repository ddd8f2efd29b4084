package pgdb

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/schema"
)

// Atlas's open-source PostgreSQL inspection returns no functions,
// procedures, triggers or extensions, so they are read here from the
// catalogs, on every side of every comparison (a normalised desired state,
// a replayed directory, a live database), and carried on the realm as its
// Extras attribute. They are kept out of Atlas's own Schema.Funcs and
// Table.Triggers on purpose: Atlas's differ would then emit changes for
// some of them (the functions of a new schema, the triggers of a new
// table) that its open-source planner cannot plan, and none for the rest.
// DiffRealms compares them itself.
//
// Left out, as PostgreSQL's or an extension's own: anything in pg_catalog
// or information_schema (plpgsql is installed there), anything an
// extension created (pg_depend deptype 'e'), aggregate and window
// functions (pg_get_functiondef refuses them), and the internal triggers
// that implement foreign keys.

// Extras are the functions, triggers and extensions of a realm.
type Extras struct {
	schema.Attr
	Funcs      []*schema.Func    // functions and procedures, by schema, name and argument types
	Triggers   []*schema.Trigger // by schema, table and name
	Extensions []*Extension      // by name
	// Undeclared says that the state cannot declare such objects at all
	// (Ent alone): they are then neither compared nor planned, and the
	// comparison notes what the other side has (see DiffRealms and
	// UndeclaredNote).
	Undeclared bool
}

// Extension is an installed extension. Extensions belong to the database,
// not to a schema; Schema is where its objects live.
type Extension struct {
	schema.Object // sealed interface, embedded to be one
	Name, Schema  string
	Version       string // not compared: it is whatever the server ships
}

// FuncInfo is what a function's comparison and plan need beyond Atlas's
// schema.Func (whose Body holds pg_get_functiondef's whole statement).
type FuncInfo struct {
	schema.Attr
	Kind     string // "function" or "procedure"
	ArgTypes string // its identity: the input argument types, e.g. "integer, text"
	Args     string // the full argument list, with names and defaults
	Result   string // the result type; empty for a procedure
}

// TriggerInfo is what a trigger's plan needs beyond Atlas's schema.Trigger
// (whose Body holds pg_get_triggerdef's whole statement).
type TriggerInfo struct {
	schema.Attr
	Func string // the key (FuncKey) of the function it executes
}

// ExtrasOf returns r's functions, triggers and extensions; an empty value
// when r was not inspected by Conn (a realm built by hand).
func ExtrasOf(r *schema.Realm) *Extras {
	if r != nil {
		for _, a := range r.Attrs {
			if x, ok := a.(*Extras); ok {
				return x
			}
		}
	}
	return &Extras{}
}

// SetUndeclared marks r's state as one that cannot declare functions,
// triggers or extensions (an Ent schema without a SQL source).
func SetUndeclared(r *schema.Realm, undeclared bool) {
	x := ExtrasOf(r)
	if !slices.Contains(r.Attrs, schema.Attr(x)) {
		r.Attrs = append(r.Attrs, x)
	}
	x.Undeclared = undeclared
}

// InfoOf returns f's FuncInfo.
func InfoOf(f *schema.Func) *FuncInfo {
	for _, a := range f.Attrs {
		if i, ok := a.(*FuncInfo); ok {
			return i
		}
	}
	return &FuncInfo{Kind: "function"}
}

// FuncKey identifies a function as PostgreSQL does: schema, name and input
// argument types, e.g. public.touch(integer, text).
func FuncKey(f *schema.Func) string {
	return schemaOf(f.Schema) + "." + f.Name + "(" + InfoOf(f).ArgTypes + ")"
}

// TriggerKey identifies a trigger: schema, table and name.
func TriggerKey(t *schema.Trigger) string {
	s, rel := triggerOn(t)
	return s + "." + rel + "." + t.Name
}

// triggerOn is the schema and name of the table or view t fires on.
func triggerOn(t *schema.Trigger) (string, string) {
	if t.View != nil {
		return schemaOf(t.View.Schema), t.View.Name
	}
	if t.Table != nil {
		return schemaOf(t.Table.Schema), t.Table.Name
	}
	return Schema, ""
}

// TriggerTable is the table (or view) t fires on, by schema and name.
func TriggerTable(t *schema.Trigger) TableName {
	s, n := triggerOn(t)
	return TableName{s, n}
}

// functionsQuery lists the functions and procedures of the schemas $1.
const functionsQuery = `
SELECT n.nspname, p.proname, p.prokind, l.lanname,
       oidvectortypes(p.proargtypes), pg_get_function_arguments(p.oid),
       COALESCE(pg_get_function_result(p.oid), ''), pg_get_functiondef(p.oid)
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY($1) AND p.prokind IN ('f', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1, 2, 5`

// triggersQuery lists the user triggers on the tables and views of the
// schemas $1.
const triggersQuery = `
SELECT n.nspname, c.relname, c.relkind, t.tgname, pg_get_triggerdef(t.oid),
       fn.nspname, f.proname, oidvectortypes(f.proargtypes)
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc f ON f.oid = t.tgfoid
JOIN pg_namespace fn ON fn.oid = f.pronamespace
WHERE NOT t.tgisinternal AND n.nspname = ANY($1)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_trigger'::regclass AND d.objid = t.oid AND d.deptype = 'e')
ORDER BY 1, 2, 4`

// extensionsQuery lists the extensions of the database, but those that
// live in PostgreSQL's own schemas (plpgsql).
const extensionsQuery = `
SELECT e.extname, n.nspname, e.extversion
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1`

// inspectExtras reads the functions and triggers of the schemas names, and
// the database's extensions, into r's Extras.
func (c *Conn) inspectExtras(ctx context.Context, r *schema.Realm, names []string) error {
	x := &Extras{}
	if err := c.inspectFuncs(ctx, r, names, x); err != nil {
		return err
	}
	if err := c.inspectTriggers(ctx, r, names, x); err != nil {
		return err
	}
	rows, err := c.querier().QueryContext(ctx, extensionsQuery)
	if err != nil {
		return fmt.Errorf("pgdb: inspect extensions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e := &Extension{}
		if err := rows.Scan(&e.Name, &e.Schema, &e.Version); err != nil {
			return fmt.Errorf("pgdb: inspect extensions: %w", err)
		}
		x.Extensions = append(x.Extensions, e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pgdb: inspect extensions: %w", err)
	}
	r.Attrs = slices.DeleteFunc(r.Attrs, func(a schema.Attr) bool { _, ok := a.(*Extras); return ok })
	r.Attrs = append(r.Attrs, x)
	return nil
}

func (c *Conn) inspectFuncs(ctx context.Context, r *schema.Realm, names []string, x *Extras) error {
	rows, err := c.querier().QueryContext(ctx, functionsQuery, names)
	if err != nil {
		return fmt.Errorf("pgdb: inspect functions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			ns, name, kind, lang string
			info                 FuncInfo
			def                  string
		)
		if err := rows.Scan(&ns, &name, &kind, &lang, &info.ArgTypes, &info.Args, &info.Result, &def); err != nil {
			return fmt.Errorf("pgdb: inspect functions: %w", err)
		}
		info.Kind = "function"
		if kind == "p" {
			info.Kind = "procedure"
		}
		x.Funcs = append(x.Funcs, &schema.Func{Name: name, Schema: schemaIn(r, ns), Lang: lang, Body: def, Attrs: []schema.Attr{&info}})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pgdb: inspect functions: %w", err)
	}
	return nil
}

func (c *Conn) inspectTriggers(ctx context.Context, r *schema.Realm, names []string, x *Extras) error {
	rows, err := c.querier().QueryContext(ctx, triggersQuery, names)
	if err != nil {
		return fmt.Errorf("pgdb: inspect triggers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ns, rel, relkind, name, def, fns, fname, fargs string
		if err := rows.Scan(&ns, &rel, &relkind, &name, &def, &fns, &fname, &fargs); err != nil {
			return fmt.Errorf("pgdb: inspect triggers: %w", err)
		}
		s := schemaIn(r, ns)
		t := &schema.Trigger{Name: name, Body: def, Attrs: []schema.Attr{&TriggerInfo{Func: fns + "." + fname + "(" + fargs + ")"}}}
		if relkind == "v" {
			v, ok := s.View(rel)
			if !ok {
				v = schema.NewView(rel, "").SetSchema(s)
			}
			t.View = v
		} else {
			tbl, ok := s.Table(rel)
			if !ok {
				tbl = schema.NewTable(rel).SetSchema(s)
			}
			t.Table = tbl
		}
		x.Triggers = append(x.Triggers, t)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pgdb: inspect triggers: %w", err)
	}
	return nil
}

// schemaIn is r's schema ns, or a detached one of that name.
func schemaIn(r *schema.Realm, ns string) *schema.Schema {
	if s, ok := r.Schema(ns); ok {
		return s
	}
	return schema.New(ns)
}

// FuncName names f for a finding: name(argument types).
func FuncName(f *schema.Func) string {
	return f.Name + "(" + InfoOf(f).ArgTypes + ")"
}

// Statement is a catalog definition as a migration ends it: without the
// blanks and the semicolon around it.
func Statement(def string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(def), ";"))
}
