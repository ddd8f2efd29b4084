package diffplan

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"ariga.io/atlas/sql/schema"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

// ErrUnplannable means the change needs a hand-written migration.
var ErrUnplannable = errors.New("change cannot be planned")

// checkEnums refuses enum changes PostgreSQL cannot express with ALTER TYPE:
// a value can be added anywhere, but never removed, renamed or moved.
func checkEnums(current, desired *schema.Realm) error {
	want := enums(desired)
	for _, e1 := range pgdb.Enums(current) {
		e2, ok := want[enumKey(e1)]
		if !ok {
			continue // dropping the whole type is planned by Atlas
		}
		var removed []string
		for _, v := range e1.Values {
			if !slices.Contains(e2.Values, v) {
				removed = append(removed, v)
			}
		}
		if len(removed) > 0 {
			return fmt.Errorf("diffplan: %w: enum type %q: value(s) %s removed or renamed (now %s); PostgreSQL cannot drop enum values: "+
				"write the migration by hand (create the new type, convert each column with ALTER COLUMN ... TYPE ... USING, drop the old type), then run `schemactl migrate hash`",
				ErrUnplannable, enumKey(e1), quoteAll(removed), quoteAll(e2.Values))
		}
		kept := slices.DeleteFunc(slices.Clone(e2.Values), func(v string) bool { return !slices.Contains(e1.Values, v) })
		if !slices.Equal(kept, e1.Values) {
			return fmt.Errorf("diffplan: %w: enum type %q: values reordered from %s to %s; PostgreSQL cannot move enum values: "+
				"keep the existing order and insert new values where needed, or write the migration by hand and run `schemactl migrate hash`",
				ErrUnplannable, enumKey(e1), quoteAll(e1.Values), quoteAll(kept))
		}
	}
	return nil
}

func enums(r *schema.Realm) map[string]*schema.EnumType {
	m := map[string]*schema.EnumType{}
	for _, e := range pgdb.Enums(r) {
		m[enumKey(e)] = e
	}
	return m
}

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

func quoteAll(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = "'" + v + "'"
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// keepValues takes out of a reverse change set the enum value removals,
// which PostgreSQL cannot run: a down migration leaves the values in
// place. kept says so, one line per type.
func keepValues(changes []schema.Change) (rest []schema.Change, kept []string) {
	for _, c := range changes {
		if m, ok := c.(*schema.ModifyObject); ok {
			from, ok1 := m.From.(*schema.EnumType)
			to, ok2 := m.To.(*schema.EnumType)
			if ok1 && ok2 {
				var removed []string
				for _, v := range from.Values {
					if !slices.Contains(to.Values, v) {
						removed = append(removed, v)
					}
				}
				if len(removed) > 0 {
					kept = append(kept, fmt.Sprintf("enum type %q keeps the value(s) %s: PostgreSQL cannot drop enum values", enumKey(from), quoteAll(removed)))
					continue
				}
			}
		}
		rest = append(rest, c)
	}
	return rest, kept
}
