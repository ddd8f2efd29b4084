package diffplan

import (
	"fmt"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// checkRequired refuses NOT NULL columns without a default added to
// existing tables. PostgreSQL fails such an ADD COLUMN on a table that holds
// rows ("contains null values"), and diff cannot know whether the
// production table is empty: a file that fails at apply is worse than no
// file. A new table's columns are AddTable's, never refused: it has no rows.
// Identity and generated columns fill themselves.
func checkRequired(changes []schema.Change) error {
	var cols []string
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		for _, tc := range mt.Changes {
			ac, ok := tc.(*schema.AddColumn)
			if !ok || ac.C.Type.Null || ac.C.Default != nil ||
				holds[*postgres.Identity](ac.C.Attrs) || holds[*schema.GeneratedExpr](ac.C.Attrs) {
				continue
			}
			cols = append(cols, ident(mt.T.Schema, mt.T.Name)+"."+quote(ac.C.Name))
		}
	}
	if len(cols) == 0 {
		return nil
	}
	what := "column " + cols[0] + " is"
	if len(cols) > 1 {
		what = "columns " + strings.Join(cols, ", ") + " are"
	}
	return fmt.Errorf("diffplan: %w: %s required and added to an existing table without a default, which fails if the table holds rows: "+
		"give the field a Default, or add it Optional, backfill it, and make it required in a later change, "+
		"or write the migration by hand (`schemactl migrate new`, then `schemactl migrate hash`); "+
		"a renamed field keeps its data with `--rename TABLE.OLD=NEW` or `.StorageKey(\"OLD\")` instead", ErrUnplannable, what)
}

// holds reports whether xs holds an element of type T (an attribute, a
// clause).
func holds[T any, E any](xs []E) bool {
	for _, x := range xs {
		if _, ok := any(x).(T); ok {
			return true
		}
	}
	return false
}
