package diffplan

import (
	"errors"
	"slices"

	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// ErrUnplannable means the change needs a hand-written migration (see
// refuseFuncs).
var ErrUnplannable = errors.New("change cannot be planned")

// enumKey identifies an enum type in a realm: its qualified name.
func enumKey(e *schema.EnumType) string {
	if e.Schema == nil {
		return e.T
	}
	return pgdb.Qualified(e.Schema, e.T)
}

// addedValues lists the values a change set adds to existing enum types.
func addedValues(changes []schema.Change) []string {
	var added []string
	for _, c := range changes {
		m, ok := c.(*schema.ModifyObject)
		if !ok {
			continue
		}
		from, ok1 := m.From.(*schema.EnumType)
		to, ok2 := m.To.(*schema.EnumType)
		if !ok1 || !ok2 {
			continue
		}
		for _, v := range to.Values {
			if !slices.Contains(from.Values, v) {
				added = append(added, v)
			}
		}
	}
	return added
}
