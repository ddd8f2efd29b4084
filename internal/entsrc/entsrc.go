// Package entsrc tells where in an Ent schema package each model element is
// declared, so that a finding about a table, column, index, foreign key,
// CHECK or enum type can say which line of ent/schema to edit. The graph
// (entc/gen) says which Ent element produces a database object; the parsed
// sources (go/ast) say where that element is written.
package entsrc

import (
	"os"
	"slices"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/entc/gen"

	"github.com/ledgerforge/schemactl/internal/report"
)

// Locator answers "where is this declared" for the schema packages.
type Locator struct {
	src    *source
	wd     string
	nodes  map[string]*gen.Type    // table -> schema type
	joins  map[string]*gen.Edge    // M2M join table -> the assoc (edge.To) edge
	owner  map[*gen.Edge]*gen.Type // edge -> the type whose Edges() declares it
	graph  *gen.Graph
	isNode map[string]bool // schema type names; other Fields() receivers are mixins
}

// New parses every non-test .go file of the schema packages in dirs
// (go/parser, go/ast) and indexes the graph, which holds their types.
func New(dirs []string, g *gen.Graph) (*Locator, error) {
	src, err := parseDirs(dirs)
	if err != nil {
		return nil, err
	}
	wd, _ := os.Getwd() // on error every path stays absolute
	l := &Locator{src: src, wd: wd, graph: g, nodes: map[string]*gen.Type{}, joins: map[string]*gen.Edge{},
		owner: map[*gen.Edge]*gen.Type{}, isNode: map[string]bool{}}
	for _, n := range g.Nodes {
		l.nodes[n.Table()] = n
		l.isNode[n.Name] = true
		for _, e := range n.Edges {
			l.owner[e] = n
			// The join table belongs to the edge.To side: that is where
			// Ent derives its name and columns from.
			if e.M2M() && !e.IsInverse() && l.joins[e.Rel.Table] == nil {
				l.joins[e.Rel.Table] = e
			}
		}
	}
	return l, nil
}

// Table locates the schema type behind a table, or the M2M edge behind a
// join table.
func (l *Locator) Table(table string) (report.Location, bool) {
	if e := l.joins[table]; e != nil {
		return l.edge(e, "")
	}
	n := l.nodes[table]
	if n == nil {
		return report.Location{}, false
	}
	elem := "schema " + strconv.Quote(n.Name)
	if pos, ok := l.src.types[n.Name]; ok {
		return l.pos(pos, elem), true
	}
	// Not in the parsed files: trust entc's "file:line" of the type.
	file, line := n.Pos(), 0
	if i := strings.LastIndex(file, ":"); i > 0 {
		if v, err := strconv.Atoi(file[i+1:]); err == nil {
			file, line = file[:i], v
		}
	}
	return l.at(file, line, elem), true
}

// View locates an ent.View: the entsql.ViewFor or entsql.View annotation
// that defines it, else the schema type.
func (l *Locator) View(view string) (report.Location, bool) {
	n := l.nodes[view]
	if n == nil || !n.IsView() {
		return report.Location{}, false
	}
	elem := "view " + strconv.Quote(n.Name)
	for _, c := range l.src.chains(n.Name, "Annotations", entsqlPkg) {
		if name := c.links[0].name; name == "ViewFor" || name == "View" {
			return l.pos(c.pos, elem+" (entsql."+name+")"), true
		}
	}
	loc, ok := l.Table(view)
	loc.Element = elem
	return loc, ok
}

// Column locates the field stored in table.column, the edge whose foreign
// key it is, or the schema type when neither is found.
func (l *Locator) Column(table, column string) (report.Location, bool) {
	if e := l.joins[table]; e != nil {
		return l.edge(e, "")
	}
	n := l.nodes[table]
	if n == nil {
		return report.Location{}, false
	}
	if f := columnField(n, column); f != nil {
		if loc, ok := l.field(n, f, ""); ok {
			return loc, true
		}
	}
	if n.ID != nil && n.ID.StorageKey() == column {
		if loc, ok := l.field(n, n.ID, ""); ok {
			return loc, true
		}
		return l.fallback(table, `field "id"`), true // Ent's implicit id
	}
	for _, e := range l.fkEdges(n, column) {
		if loc, ok := l.edge(e, ""); ok {
			return loc, true
		}
	}
	return l.fallback(table, "column "+strconv.Quote(column)), true
}

