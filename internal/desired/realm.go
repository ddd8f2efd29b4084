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

// Schema converts the graph to the Atlas schema pgdb.Schema. Ent's
// StateReader needs a live connection only to read the server version.
//
// Ent maps enum fields to varchar on PostgreSQL and has no notion of enum
// types; a field whose PostgreSQL SchemaType names a type, such as
// field.Enum("status").SchemaType(map[string]string{"postgres": "userstatus"}),
// becomes here a column of the native enum type with the field's values,
// declared once per schema however many columns share it.
func Schema(ctx context.Context, g *gen.Graph, conn *pgdb.Conn) (*schema.Schema, error) {
	tables, err := g.Tables()
	if err != nil {
		return nil, fmt.Errorf("desired: %w", err)
	}
	m, err := entschema.NewMigrate(entsql.OpenDB(dialect.Postgres, conn.DB))
	if err != nil {
		return nil, fmt.Errorf("desired: %w", err)
	}
	realm, err := m.StateReader(tables...).ReadState(ctx)
	if err != nil {
		return nil, fmt.Errorf("desired: convert ent schema: %w", err)
	}
	s := schema.New(pgdb.Schema)
	for _, rs := range realm.Schemas {
		if rs.Name != "" && rs.Name != pgdb.Schema {
			return nil, fmt.Errorf("desired: table schema %q: only the %q schema is supported", rs.Name, pgdb.Schema)
		}
		s.AddTables(rs.Tables...)
	}
	if err := nativeEnums(g, tables, s); err != nil {
		return nil, err
	}
	return s, nil
}

// enumDecl remembers which field first declared an enum type.
type enumDecl struct {
	typ   *schema.EnumType
	field string
}

func nativeEnums(g *gen.Graph, tables []*entschema.Table, s *schema.Schema) error {
	decls := map[string]*enumDecl{}
	// Type.Table decodes annotations on every call: index the nodes once.
	nodes := make(map[string]*gen.Type, len(g.Nodes))
	for _, n := range g.Nodes {
		nodes[n.Table()] = n
	}
	for _, et := range tables {
		at, ok := s.Table(et.Name)
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
