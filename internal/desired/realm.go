package desired

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	entschema "entgo.io/ent/dialect/sql/schema"
	"entgo.io/ent/entc/gen"
	"entgo.io/ent/schema/field"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// ErrEnumConflict means two fields name one native enum type but declare
// different values.
var ErrEnumConflict = errors.New("enum type declared with different values")

// Schema converts the graph to Atlas schemas: public (pgdb.Schema), and any
// other that an entsql.Schema annotation names, with the views (ent.View
// with entsql.ViewFor or entsql.View) among them. Ent's StateReader needs a live
// connection only to read the server version.
//
// Ent maps enum fields to varchar on PostgreSQL and has no notion of enum
// types; a field whose PostgreSQL SchemaType names a type, such as
// field.Enum("status").SchemaType(map[string]string{"postgres": "userstatus"}),
// becomes here a column of the native enum type with the field's values,
// declared once however many columns share it, in public.
func Schema(ctx context.Context, g *gen.Graph, conn *pgdb.Conn) (*schema.Realm, error) {
	tables, err := g.Tables()
	if err != nil {
		return nil, fmt.Errorf("desired: %w", err)
	}
	views, err := g.Views()
	if err != nil {
		return nil, fmt.Errorf("desired: %w", err)
	}
	m, err := entschema.NewMigrate(entsql.OpenDB(dialect.Postgres, conn.DB))
	if err != nil {
		return nil, fmt.Errorf("desired: %w", err)
	}
	realm, err := m.StateReader(append(tables, views...)...).ReadState(ctx)
	if err != nil {
		return nil, fmt.Errorf("desired: convert ent schema: %w", err)
	}
	s := schema.New(pgdb.Schema)
	out := schema.NewRealm(s)
	for _, rs := range realm.Schemas {
		to := s
		if rs.Name != "" && rs.Name != pgdb.Schema {
			to = schema.New(rs.Name)
			out.AddSchemas(to)
		}
		to.AddTables(rs.Tables...)
		to.AddViews(rs.Views...)
	}
	if err := nativeEnums(g, tables, out, s); err != nil {
		return nil, err
	}
	return out, nil
}

// table finds a table in any schema of r.
func table(r *schema.Realm, name string) (*schema.Table, bool) {
	for _, s := range r.Schemas {
		if t, ok := s.Table(name); ok {
			return t, true
		}
	}
	return nil, false
}

// enumDecl remembers which field first declared an enum type.
type enumDecl struct {
	typ   *schema.EnumType
	field string
}

func nativeEnums(g *gen.Graph, tables []*entschema.Table, r *schema.Realm, s *schema.Schema) error {
	decls := map[string]*enumDecl{}
	// Type.Table decodes annotations on every call: index the nodes once.
	nodes := make(map[string]*gen.Type, len(g.Nodes))
	for _, n := range g.Nodes {
		nodes[n.Table()] = n
	}
	for _, et := range tables {
		at, ok := table(r, et.Name)
		if !ok {
			continue
		}
		for _, ec := range et.Columns {
			name := ec.SchemaType[dialect.Postgres]
			if ec.Type != field.TypeEnum || name == "" {
				continue
			}
			fieldName := fieldName(nodes[et.Name], et.Name, ec.Name)
			d, ok := decls[name]
			switch {
			case !ok:
				d = &enumDecl{typ: &schema.EnumType{T: name, Values: slices.Clone(ec.Enums), Schema: s}, field: fieldName}
				decls[name] = d
				s.AddObjects(d.typ)
			case !slices.Equal(d.typ.Values, ec.Enums):
				return fmt.Errorf("desired: %w: %q is declared by %s as (%s) and by %s as (%s)", ErrEnumConflict, name,
					d.field, strings.Join(d.typ.Values, ", "), fieldName, strings.Join(ec.Enums, ", "))
			}
			ac, ok := at.Column(ec.Name)
			if !ok {
				return fmt.Errorf("desired: column %s.%s missing after conversion", et.Name, ec.Name)
			}
			ac.Type.Type = d.typ
		}
	}
	return nil
}

// fieldName names the Ent field behind a column, e.g. "Subscription.status",
// falling back to table.column for columns Ent derives (join tables).
func fieldName(n *gen.Type, table, column string) string {
	if n == nil {
		return table + "." + column
	}
	for _, f := range n.Fields {
		if f.StorageKey() == column {
			return n.Name + "." + f.Name
		}
	}
	return n.Name + "." + column
}

// AddExternalViews marks, in r (the inspected desired state), the views g
// declares without a PostgreSQL definition (an ent.View without
// entsql.ViewFor or entsql.View): Ent leaves creating them to another tool, so
// the comparison and the planner leave them alone (pgdb.External).
func AddExternalViews(g *gen.Graph, r *schema.Realm) {
	for _, n := range g.Nodes {
		if !n.IsView() {
			continue
		}
		ant := n.EntSQL()
		if ant != nil && (ant.Skip || ant.ViewAs != "" || ant.ViewFor[dialect.Postgres] != "") {
			continue
		}
		ns := ""
		if ant != nil {
			ns = ant.Schema
		}
		pgdb.AddExternalView(r, ns, n.Table())
	}
}
