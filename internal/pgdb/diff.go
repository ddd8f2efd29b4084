package pgdb

import (
	"context"
	"fmt"
	"regexp"

	"ariga.io/atlas/sql/schema"
)

// DiffRealms is Atlas's diff of two realms (see Inspect), every schema of
// them, as every comparison here needs it: CHECK
// expressions are compared, not only their names, as Atlas's CLI does
// (DiffNormalized). Both sides always come from PostgreSQL's catalogs (a
// replay, a normalised Ent schema, a live database), but equal expressions
// do not always print equally there: PostgreSQL settles the checks, index
// predicates and view definitions Atlas finds changed, on the dev database
// dev lends (see settle). A nil dev compares them as printed.
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
//
// A view to marks External (Ent declares it, another tool defines it) is
// not compared. Long index and foreign-key names match in Ent's hashed form
// or PostgreSQL's cut one (see matchLongNames). Atlas gives a schema that
// only from has as one DROP SCHEMA … CASCADE; here it
// becomes the drops of what it holds that schemactl sees (tables, views,
// enum types), each reported and planned as such, and the schema itself
// stays: CASCADE would also drop whatever else lives in it, such as an
// extension's objects.
//
// Functions, triggers and extensions, which Atlas's open-source differ
// does not compare, follow Atlas's changes (DiffExtras).
func DiffRealms(ctx context.Context, d schema.Differ, dev Dev, from, to *schema.Realm) ([]schema.Change, error) {
	matchLongNames(from, to)
	changes, err := d.RealmDiff(from, to, schema.DiffNormalized())
	if err != nil {
		return nil, err
	}
	var out []schema.Change
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.AddView:
			if IsExternal(c.V) {
				continue
			}
		case *schema.ModifyView:
			if IsExternal(c.To) {
				continue
			}
		}
		ds, ok := c.(*schema.DropSchema)
		if !ok {
			out = append(out, c)
			continue
		}
		for _, t := range ds.S.Tables {
			out = append(out, &schema.DropTable{T: t})
		}
		for _, v := range ds.S.Views {
			out = append(out, &schema.DropView{V: v})
		}
		for _, o := range ds.S.Objects {
			out = append(out, &schema.DropObject{O: o})
		}
	}
	out, err = settle(ctx, d, dev, clean(out), newSide(from.Schemas), newSide(to.Schemas))
	if err != nil {
		return nil, err
	}
	return append(out, DiffExtras(from, to)...), nil
}

func clean(changes []schema.Change) []schema.Change {
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
	return out
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
