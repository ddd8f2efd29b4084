package desired

import (
	"ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect"
	"entgo.io/ent/entc/gen"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

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
