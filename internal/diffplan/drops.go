package diffplan

import (
	"fmt"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
)

// nolintDrop is the statement directive a deliberate drop carries.
const nolintDrop = "-- atlas:nolint %s"

// markDrops annotates the drops the desired state asks for: a table whose
// entity is gone (DS102) and the columns of a table that gains none in the
// same change (DS103). Each gets `-- atlas:nolint CODE` right above it,
// with a comment that says the rows go with it, so the review (whose
// destructive findings are errors by default) passes the file diff wrote
// for that very change, and a reader of the file sees why. A column dropped
// beside one added may be a rename (see ProbableRenames): it keeps its
// DS103, so CI stops it until --rename or StorageKey says what it is.
func markDrops(plans []*migrate.Plan) {
	for _, p := range plans {
		for _, c := range p.Changes {
			switch src := c.Source.(type) {
			case *schema.DropTable:
				c.Comment += ": the desired state no longer declares it, and its rows go with it\n" + fmt.Sprintf(nolintDrop, "DS102")
			case *schema.ModifyTable:
				if dropsOnly(src) && strings.Contains(c.Cmd, " DROP COLUMN ") {
					c.Comment += "; dropped columns lose their data, as the desired state asks\n" + fmt.Sprintf(nolintDrop, "DS103")
				}
			}
		}
	}
}

// dropsOnly reports whether a table change drops a column and adds none.
func dropsOnly(m *schema.ModifyTable) bool {
	var drops, adds int
	for _, c := range m.Changes {
		switch c.(type) {
		case *schema.DropColumn:
			drops++
		case *schema.AddColumn:
			adds++
		}
	}
	return drops > 0 && adds == 0
}
