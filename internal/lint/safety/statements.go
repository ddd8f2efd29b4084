package safety

import (
	"fmt"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ledgerforge/schemactl/internal/sqlparse"
)

func (a *analysis) statement(s sqlparse.Stmt) {
	switch n := s.Node.GetNode().(type) {
	case *pg_query.Node_CreateStmt:
		name := n.CreateStmt.GetRelation().GetRelname()
		if _, ok := lookupTable(a.in.Before, name); !ok || !n.CreateStmt.IfNotExists {
			a.created[name] = a.f.Name
		}
	case *pg_query.Node_VariableSetStmt:
		if strings.EqualFold(n.VariableSetStmt.Name, "lock_timeout") {
			a.lockTimeout = n.VariableSetStmt.Kind == pg_query.VariableSetKind_VAR_SET_VALUE && !isZero(n.VariableSetStmt.Args)
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
	case *pg_query.Node_CreateEnumStmt:
		a.createEnum(n.CreateEnumStmt)
	}
	a.usesNewValue(s)
	a.needLockTimeout()
}

// say builds a clause of a finding's message from a pattern: {o} is
// replaced by the objects named together, {is} {its} {it} {s} agree with
// their number (is/are, its/their, it/them, fails/fail).
func say(pattern string, args ...any) func(string, bool) string {
	p := fmt.Sprintf(pattern, args...)
	return func(objects string, many bool) string {
		it, s := "it", "s"
		if many {
			it, s = "them", ""
		}
		return strings.NewReplacer("{o}", objects, "{is}", be(many), "{its}", its(many), "{it}", it, "{s}", s).Replace(p)
	}
}

func q(name string) string { return strconv.Quote(name) }

// col names a column as findings do: "table"."column".
func col(table, column string) string { return q(table) + "." + q(column) }

func (a *analysis) drop(d *pg_query.DropStmt) {
	for _, o := range d.Objects {
		name := lastName(o)
		switch d.RemoveType {
		case pg_query.ObjectType_OBJECT_SCHEMA:
			a.report("DS101", "", item{"schema", q(name)}, say("{o} {is} dropped with everything in {it}"))
		case pg_query.ObjectType_OBJECT_TABLE:
			if a.older(name) {
				a.report("DS102", "", item{"table", q(name)}, say("{o} {is} dropped with {its} data"))
			}
		case pg_query.ObjectType_OBJECT_TYPE:
			a.dropType(name)
		case pg_query.ObjectType_OBJECT_INDEX:
			table := a.IndexTable(name)
			if _, unique := indexTable(a.in.Before, name); unique {
				a.droppedUniq[name] = true
			}
			switch {
			case d.Concurrent && !a.f.NoTx:
				a.report("PG103", "", item{"index", q(name)}, say("DROP INDEX CONCURRENTLY of {o} runs inside the file's transaction, which PostgreSQL refuses"))
			case !d.Concurrent && a.older(table):
				a.report("PG102", table, item{"index", q(name)}, say("{o} {is} dropped without CONCURRENTLY: %q is locked against reads and writes meanwhile", table))
			}
		}
	}
}

func (a *analysis) createIndex(ix *pg_query.IndexStmt) {
	table := ix.GetRelation().GetRelname()
	a.indexes[ix.Idxname] = table
	it := item{"index", q(ix.Idxname)}
	var cols []string
	for _, p := range ix.IndexParams {
		cols = append(cols, p.GetIndexElem().GetName()) // "" for an expression: existing data
	}
	if ix.Idxname == "" {
		// PostgreSQL picks the name (t_col_idx, numbered if taken): name
		// the index by its columns rather than as "".
		it = item{"unnamed index", unnamed(cols)}
	}
	if ix.Concurrent && !a.f.NoTx {
		a.report("PG103", "", it, say("CREATE INDEX CONCURRENTLY of {o} runs inside the file's transaction, which PostgreSQL refuses"))
	}
	if !a.older(table) {
		return
	}
	unique := item{"unique index", it.name}
	if ix.Idxname == "" {
		unique.kind = "unnamed unique index"
	}
	switch {
	case !ix.Unique || a.allAdded(table, cols):
	case ix.Idxname != "" && a.droppedUniq[ix.Idxname]:
		a.reportFix("MF102", table, unique, say("{o} on %q {is} redefined: existing rows may violate the new definition", table), mf102(table, cols))
	default:
		a.reportFix("MF101", table, unique, say("{o} {is} added on %q: it fails if existing rows have duplicates", table), mf101Index(table, cols, ix.Concurrent))
	}
	if !ix.Concurrent {
		a.report("PG101", table, it, say("{o} {is} created without CONCURRENTLY: writes to %q wait until {it} {is} built", table))
	}
}

// unnamed names an index without a name by its columns: "(a, b)", an
// expression as "expr", as PostgreSQL's chosen name does.
func unnamed(cols []string) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c
		if c == "" {
			names[i] = "expr"
		}
	}
	return "(" + strings.Join(names, ", ") + ")"
}

