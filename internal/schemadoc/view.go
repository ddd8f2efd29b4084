package schemadoc

import (
	"bytes"
	"fmt"

	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/compare"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// lookupView finds a view by name in any schema.
func (a *auditor) lookupView(name string) *schema.View {
	for _, s := range a.in.Desired.Schemas {
		if v, ok := s.View(name); ok {
			return v
		}
	}
	return nil
}

// view renders the section of an Ent view (ent.View), v in the normalised
// schema (nil when it is not there): its state, its columns and its
// definition as PostgreSQL normalised it.
func (a *auditor) view(b *bytes.Buffer, viewName string, v *schema.View) {
	switch {
	case v == nil:
		fmt.Fprintf(b, "View `%s`: not in the normalised schema.\n\n", viewName)
		return
	case pgdb.IsExternal(v):
		fmt.Fprintf(b, "View `%s`: defined outside Ent (no entsql.ViewFor or entsql.View): not compared.\n\n", name(v.Schema, v.Name))
		return
	}
	fmt.Fprintf(b, "View `%s`: %s.\n\n", name(v.Schema, v.Name), a.state(compare.ViewRef(v)))
	b.WriteString("| column | type |\n| --- | --- |\n")
	for _, c := range v.Columns {
		fmt.Fprintf(b, "| `%s` | %s |\n", c.Name, cell(compare.TypeOf(c)))
	}
	fmt.Fprintf(b, "\n```sql\n%s\n```\n\n", pgdb.ViewDef(v))
}
