package safety

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// A type swap changes an enum type's values where ALTER TYPE cannot (a
// value removed, the order changed), as `migrate diff` plans it and as a
// hand-written migration does it:
//
//	ALTER TYPE status RENAME TO status_old;
//	CREATE TYPE status AS ENUM (…);
//	ALTER TABLE t ALTER COLUMN c TYPE status USING c::text::status, …;
//	DROP TYPE status_old;
//
// Judged statement by statement against the earlier schema, the column
// change reads "status to status" and the drop names a type the earlier
// schema lacks. The review follows the renames of the added files instead:
// the column is rewritten to the new type, and the drop ends the swap.

// enumRemedy is the remedy of a column rewritten to an enum type: Ent
// changes an enum column only this way, so there is no new column to
// backfill; the rewrite is accepted where it happens.
const enumRemedy = "an enum column's type changes only by rewriting the table (Ent has no backfill to do instead): " +
	"apply it when the table may stop reads and writes for as long as it takes, then accept it with `-- atlas:nolint SC303` " +
	"on the line above the statement and run `schemactl migrate hash`"

// renameType records ALTER TYPE … RENAME TO.
func (a *analysis) renameType(r *pg_query.RenameStmt) {
	a.typeRenames[r.Newname] = a.earlierType(lastName(r.Object))
}

// createEnum records CREATE TYPE … AS ENUM.
func (a *analysis) createEnum(e *pg_query.CreateEnumStmt) {
	a.newEnums[namesOf(e.TypeName)] = true
}

// earlierType is the earlier schema's name of the type the added files
// call name.
func (a *analysis) earlierType(name string) string {
	if old, ok := a.typeRenames[name]; ok {
		return old
	}
	return name
}

// swapped reports whether the added files swapped enum type name: renamed
// the earlier type of that name away, and created a new one.
func (a *analysis) swapped(name string) bool {
	if !a.newEnums[name] {
		return false
	}
	for renamed, old := range a.typeRenames {
		if old == name && renamed != name {
			return true
		}
	}
	return false
}

// toEnum reports whether a column's new type is an enum type: one of the
// earlier schema, or one the added files created.
func (a *analysis) toEnum(typ string) bool {
	_, ok := enum(a.in.Before, typ)
	return ok || a.newEnums[typ]
}

// dropType reports DROP TYPE of an enum type of the earlier schema
// (SC101), but the old half of a swap: its values live on in the new type.
func (a *analysis) dropType(name string) {
	old := a.earlierType(name)
	if _, ok := enum(a.in.Before, old); !ok {
		return
	}
	if old != name && a.newEnums[old] {
		return
	}
	a.report("SC101", "", item{"enum type", q(old)}, say("{o} {is} dropped"))
}
