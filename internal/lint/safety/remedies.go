package safety

import (
	"fmt"
	"strings"
)

// The remedies fit a project whose migrations `migrate diff` writes from
// Ent schemas: a fix is a change to ent/schema where Ent can declare one
// (a Default, StorageKey, entsql.Annotation), SQL written by hand in a file
// of its own (`schemactl migrate new`), or, where the review cannot see
// that the hazard is harmless (the data, the table's size), accepting the
// statement with Atlas's directive, which the remedy then names. Editing a
// written file changes its hash: every remedy that edits one ends with
// `schemactl migrate hash`.

// accept is how a remedy says the fix is the nolint directive.
func accept(code string) string {
	return "accept it with `-- atlas:nolint " + code + "` above the statement and rehash (`schemactl migrate hash`)"
}

var remedy = map[string]string{
	"DS101": "make sure nothing needs the schema's data; then " + accept("DS101"),
	"DS102": "the entity is gone from ent/schema: make sure nothing needs the table's data, then " + accept("DS102") +
		"; a renamed entity keeps its table with `entsql.Annotation{Table: \"<old name>\"}` instead",
	"DS103": "release code that no longer reads the field first (the field removed from ent/schema, the code regenerated), then " + accept("DS103") +
		"; a renamed field keeps its column with `.StorageKey(\"<old name>\")` instead",
	"SC101": "make sure no column and no code uses the type; then " + accept("SC101"),
	"SC102": "code that reads or writes the old value breaks: add the new value to the field's Values first, move the rows in a hand-written file (`schemactl migrate new`), and remove the old value in a later release; or, if the running release may break, " + accept("SC102"),
	"MF101": mf101Index("", nil, false),
	"MF102": mf102("", nil),
	"MF103": "give the field a `Default(…)` in ent/schema (written as the column's DEFAULT), or make it `Optional()`, fill the rows, and make it required in a later change; when the table holds no rows yet, " + accept("MF103"),
	"MF104": "fill the NULLs first (an UPDATE in a hand-written file: `schemactl migrate new`); then add `CHECK (col IS NOT NULL) NOT VALID`, VALIDATE it and SET NOT NULL, or, since the review cannot see that the rows are filled, " + accept("MF104"),
	"SC201": "check that every existing value fits the narrower type (or keep the wider one in ent/schema: MaxLen, SchemaType); the review cannot see the data, so then " + accept("SC201"),
	"BC101": "the running release still uses the old name: keep the table with `entsql.Annotation{Table: \"<old name>\"}` on the renamed entity (no migration at all), or ship the rename with the release that uses it and " + accept("BC101"),
	"BC102": "the running release still uses the old name: keep the column with `.StorageKey(\"<old name>\")` on the renamed field (no migration at all), or ship the rename with the release that uses it and " + accept("BC102"),
	"CD101": "make sure nothing relies on the foreign key (removing an edge from ent/schema drops it); then " + accept("CD101"),
	"PG101": "create it CONCURRENTLY in a file of its own with `-- atlas:txmode none` (what `migrate diff` writes by default for an existing table); on a small table, " + accept("PG101"),
	"PG102": "drop it CONCURRENTLY in a file of its own with `-- atlas:txmode none` (what `migrate diff` writes by default for an existing table); on a small table, " + accept("PG102"),
	"PG103": "add `-- atlas:txmode none` to the file header (CONCURRENTLY cannot run in a transaction) and rehash (`schemactl migrate hash`)",
	"SC301": "add it NOT VALID, then VALIDATE CONSTRAINT in a later file (another transaction); on a small table, " + accept("SC301"),
	"SC302": "add `CHECK (col IS NOT NULL) NOT VALID`, VALIDATE it, SET NOT NULL (PostgreSQL then skips the scan) and drop the check; on a small table, " + accept("SC302"),
	"SC303": "no online form of this change exists for Ent to declare: when the table is small enough to rewrite within lock_timeout (or in a maintenance window), " + accept("SC303") + "; otherwise keep the column's current type in ent/schema (SchemaType) for now",
	"SC304": "use a Go default in ent/schema (`Default(uuid.New)`) rather than a database one (`entsql.DefaultExpr`), so the column is added without a DEFAULT, and fill the existing rows in batches in a hand-written file (`schemactl migrate new`); on a small table, " + accept("SC304"),
	"SC305": "move the statements that use the new value to a later file (`migrate diff` writes new values in a file of their own)",
	"SC306": "start the file with SET lock_timeout = '5s' (or SET LOCAL) so a blocked migration fails fast instead of queueing every query behind it, and rehash (`schemactl migrate hash`)",
}

// mf101Index is MF101's remedy for a unique index on table (cols, "" for
// an expression): the duplicates to look for, and what a failed build
// leaves. An index already built CONCURRENTLY is not told to be.
func mf101Index(table string, cols []string, concurrent bool) string {
	s := "check the existing rows for duplicates first (" + duplicates(table, cols) + ")"
	if concurrent {
		s += "; a failed build leaves the index behind, INVALID: drop it before applying again"
	}
	return s + "; the review cannot see the data, so then " + accept("MF101")
}

// mf102 is MF102's remedy for a unique index redefined on table (cols).
func mf102(table string, cols []string) string {
	return "check the existing rows for duplicates under the new definition first (" + duplicates(table, cols) + "); the review cannot see the data, so then " + accept("MF102")
}

// mf101Constraint is MF101's remedy for ADD CONSTRAINT … UNIQUE, which
// builds its index under the table's ACCESS EXCLUSIVE lock.
func mf101Constraint(table string, cols []string) string {
	return "check the existing rows for duplicates first (" + duplicates(table, cols) + "); to keep the table writable meanwhile, " +
		"build the index first (CREATE UNIQUE INDEX CONCURRENTLY, in a file with `-- atlas:txmode none`) and attach it: ADD CONSTRAINT … UNIQUE USING INDEX; then " + accept("MF101")
}

// mf101Default is MF101's remedy for a unique column added with a default.
const mf101Default = "add the column without a default (in ent/schema, no `Default` on a `Unique` field) and give each row its own value; or make it `Optional()` and fill it before making it required"

// duplicates is the query that finds the rows a unique index on cols
// would refuse, or a description when an expression is indexed.
func duplicates(table string, cols []string) string {
	if table == "" || len(cols) == 0 {
		return "GROUP BY the indexed columns HAVING count(*) > 1"
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		if c == "" {
			return fmt.Sprintf("GROUP BY the indexed expressions of %q HAVING count(*) > 1", table)
		}
		quoted[i] = q(c)
	}
	list := strings.Join(quoted, ", ")
	return fmt.Sprintf("SELECT %s, count(*) FROM %s GROUP BY %s HAVING count(*) > 1", list, q(table), list)
}
