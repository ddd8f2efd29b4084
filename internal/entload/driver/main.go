// Command driver is the program schemactl compiles inside an Ent project's
// module, so that it links the project's own Ent and Atlas versions, and
// runs there. It loads one Ent schema package and prints, as JSON on
// stdout: the load spec (what schemactl builds its graph from) and the
// statements that create the schema on an empty PostgreSQL database,
// computed by the project's Ent migrate code and Atlas planner.
//
// schemactl writes schemas.go beside it: it imports the schema package and
// lists its exported struct types (candidates). Those that implement
// ent.Interface are the schemas, exactly as entc/load's type check selects
// them; each is marshalled with the project's load.MarshalSchema, as the
// helper program entc/load generates does. So one build and one run load
// the package, where entc/load type-checks it, then builds and runs a
// helper program.
//
// It must compile unchanged against Ent v0.12, v0.13 and v0.14: it uses
// only APIs present in all three (load.MarshalSchema and UnmarshalSchema,
// gen.NewGraph, Graph.Tables, schema.NewMigrate with hooks, StateReader,
// postgres.Open, RealmDiff, PlanChanges), and reaches what newer versions
// add (Graph.Views, load.Schema.Pos) through interface assertions and
// reflection.
//
// Usage: driver SCHEMA_DIR SERVER_VERSION_NUM
package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"

	"ariga.io/atlas/sql/postgres"
	atlas "ariga.io/atlas/sql/schema"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	"entgo.io/ent/entc/gen"
	"entgo.io/ent/entc/load"
	"entgo.io/ent/schema/field"
)

// Output is what the driver prints. Its shape is schemactl's
// internal/entload.Output; Version names the protocol.
type Output struct {
	Version int               `json:"version"`
	Error   string            `json:"error,omitempty"`
	Ent     string            `json:"ent,omitempty"`   // the Ent version linked
	Atlas   string            `json:"atlas,omitempty"` // the Atlas version linked
	PkgPath string            `json:"pkg,omitempty"`
	Schemas []json.RawMessage `json:"schemas,omitempty"` // []*load.Schema
	Pos     []string          `json:"pos,omitempty"`     // load.Schema.Pos, which is not serialised
	Tables  []Table           `json:"tables,omitempty"`
	Script  []string          `json:"script,omitempty"`
	Views   []View            `json:"views,omitempty"`
	Enums   []Enum            `json:"enums,omitempty"`
}

// protocol versions Output.
const protocol = 1

// candidate is an exported struct type of the schema package, its
// position, and its zero value.
type candidate struct {
	name, pos string
	value     any
}

// Set by schemas.go, which schemactl writes beside this file.
var (
	schemaPkg  string
	candidates []candidate
)

// Table is one table the script creates.
type Table struct {
	Schema string `json:"schema,omitempty"` // entsql.Schema; "" is the default schema
	Name   string `json:"name"`
	Type   string `json:"type,omitempty"` // the Ent type behind it; "" for a join table
}

// View is an Ent view with a definition (entsql.ViewAs / ViewFor).
// Atlas's open-source planner does not plan views, as Ent's own `ent
// schema` notes, so schemactl writes their CREATE VIEW.
type View struct {
	Schema  string `json:"schema,omitempty"`
	Name    string `json:"name"`
	Def     string `json:"def"`
	Comment string `json:"comment,omitempty"`
	Type    string `json:"type,omitempty"`
}

// Enum is an enum column and the PostgreSQL SchemaType its field names.
type Enum struct {
	Schema     string   `json:"schema,omitempty"`
	Table      string   `json:"table"`
	Column     string   `json:"column"`
	Type       string   `json:"type,omitempty"` // Ent type name
	Field      string   `json:"field,omitempty"`
	Values     []string `json:"values"`
	SchemaType string   `json:"schema_type,omitempty"`
}

func main() {
	out := run()
	out.Version = protocol
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if out.Error != "" {
		os.Exit(1)
	}
}

func run() (out *Output) {
	out = &Output{}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			v := d.Version
			if d.Replace != nil {
				v = d.Replace.Version + " (replaced by " + d.Replace.Path + ")"
			}
			switch d.Path {
			case "entgo.io/ent":
				out.Ent = v
			case "ariga.io/atlas":
				out.Atlas = v
			}
		}
	}
	if len(os.Args) != 4 {
		out.Error = "usage: driver SCHEMA_DIR SERVER_VERSION_NUM GLOBALID_TARGET"
		return out
	}
	if err := load1(out, os.Args[1], os.Args[2], os.Args[3]); err != nil {
		out.Error = err.Error()
	}
	return out
}