// allAdded: a unique index only on columns this file added cannot meet
// duplicates (Atlas's rule too).
func (a *analysis) allAdded(table string, cols []string) bool {
	for _, c := range cols {
		if c == "" || !a.addedCols[table+"."+c] {
			return false
		}
	}
	return len(cols) > 0
}

func (a *analysis) rename(r *pg_query.RenameStmt) {
	table := r.GetRelation().GetRelname()
	switch r.RenameType {
	case pg_query.ObjectType_OBJECT_TABLE:
		if a.older(table) {
			a.report("BC101", "", item{"table", q(table)}, say("{o} {is} renamed to %q: the running release still uses the old name", r.Newname))
		}
	case pg_query.ObjectType_OBJECT_COLUMN:
		if a.older(table) && r.RelationType == pg_query.ObjectType_OBJECT_TABLE {
			a.report("BC102", "", item{"column", col(table, r.Subname)}, say("{o} {is} renamed to %q: the running release still uses the old name", r.Newname))
		}
	case pg_query.ObjectType_OBJECT_TYPE:
		a.renameType(r)
	}
}

func (a *analysis) alterEnum(e *pg_query.AlterEnumStmt) {
	typ := namesOf(e.TypeName)
	switch {
	case e.OldVal != "":
		a.report("SC102", "", item{"enum type", q(typ)}, say("value %q of {o} {is} renamed to %q: rows and code using the old value break", e.OldVal, e.NewVal))
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
				// Every statement that uses it fails: each is reported.
				a.report("SC305", typ, item{"value", q(v)}, say("{o} {is} added to %q and used in the same transaction, which PostgreSQL refuses (55P04)", typ))
			}
		}
	})
}

// needLockTimeout flags each statement that takes a lock that stops reads
// or writes on an existing table before any lock_timeout is set: a blocked migration then queues
// every query behind it. The locks are PostgreSQL's own (Locks): SET
// (fillfactor), VALIDATE CONSTRAINT or SET STATISTICS stop neither.
func (a *analysis) needLockTimeout() {
	if a.lockTimeout {
		return
	}
	var blocking []string
	var tables []item
	for _, l := range Locks(a.stmt.Node, a) {
		if a.existing(l.Table) && l.Mode.Blocks() != "" {
			blocking = append(blocking, fmt.Sprintf("%s lock on %q (%s wait)", article(l.Mode), l.Table, l.Mode.Blocks()))
			tables = append(tables, item{"table", q(l.Table)})
		}
	}
	if len(blocking) == 0 {
		return
	}
	msg := say("the statement takes %s while it waits and runs, and no lock_timeout is set before it", list(itemsOf(blocking)))
	for _, t := range tables {
		a.report("SC306", "", t, msg)
	}
	// Every such statement is reported, not only the file's first: each
	// queues the table's queries behind it, and a directive silences one.
}

// article is "an ACCESS EXCLUSIVE", "a SHARE".
func article(m LockMode) string {
	if strings.ContainsRune("AEIOU", rune(m.String()[0])) {
		return "an " + m.String()
	}
	return "a " + m.String()
}

// lockPhrase names the locks the current statement holds: `ACCESS
// EXCLUSIVE on "a" and SHARE ROW EXCLUSIVE on "b"`.
func (a *analysis) lockPhrase() string {
	var parts []string
	for _, l := range Locks(a.stmt.Node, a) {
		parts = append(parts, fmt.Sprintf("%s on %q", l.Mode, l.Table))
	}
	return list(itemsOf(parts))
}

func itemsOf(names []string) []item {
	var out []item
	for _, n := range names {
		out = append(out, item{"", n})
	}
	return out
}

// IndexTable implements Catalog: the indexes the added files created, then
// those of the earlier schema.
func (a *analysis) IndexTable(index string) string {
	if t, ok := a.indexes[index]; ok {
		return t
	}
	t, _ := indexTable(a.in.Before, index)
	return t
}

// References implements Catalog: the foreign keys the added files added,
// then those of the earlier schema.
func (a *analysis) References(table, constraint string) string {
	if fk, ok := a.fks[table+"."+constraint]; ok {
		return fk.ref
	}
	if fk := foreignKey(a.in.Before, table, constraint); fk != nil {
		return fk.RefTable.Name
	}
	return ""
}

func isZero(args []*pg_query.Node) bool {
	if len(args) != 1 {
		return false
	}
	c := args[0].GetAConst()
	if iv := c.GetIval(); iv != nil {
		return iv.Ival == 0
	}
	return c.GetSval().GetSval() == "0"
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
