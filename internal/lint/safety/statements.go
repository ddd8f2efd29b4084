package safety

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ledgerforge/schemactl/internal/sqlparse"
)

var remedy = map[string]string{
	"DS101": "make sure nothing needs the data; silence with `-- atlas:nolint DS101` when intended",
	"DS102": "make sure nothing needs the data; silence with `-- atlas:nolint DS102` when intended",
	"DS103": "stop reading the column in a release first, then drop it; silence with `-- atlas:nolint DS103`",
	"SC101": "make sure no column uses the type and nothing needs it",
	"SC102": "add the new value and migrate the data instead of renaming; deploy readers first",
	"MF101": "check the existing rows for duplicates first, or build the index CONCURRENTLY and attach it",
	"MF102": "check the existing rows for duplicates under the new definition first",
	"MF103": "add the column with a DEFAULT, or nullable, backfill, then SET NOT NULL",
	"MF104": "backfill NULLs first; add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL",
	"SC201": "check that every existing value fits the narrower type",
	"BC101": "keep the old name readable (a view) until no release uses it",
	"BC102": "add the new column, write both, backfill, then drop the old one in a later release",
	"CD101": "make sure nothing relies on the constraint",
	"PG101": "use CREATE INDEX CONCURRENTLY in a file with `-- atlas:txmode none`",
	"PG102": "use DROP INDEX CONCURRENTLY in a file with `-- atlas:txmode none`",
	"PG103": "add `-- atlas:txmode none` to the file header: CONCURRENTLY cannot run in a transaction",
	"SC301": "add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (another transaction)",
	"SC302": "add CHECK (col IS NOT NULL) NOT VALID and VALIDATE it in earlier migrations, then SET NOT NULL",
	"SC303": "add a new column, backfill it in batches, and swap, instead of changing the type in place",
	"SC304": "add the column without a default (or a constant one), then backfill in batches",
	"SC305": "move the statements that use the new value to a later migration file",
	"SC306": "start the file with SET lock_timeout = '5s' (or SET LOCAL) so a blocked migration fails fast instead of queueing every query behind it",
}

func (a *analysis) statement(s sqlparse.Stmt) {
	switch n := s.Node.GetNode().(type) {
	case *pg_query.Node_CreateStmt:
		a.created[n.CreateStmt.GetRelation().GetRelname()] = true
	case *pg_query.Node_VariableSetStmt:
		if strings.EqualFold(n.VariableSetStmt.Name, "lock_timeout") {
			a.lockTimeout = n.VariableSetStmt.Kind == pg_query.VariableSetKind_VAR_SET_VALUE
		}
	case *pg_query.Node_DropStmt:
		a.drop(n.DropStmt)
	case *pg_query.Node_AlterTableStmt:
		a.alterTable(n.AlterTableStmt)
	case *pg_query.Node_IndexStmt:
		a.createIndex(n.IndexStmt)
	case *pg_query.Node_RenameStmt:
		a.rename(n.RenameStmt)
	case *pg_query.Node_AlterEnumStmt:
		a.alterEnum(n.AlterEnumStmt)
	case *pg_query.Node_TruncateStmt:
		for _, r := range n.TruncateStmt.Relations {
			a.needLockTimeout(r.GetRangeVar().GetRelname())
		}
	}
	a.usesNewValue(s)
}

func (a *analysis) drop(d *pg_query.DropStmt) {
	for _, o := range d.Objects {
		name := lastName(o)
		switch d.RemoveType {
		case pg_query.ObjectType_OBJECT_SCHEMA:
			a.report("DS101", fmt.Sprintf("schema %q", name), "schema %q is dropped with everything in it", name)
		case pg_query.ObjectType_OBJECT_TABLE:
			if a.existing(name) {
				a.report("DS102", fmt.Sprintf("table %q", name), "table %q and its data are dropped", name)
				a.needLockTimeout(name)
			}
		case pg_query.ObjectType_OBJECT_TYPE:
			if _, ok := enum(a.in.Before, name); ok {
				a.report("SC101", fmt.Sprintf("enum type %q", name), "enum type %q is dropped", name)
			}
		case pg_query.ObjectType_OBJECT_INDEX:
			table, unique := indexTable(a.in.Before, name)
			if unique {
				a.droppedUniq[name] = true
			}
			switch {
			case d.Concurrent && !a.f.NoTx:
				a.report("PG103", fmt.Sprintf("index %q", name), "DROP INDEX CONCURRENTLY %q runs inside the file's transaction, which PostgreSQL refuses", name)
			case !d.Concurrent && a.existing(table):
				a.report("PG102", fmt.Sprintf("index %q", name), "index %q is dropped without CONCURRENTLY: table %q is locked against reads and writes meanwhile", name, table)
				a.needLockTimeout(table)
			}
		}
	}
}

