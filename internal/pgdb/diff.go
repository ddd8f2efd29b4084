package pgdb

import (
	"fmt"
	"regexp"

	"ariga.io/atlas/sql/schema"
)

// Diff is Atlas's schema diff as every comparison here needs it: CHECK
// expressions are compared, not only their names, as Atlas's CLI does
// (DiffNormalized). Both sides always come from PostgreSQL's catalogs (a
// replay, a normalised Ent schema, a live database), so equal expressions
// print equally.
//
// One difference is left out: a CHECK whose printed expression differs only
// because a column it names changes type in the same diff. PostgreSQL
// prints the same check over a varchar column and over a text one as
//
//	((title)::text <> ''::text)
//	(title <> ''::text)
//
// and re-derives the expression itself when the column's type changes, so
// reporting or planning the check too would be noise and churn. A real
// change to such a check shows once the type change is migrated.
func Diff(d schema.Differ, from, to *schema.Schema) ([]schema.Change, error) {
	changes, err := d.SchemaDiff(from, to, schema.DiffNormalized())
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		if m, ok := c.(*schema.ModifyTable); ok {
			m.Changes = withoutRetypedChecks(m.Changes)
		}
	}
	out := changes[:0]
	for _, c := range changes {
		if m, ok := c.(*schema.ModifyTable); ok && len(m.Changes) == 0 {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// withoutRetypedChecks drops the ModifyCheck changes whose expression names
// a column that changes type in the same table.
func withoutRetypedChecks(changes []schema.Change) []schema.Change {
	var retyped []*regexp.Regexp
	for _, c := range changes {
		if m, ok := c.(*schema.ModifyColumn); ok && m.Change.Is(schema.ChangeType) {
			retyped = append(retyped, regexp.MustCompile(fmt.Sprintf(`(^|[^\w$])"?%s"?([^\w$]|$)`, regexp.QuoteMeta(m.To.Name))))
		}
	}
	if len(retyped) == 0 {
		return changes
	}
	out := changes[:0:0]
	for _, c := range changes {
		if m, ok := c.(*schema.ModifyCheck); ok && namesAny(m.From.Expr, retyped) {
			continue
		}
		out = append(out, c)
	}
	return out
}

func namesAny(expr string, cols []*regexp.Regexp) bool {
	for _, re := range cols {
		if re.MatchString(expr) {
			return true
		}
	}
	return false
}
