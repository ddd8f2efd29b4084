package entsrc

import (
	"go/ast"
	"strconv"

	"github.com/ledgerforge/schemactl/internal/report"
)

// Action locates where a foreign key's ON DELETE / ON UPDATE rule is
// declared. Ent reads entsql.OnDelete from the edge.To of the owning side:
// for an inverse edge (edge.From(...).Ref("posts")) that is the referenced
// type's edge "posts", one hop from the column's own edge.
func (l *Locator) Action(table string, columns []string) (report.Location, bool) {
	loc, ok := l.ForeignKey(table, columns)
	n := l.nodes[table]
	if !ok || n == nil || len(columns) == 0 {
		return loc, ok
	}
	name := columns[0]
	if f := columnField(n, name); f != nil {
		name = f.Name
	}
	for _, c := range l.src.chains(n.Name, "Edges", edgePkg) {
		if !c.hasArg("Field", name) {
			continue
		}
		ref, hasRef := c.linkArg("Ref")
		owner, hasOwner := typeArg(c.links[0])
		if !hasRef || !hasOwner {
			return loc, ok
		}
		for _, oc := range l.src.chains(owner, "Edges", edgePkg) {
			if edge, pos, ok := oc.rootArg(); ok && edge == ref {
				return l.pos(pos, "edge "+strconv.Quote(edge)+" of "+owner+" (its entsql.OnDelete)"), true
			}
		}
	}
	return loc, ok
}

// hasArg reports whether a link called name has first argument arg.
func (c chain) hasArg(name, arg string) bool {
	v, ok := c.linkArg(name)
	return ok && v == arg
}

// linkArg returns the first argument of the link called name.
func (c chain) linkArg(name string) (string, bool) {
	for _, k := range c.links[1:] {
		if k.name == name {
			return k.arg(0)
		}
	}
	return "", false
}

// typeArg reads the type of edge.From("user", User.Type): "User".
func typeArg(k link) (string, bool) {
	if len(k.args) < 2 {
		return "", false
	}
	sel, ok := k.args[1].(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Type" {
		return "", false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", false
	}
	return id.Name, true
}
