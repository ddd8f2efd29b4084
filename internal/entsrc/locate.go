package entsrc

import (
	"go/token"
	"path/filepath"
	"strconv"
	"strings"

	"entgo.io/ent/entc/gen"

	"github.com/ledgerforge/schemactl/internal/report"
)

// field locates f's declaration: the schema's own Fields(), then the mixin
// entc says it came from, then any mixin's Fields().
func (l *Locator) field(n *gen.Type, f *gen.Field, note string) (report.Location, bool) {
	recvs := []string{n.Name}
	if f.Position != nil && f.Position.MixedIn {
		if ms := l.src.mixinTypes(n.Name); f.Position.MixinIndex < len(ms) && ms[f.Position.MixinIndex] != "" {
			recvs = []string{ms[f.Position.MixinIndex]}
		}
	}
	for _, r := range l.src.order {
		if !l.isNode[r] && l.src.methods[r]["Fields"] != nil {
			recvs = append(recvs, r)
		}
	}
	for _, r := range recvs {
		for _, c := range l.src.chains(r, "Fields", fieldPkg) {
			if v, pos, ok := c.rootArg(); ok && v == f.Name {
				return l.pos(pos, "field "+strconv.Quote(f.Name)+note), true
			}
		}
	}
	return report.Location{}, false
}

// edge locates edge.To/edge.From("<name>", ...) in the Edges() of the type
// that declares e.
func (l *Locator) edge(e *gen.Edge, note string) (report.Location, bool) {
	n := l.owner[e]
	if n == nil {
		return report.Location{}, false
	}
	for _, c := range l.src.chains(n.Name, "Edges", edgePkg) {
		if v, pos, ok := c.rootArg(); ok && v == e.Name && (c.links[0].name == "To" || c.links[0].name == "From") {
			return l.pos(pos, "edge "+strconv.Quote(e.Name)+note), true
		}
	}
	return report.Location{}, false
}

// fkEdges returns the non-M2M edges whose relation stores column in n's
// table: n's own edges first (where .Field() would go), then the edges of
// other types (an edge.To without inverse, whose column Ent names).
func (l *Locator) fkEdges(n *gen.Type, column string) []*gen.Edge {
	table := n.Table()
	var own, other []*gen.Edge
	for _, m := range l.graph.Nodes {
		for _, e := range m.Edges {
			if e.M2M() || e.Rel.Table != table || len(e.Rel.Columns) == 0 || e.Rel.Column() != column {
				continue
			}
			if m == n {
				own = append(own, e)
			} else {
				other = append(other, e)
			}
		}
	}
	return append(own, other...)
}

// indexColumns computes the columns of an index chain the way entc does:
// the fields' storage keys, then the edges' foreign-key columns.
func indexColumns(n *gen.Type, c chain) []string {
	var fields, edges []string
	for _, k := range c.links {
		for i := range k.args {
			v, ok := k.arg(i)
			switch {
			case !ok:
			case k.name == "Fields":
				if f := fieldByName(n, v); f != nil {
					v = f.StorageKey()
				}
				fields = append(fields, v)
			case k.name == "Edges":
				for _, e := range n.Edges {
					if e.Name == v && len(e.Rel.Columns) > 0 {
						v = e.Rel.Column()
					}
				}
				edges = append(edges, v)
			}
		}
	}
	return append(fields, edges...)
}

// columnField returns n's field stored in column (not the id).
func columnField(n *gen.Type, column string) *gen.Field {
	for _, f := range n.Fields {
		if f.StorageKey() == column {
			return f
		}
	}
	return nil
}

// fieldByName returns n's field (or id) by its schema name.
func fieldByName(n *gen.Type, name string) *gen.Field {
	if n.ID != nil && n.ID.Name == name {
		return n.ID
	}
	for _, f := range n.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// fallback is the table's location with another element: the finding still
// names the schema to edit when the exact declaration cannot be found.
func (l *Locator) fallback(table, elem string) report.Location {
	loc, _ := l.Table(table)
	loc.Element = elem
	return loc
}

// pos builds the location of a parsed position.
func (l *Locator) pos(p token.Pos, elem string) report.Location {
	at := l.src.fset.Position(p)
	return l.at(at.Filename, at.Line, elem)
}

// at builds a location, relative to the working directory when under it.
func (l *Locator) at(file string, line int, elem string) report.Location {
	if l.wd != "" && filepath.IsAbs(file) {
		if rel, err := filepath.Rel(l.wd, file); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			file = rel
		}
	}
	return report.Location{File: filepath.ToSlash(file), Line: line, Element: elem}
}

// quoteList renders ("a","b").
func quoteList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = strconv.Quote(c)
	}
	return "(" + strings.Join(q, ",") + ")"
}