// Index locates the index.Fields(...) declaration with exactly these
// columns, preferring one whose uniqueness matches, then the .Unique() field
// or unique (O2O) edge Ent derives a single-column unique index from.
func (l *Locator) Index(table string, columns []string, unique bool) (report.Location, bool) {
	if e := l.joins[table]; e != nil {
		return l.edge(e, "")
	}
	n := l.nodes[table]
	if n == nil {
		return report.Location{}, false
	}
	elem := "index " + quoteList(columns)
	chains := l.src.chains(n.Name, "Indexes", indexPkg)
	for _, exact := range []bool{true, false} {
		for _, c := range chains {
			if slices.Equal(indexColumns(n, c), columns) && (!exact || c.has("Unique") == unique) {
				return l.pos(c.pos, elem), true
			}
		}
	}
	if len(columns) == 1 {
		if f := columnField(n, columns[0]); f != nil && f.Unique {
			if loc, ok := l.field(n, f, " (Unique)"); ok {
				return loc, true
			}
		}
		for _, e := range l.fkEdges(n, columns[0]) {
			if e.O2O() {
				if loc, ok := l.edge(e, " (Unique)"); ok {
					return loc, true
				}
			}
		}
	}
	return l.fallback(table, elem), true
}

// ForeignKey locates the edge owning the foreign-key columns: the edge of
// the table's type that names the column with .Field(...), else the edge
// (possibly on the referenced type) whose relation Ent derives the key from.
func (l *Locator) ForeignKey(table string, columns []string) (report.Location, bool) {
	if e := l.joins[table]; e != nil {
		return l.edge(e, "")
	}
	n := l.nodes[table]
	if n == nil {
		return report.Location{}, false
	}
	elem := "foreign key " + quoteList(columns)
	if len(columns) == 0 {
		return l.fallback(table, elem), true
	}
	name := columns[0]
	if f := columnField(n, name); f != nil {
		name = f.Name // .Field() takes the field name, not the storage key
	}
	for _, c := range l.src.chains(n.Name, "Edges", edgePkg) {
		for _, k := range c.links[1:] {
			if v, ok := k.arg(0); ok && k.name == "Field" && v == name {
				if edge, pos, ok := c.rootArg(); ok {
					return l.pos(pos, "edge "+strconv.Quote(edge)), true
				}
			}
		}
	}
	for _, e := range l.fkEdges(n, columns[0]) {
		if loc, ok := l.edge(e, ""); ok {
			return loc, true
		}
	}
	return l.fallback(table, elem), true
}

// Check locates a CHECK constraint by its name among the string literals of
// the type's Annotations() (the keys of entsql.Checks).
func (l *Locator) Check(table, name string) (report.Location, bool) {
	elem := "check " + strconv.Quote(name)
	if n := l.nodes[table]; n != nil {
		if pos, ok := l.src.stringIn(n.Name, "Annotations", name); ok {
			return l.pos(pos, elem), true
		}
	}
	if _, ok := l.Table(table); !ok {
		return report.Location{}, false
	}
	return l.fallback(table, elem), true
}

// EnumType locates the first field (graph order) mapped to the PostgreSQL
// type typeName through SchemaType: the enum's values are declared there.
func (l *Locator) EnumType(typeName string) (report.Location, bool) {
	for _, n := range l.graph.Nodes {
		for _, f := range n.Fields {
			if f.Column().SchemaType[dialect.Postgres] != typeName {
				continue
			}
			loc, ok := l.Column(n.Table(), f.StorageKey())
			loc.Element = "field " + strconv.Quote(f.Name) + " (enum " + typeName + ")"
			return loc, ok
		}
	}
	return report.Location{}, false
}