func (a *analysis) createIndex(ix *pg_query.IndexStmt) {
	table := ix.GetRelation().GetRelname()
	obj := fmt.Sprintf("index %q on %q", ix.Idxname, table)
	if ix.Concurrent && !a.f.NoTx {
		a.report("PG103", obj, "CREATE INDEX CONCURRENTLY runs inside the file's transaction, which PostgreSQL refuses")
	}
	if !a.existing(table) {
		return
	}
	if ix.Unique {
		if a.droppedUniq[ix.Idxname] {
			a.report("MF102", obj, "unique index %q is redefined on %q: existing rows may violate the new definition", ix.Idxname, table)
		} else {
			a.report("MF101", obj, "unique index %q is added on %q: it fails if existing rows have duplicates", ix.Idxname, table)
		}
	}
	if !ix.Concurrent {
		a.report("PG101", obj, "index %q is created without CONCURRENTLY: writes to %q block until it is built", ix.Idxname, table)
	}
}

func (a *analysis) rename(r *pg_query.RenameStmt) {
	table := r.GetRelation().GetRelname()
	switch r.RenameType {
	case pg_query.ObjectType_OBJECT_TABLE:
		if a.existing(table) {
			a.report("BC101", fmt.Sprintf("table %q", table), "table %q is renamed to %q: the running release still uses the old name", table, r.Newname)
			a.needLockTimeout(table)
		}
	case pg_query.ObjectType_OBJECT_COLUMN:
		if a.existing(table) {
			a.report("BC102", fmt.Sprintf("column %q.%q", table, r.Subname), "column %q.%q is renamed to %q: the running release still uses the old name", table, r.Subname, r.Newname)
			a.needLockTimeout(table)
		}
	}
}

func (a *analysis) alterEnum(e *pg_query.AlterEnumStmt) {
	typ := namesOf(e.TypeName)
	switch {
	case e.OldVal != "":
		a.report("SC102", fmt.Sprintf("enum type %q", typ), "enum value %q of %q is renamed to %q: rows and code using the old value break", e.OldVal, typ, e.NewVal)
	case e.NewVal != "" && !a.f.NoTx:
		a.newValues[e.NewVal] = typ
	}
}

// usesNewValue: PostgreSQL refuses (55P04) a value used in the transaction
// that added it; the parse tree's string constants tell where it is used.
func (a *analysis) usesNewValue(s sqlparse.Stmt) {
	if len(a.newValues) == 0 {
		return
	}
	if _, ok := s.Node.GetNode().(*pg_query.Node_AlterEnumStmt); ok {
		return
	}
	sqlparse.Walk(s.Node, func(m protoreflect.Message) {
		c, ok := m.Interface().(*pg_query.A_Const)
		if !ok {
			return
		}
		if v := c.GetSval().GetSval(); v != "" {
			if typ, ok := a.newValues[v]; ok {
				a.report("SC305", fmt.Sprintf("enum type %q", typ), "value %q is added to %q and used in the same transaction, which PostgreSQL refuses (55P04)", v, typ)
				delete(a.newValues, v)
			}
		}
	})
}

// needLockTimeout flags an ACCESS EXCLUSIVE lock on an existing table taken
// before any lock_timeout: a blocked migration then queues every query
// behind it.
func (a *analysis) needLockTimeout(table string) {
	if a.lockTimeout || !a.existing(table) {
		return
	}
	a.report("SC306", fmt.Sprintf("table %q", table), "the statement takes an ACCESS EXCLUSIVE lock on %q and no lock_timeout is set before it", table)
	a.lockTimeout = true // once per file is enough
}

// lastName is the unqualified name of a dropped object.
func lastName(n *pg_query.Node) string {
	switch x := n.GetNode().(type) {
	case *pg_query.Node_List:
		return namesOf(x.List.Items)
	case *pg_query.Node_TypeName:
		return namesOf(x.TypeName.Names)
	case *pg_query.Node_String_:
		return x.String_.Sval
	}
	return ""
}

func namesOf(items []*pg_query.Node) string {
	if len(items) == 0 {
		return ""
	}
	return items[len(items)-1].GetString_().GetSval()
}