func load1(out *Output, dir, version, globalID string) error {
	out.PkgPath = schemaPkg
	var schemas []*load.Schema
	for _, c := range candidates {
		v, ok := c.value.(ent.Interface)
		if !ok {
			continue
		}
		b, err := load.MarshalSchema(v)
		if err != nil {
			return err
		}
		s, err := load.UnmarshalSchema(b)
		if err != nil {
			return fmt.Errorf("unmarshal schema %s: %w", c.name, err)
		}
		// load.Schema.Pos exists from Ent v0.14.
		if f := reflect.ValueOf(s).Elem().FieldByName("Pos"); f.IsValid() && f.Kind() == reflect.String && f.CanSet() {
			f.SetString(c.pos)
		}
		out.Schemas = append(out.Schemas, b)
		out.Pos = append(out.Pos, c.pos)
		schemas = append(schemas, s)
	}
	if len(schemas) == 0 {
		return fmt.Errorf("no Ent schema found in %s", dir)
	}
	// As entc.LoadGraph does, with the sql/globalid feature when the
	// project generates with it: it gives each table its identity range.
	cfg := &gen.Config{Schema: schemaPkg, Package: path.Dir(schemaPkg)}
	if globalID != "" {
		f, ok := feature("sql/globalid")
		if !ok {
			return fmt.Errorf("the project generates with the sql/globalid feature, which its Ent version lacks")
		}
		cfg.Target, cfg.Features = globalID, []gen.Feature{f}
	}
	g, err := gen.NewGraph(cfg, schemas...)
	if err != nil {
		return err
	}
	tables, err := g.Tables()
	if err != nil {
		return err
	}
	types := map[string]*gen.Type{}
	for _, n := range g.Nodes {
		types[n.Table()] = n
	}
	// Views exist from Ent v0.14.
	var views []*schema.Table
	if vg, ok := any(g).(interface {
		Views() ([]*schema.Table, error)
	}); ok {
		if views, err = vg.Views(); err != nil {
			return err
		}
	}
	ctx := context.Background()
	db := sql.OpenDB(connector{version: version})
	defer db.Close()
	// Create runs Ent's setupTables, which shortens index and foreign-key
	// names over 63 bytes to name[:30]_<md5> (hashed symbols), as Ent's
	// migrate does before every diff; the hook then stops it before it
	// touches a database.
	errStop := errors.New("stop")
	m, err := schema.NewMigrate(entsql.OpenDB(dialect.Postgres, db), schema.WithHooks(func(schema.Creator) schema.Creator {
		return schema.CreateFunc(func(context.Context, ...*schema.Table) error { return errStop })
	}))
	if err != nil {
		return err
	}
	if err := m.Create(ctx, tables...); !errors.Is(err, errStop) {
		return fmt.Errorf("set up tables: %v", err)
	}
	for _, t := range tables {
		out.Tables = append(out.Tables, Table{Schema: defaultSchema(t.Schema), Name: t.Name, Type: typeName(types[t.Name])})
		for _, c := range t.Columns {
			if c.Type != field.TypeEnum {
				continue
			}
			e := Enum{Schema: defaultSchema(t.Schema), Table: t.Name, Column: c.Name, Values: c.Enums, Type: typeName(types[t.Name]), Field: fieldName(types[t.Name], c.Name)}
			if c.SchemaType != nil {
				e.SchemaType = c.SchemaType[dialect.Postgres]
			}
			out.Enums = append(out.Enums, e)
		}
	}
	realm, err := m.StateReader(append(tables, views...)...).ReadState(ctx)
	if err != nil {
		return fmt.Errorf("convert the Ent schema: %w", err)
	}
	realm = bySchema(realm, tables)
	// The views, which the planner leaves out.
	for _, s := range realm.Schemas {
		for _, v := range s.Views {
			vv := View{Schema: s.Name, Name: v.Name, Def: v.Def, Type: typeName(types[v.Name])}
			for _, a := range v.Attrs {
				if c, ok := a.(*atlas.Comment); ok {
					vv.Comment = c.Text
				}
			}
			out.Views = append(out.Views, vv)
		}
		s.Views = nil
	}
	drv, err := postgres.Open(db)
	if err != nil {
		return err
	}
	// The desired realm against one with the same schemas, empty: the
	// schemas themselves are created by schemactl, once for all packages.
	empty := &atlas.Realm{}
	for _, s := range realm.Schemas {
		empty.AddSchemas(atlas.New(s.Name))
	}
	changes, err := drv.RealmDiff(empty, realm)
	if err != nil {
		return fmt.Errorf("diff: %w", err)
	}
	plan, err := drv.PlanChanges(ctx, "schemactl", changes)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	for _, c := range plan.Changes {
		out.Script = append(out.Script, c.Cmd)
	}
	return nil
}

