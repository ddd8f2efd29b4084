package diffplan

import (
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// nolintDrop is the statement directive a deliberate drop carries.
const nolintDrop = "-- atlas:nolint %s"

// markDrops annotates the drops the desired state asks for: a table whose
// entity is gone (DS102) and the columns a table loses (DS103). Each gets
// `-- atlas:nolint CODE` right above it, with a comment that says the rows
// go with it, so the review (whose destructive findings are errors by
// default) passes the file diff wrote for that very change, and a reader
// of the file sees why. A drop that may be half of a rename (probable, see
// ProbableRenames: a table of the same shape created, a compatible column
// added) keeps its finding, so CI stops it until --rename or the Ent
// schema says what it is.
func markDrops(plans []*migrate.Plan, probable []Probable) {
	renamed := map[string]bool{}
	for _, p := range probable {
		switch p.Kind {
		case RenameTable:
			renamed[p.Schema+"."+p.Object] = true
		case RenameColumn:
			renamed[p.Schema+"."+p.Object+"."+p.Member] = true
		}
	}
	for _, p := range plans {
		for _, c := range p.Changes {
			switch src := c.Source.(type) {
			case *schema.DropTable:
				if !renamed[probableKey(src.T)] {
					c.Comment += ": the desired state no longer declares it, and its rows go with it\n" + fmt.Sprintf(nolintDrop, "DS102")
				}
			case *schema.ModifyTable:
				if deliberate(src, renamed) && strings.Contains(c.Cmd, " DROP COLUMN ") {
					c.Comment += "; dropped columns lose their data, as the desired state asks\n" + fmt.Sprintf(nolintDrop, "DS103")
				}
			}
		}
	}
}

// probableKey names a table as Probable does: its schema ("" for public)
// and name.
func probableKey(t *schema.Table) string {
	s := ""
	if t.Schema != nil && t.Schema.Name != pgdb.Schema {
		s = t.Schema.Name
	}
	return s + "." + t.Name
}

// deliberate reports whether a table change drops columns, none of them
// a probable rename.
func deliberate(m *schema.ModifyTable, renamed map[string]bool) bool {
	drops := 0
	for _, c := range m.Changes {
		if d, ok := c.(*schema.DropColumn); ok {
			if renamed[probableKey(m.T)+"."+d.C.Name] {
				return false
			}
			drops++
		}
	}
	return drops > 0
}