// bySchema returns the realm with each table in its schema (Ent v0.12 and
// v0.13 put every table in one unnamed schema; v0.14 names them) and the
// default schema, "" or "public", unnamed, so that its tables stay
// unqualified, as in Ent's migration files.
func bySchema(r *atlas.Realm, tables []*schema.Table) *atlas.Realm {
	var all []*atlas.Table
	var views []*atlas.View
	for _, s := range r.Schemas {
		for _, t := range s.Tables {
			if s.Name != "" {
				t.Schema = s // keep the name v0.14 gave
			}
			all = append(all, t)
		}
		views = append(views, s.Views...)
	}
	where := map[string]string{}
	for _, t := range tables {
		where[t.Name] = t.Schema
	}
	out := &atlas.Realm{}
	schemas := map[string]*atlas.Schema{}
	get := func(name string) *atlas.Schema {
		name = defaultSchema(name)
		s, ok := schemas[name]
		if !ok {
			s = atlas.New(name)
			schemas[name] = s
			out.AddSchemas(s)
		}
		return s
	}
	for _, t := range all {
		name := where[t.Name]
		if t.Schema != nil && t.Schema.Name != "" {
			name = t.Schema.Name
		}
		get(name).AddTables(t)
	}
	for _, v := range views {
		name := ""
		if v.Schema != nil {
			name = v.Schema.Name
		}
		get(name).AddViews(v)
	}
	sort.Slice(out.Schemas, func(i, j int) bool { return out.Schemas[i].Name < out.Schemas[j].Name })
	return out
}

func defaultSchema(s string) string {
	if s == "public" {
		return ""
	}
	return s
}

func typeName(n *gen.Type) string {
	if n == nil {
		return ""
	}
	return n.Name
}

// fieldName is the Ent field stored in column, or "" for a column Ent
// derives (an edge's foreign key).
func fieldName(n *gen.Type, column string) string {
	if n == nil {
		return ""
	}
	for _, f := range n.Fields {
		if f.StorageKey() == column {
			return f.Name
		}
	}
	return ""
}

// connector is a database/sql driver with no database behind it: it
// answers the server-version queries Ent's migrate and Atlas's driver ask
// when they start, with the version schemactl passes, and refuses
// anything else.
type connector struct{ version string }

func (c connector) Connect(context.Context) (driver.Conn, error) { return conn(c), nil }
func (c connector) Driver() driver.Driver                        { return nil }

type conn connector

func (conn) Prepare(q string) (driver.Stmt, error) { return nil, unexpected(q) }
func (conn) Close() error                          { return nil }
func (conn) Begin() (driver.Tx, error)             { return nil, errors.New("schemactl driver: no transactions") }

func (c conn) QueryContext(_ context.Context, q string, _ []driver.NamedValue) (driver.Rows, error) {
	switch {
	case !strings.Contains(q, "server_version_num"):
		return nil, unexpected(q)
	case strings.HasPrefix(strings.TrimSpace(q), "SHOW"):
		return &rows{cols: []string{"server_version_num"}, vals: [][]driver.Value{{c.version}}}, nil
	case strings.Contains(q, "current_setting("):
		// SELECT current_setting('server_version_num'), current_setting('x', true), …
		var r rows
		var vals []driver.Value
		for i, part := range strings.Split(q, "current_setting(")[1:] {
			r.cols = append(r.cols, fmt.Sprint("c", i))
			switch {
			case strings.HasPrefix(part, "'server_version_num'"):
				vals = append(vals, c.version)
			case strings.HasPrefix(part, "'default_table_access_method'"):
				vals = append(vals, "heap")
			default:
				vals = append(vals, nil)
			}
		}
		r.vals = [][]driver.Value{vals}
		return &r, nil
	case strings.Contains(q, "pg_settings"):
		// SELECT setting FROM pg_settings WHERE name IN (…) ORDER BY name DESC:
		// the server version, and no crdb_version (not CockroachDB).
		return &rows{cols: []string{"setting"}, vals: [][]driver.Value{{c.version}}}, nil
	}
	return nil, unexpected(q)
}

func unexpected(q string) error {
	return fmt.Errorf("schemactl driver: unexpected query %q", q)
}

type rows struct {
	cols []string
	vals [][]driver.Value
}

func (r *rows) Columns() []string { return r.cols }
func (r *rows) Close() error      { return nil }
func (r *rows) Next(dst []driver.Value) error {
	if len(r.vals) == 0 {
		return io.EOF
	}
	copy(dst, r.vals[0])
	r.vals = r.vals[1:]
	return nil
}

// feature finds one of Ent's features by name; sql/globalid exists from
// Ent v0.14 only.
func feature(name string) (gen.Feature, bool) {
	for _, f := range gen.AllFeatures {
		if f.Name == name {
			return f, true
		}
	}
	return gen.Feature{}, false
}
