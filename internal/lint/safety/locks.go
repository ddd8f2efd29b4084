package safety

import (
	"cmp"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// LockMode is one of PostgreSQL's table-level lock modes, weakest first,
// numbered as PostgreSQL numbers them (lockdefs.h), so LOCK TABLE's parse
// tree carries one directly.
type LockMode int

// The table-level lock modes.
const (
	NoLock LockMode = iota
	AccessShare
	RowShare
	RowExclusive
	ShareUpdateExclusive
	Share
	ShareRowExclusive
	Exclusive
	AccessExclusive
)

var lockNames = [...]string{"", "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE",
	"SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"}

var pgNames = [...]string{"", "AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
	"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}

// String is the mode as PostgreSQL's documentation and LOCK TABLE spell it.
func (m LockMode) String() string {
	if m < NoLock || m > AccessExclusive {
		return ""
	}
	return lockNames[m]
}

// PGName is the mode as pg_locks.mode shows it, e.g. ShareUpdateExclusiveLock.
func (m LockMode) PGName() string {
	if m <= NoLock || m > AccessExclusive {
		return ""
	}
	return pgNames[m]
}

// Blocks says what the application cannot do on the table while the lock is
// held or waited for: ACCESS EXCLUSIVE stops reads and writes, SHARE and
// the modes between stop writes; weaker modes stop neither (only other DDL,
// VACUUM and the like).
func (m LockMode) Blocks() string {
	switch {
	case m == AccessExclusive:
		return "reads and writes"
	case m >= Share:
		return "writes"
	}
	return ""
}

// Lock is a table-level lock a statement takes.
type Lock struct {
	Table string // unqualified, as the analyzers name tables
	Mode  LockMode
}

// Locks returns the strongest lock a statement takes on each table it
// names, in the order it names them, as PostgreSQL takes them (the ALTER
// TABLE reference's per-subcommand table; for an ALTER TABLE, the strongest
// of its subcommands). The catalog names what the text does not say: an
// index's table, a constraint's referenced table. Statements that lock no table the reviewer judges
// (CREATE TABLE of a new table, ALTER TYPE, views, functions) return nil.
// TestLockLevels checks every claim against pg_locks on a real server.
func Locks(n *pg_query.Node, cat Catalog) []Lock {
	var ls locks
	switch n := n.GetNode().(type) {
	case *pg_query.Node_AlterTableStmt:
		at := n.AlterTableStmt
		if at.Objtype != pg_query.ObjectType_OBJECT_TABLE {
			return nil
		}
		table := at.GetRelation().GetRelname()
		for _, c := range at.Cmds {
			if cmd := c.GetAlterTableCmd(); cmd != nil {
				ls.alterCmd(table, cmd, cat)
			}
		}
		// The altered table first, whatever its subcommands named before it.
		slices.SortStableFunc(ls, func(x, y Lock) int { return cmp.Compare(b2i(x.Table != table), b2i(y.Table != table)) })
	case *pg_query.Node_IndexStmt:
		mode := Share
		if n.IndexStmt.Concurrent {
			mode = ShareUpdateExclusive
		}
		ls.add(n.IndexStmt.GetRelation().GetRelname(), mode)
	case *pg_query.Node_DropStmt:
		ls.drop(n.DropStmt, cat)
	case *pg_query.Node_TruncateStmt:
		for _, r := range n.TruncateStmt.Relations {
			ls.add(r.GetRangeVar().GetRelname(), AccessExclusive)
		}
	case *pg_query.Node_RenameStmt:
		r := n.RenameStmt
		switch r.RenameType {
		case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_TRIGGER:
			ls.add(r.GetRelation().GetRelname(), AccessExclusive)
		case pg_query.ObjectType_OBJECT_TABCONSTRAINT:
			ls.add(r.GetRelation().GetRelname(), AccessExclusive)
		case pg_query.ObjectType_OBJECT_COLUMN:
			if r.RelationType == pg_query.ObjectType_OBJECT_TABLE {
				ls.add(r.GetRelation().GetRelname(), AccessExclusive)
			}
		}
	case *pg_query.Node_CreateTrigStmt:
		ls.add(n.CreateTrigStmt.GetRelation().GetRelname(), ShareRowExclusive)
	case *pg_query.Node_RefreshMatViewStmt:
		mode := AccessExclusive
		if n.RefreshMatViewStmt.Concurrent {
			mode = Exclusive
		}
		ls.add(n.RefreshMatViewStmt.GetRelation().GetRelname(), mode)
	case *pg_query.Node_ClusterStmt:
		ls.add(n.ClusterStmt.GetRelation().GetRelname(), AccessExclusive)
	case *pg_query.Node_ReindexStmt:
		if n.ReindexStmt.Kind == pg_query.ReindexObjectType_REINDEX_OBJECT_TABLE {
			mode := Share
			if hasOption(n.ReindexStmt.Params, "concurrently") {
				mode = ShareUpdateExclusive
			}
			ls.add(n.ReindexStmt.GetRelation().GetRelname(), mode)
		}
	case *pg_query.Node_CommentStmt:
		switch n.CommentStmt.Objtype {
		case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_COLUMN:
			items := n.CommentStmt.GetObject().GetList().GetItems()
			if n.CommentStmt.Objtype == pg_query.ObjectType_OBJECT_COLUMN && len(items) > 1 {
				items = items[:len(items)-1]
			}
			ls.add(namesOf(items), ShareUpdateExclusive)
		}
	case *pg_query.Node_LockStmt:
		for _, r := range n.LockStmt.Relations {
			ls.add(r.GetRangeVar().GetRelname(), LockMode(n.LockStmt.Mode))
		}
	case *pg_query.Node_CreateStmt:
		// A new table's foreign keys lock the tables they reference.
		cs := n.CreateStmt
		for _, c := range cs.TableElts {
			for _, k := range c.GetColumnDef().GetConstraints() {
				ls.foreignKey(k.GetConstraint())
			}
			ls.foreignKey(c.GetConstraint())
		}
		for _, c := range cs.Constraints {
			ls.foreignKey(c.GetConstraint())
		}
		if cs.Partbound != nil {
			for _, p := range cs.InhRelations {
				ls.add(p.GetRangeVar().GetRelname(), AccessExclusive)
			}
		}
	case *pg_query.Node_InsertStmt:
		ls.add(n.InsertStmt.GetRelation().GetRelname(), RowExclusive)
	case *pg_query.Node_UpdateStmt:
		ls.add(n.UpdateStmt.GetRelation().GetRelname(), RowExclusive)
	case *pg_query.Node_DeleteStmt:
		ls.add(n.DeleteStmt.GetRelation().GetRelname(), RowExclusive)
	}
	return ls
}

// Catalog answers what a statement's text does not say, from the schema
// the earlier files built; "" when it does not know.
type Catalog interface {
	IndexTable(index string) string             // the table an existing index is on
	References(table, constraint string) string // the table a foreign key references
}

type locks []Lock

// add keeps the strongest mode per table.
func (ls *locks) add(table string, mode LockMode) {
	if table == "" || mode == NoLock {
		return
	}
	for i := range *ls {
		if (*ls)[i].Table == table {
			(*ls)[i].Mode = max((*ls)[i].Mode, mode)
			return
		}
	}
	*ls = append(*ls, Lock{Table: table, Mode: mode})
}

// foreignKey: adding a foreign key creates triggers on both tables, so the
// referenced one is locked as CREATE TRIGGER locks it.
func (ls *locks) foreignKey(c *pg_query.Constraint) {
	if c.GetContype() == pg_query.ConstrType_CONSTR_FOREIGN {
		ls.add(c.GetPktable().GetRelname(), ShareRowExclusive)
	}
}

// alterCmd follows AlterTableGetLockLevel in PostgreSQL's tablecmds.c.
func (ls *locks) alterCmd(table string, cmd *pg_query.AlterTableCmd, cat Catalog) {
	mode := AccessExclusive // PostgreSQL's level for every subcommand not below
	switch cmd.Subtype {
	case pg_query.AlterTableType_AT_EnableTrig, pg_query.AlterTableType_AT_EnableAlwaysTrig,
		pg_query.AlterTableType_AT_EnableReplicaTrig, pg_query.AlterTableType_AT_EnableTrigAll,
		pg_query.AlterTableType_AT_EnableTrigUser, pg_query.AlterTableType_AT_DisableTrig,
		pg_query.AlterTableType_AT_DisableTrigAll, pg_query.AlterTableType_AT_DisableTrigUser:
		mode = ShareRowExclusive
	case pg_query.AlterTableType_AT_AddConstraint:
		if c := cmd.GetDef().GetConstraint(); c.GetContype() == pg_query.ConstrType_CONSTR_FOREIGN {
			mode = ShareRowExclusive
			ls.foreignKey(c)
		}
	case pg_query.AlterTableType_AT_DropConstraint:
		// Dropping a foreign key drops its triggers on the referenced table.
		if cat != nil {
			ls.add(cat.References(table, cmd.Name), AccessExclusive)
		}
	case pg_query.AlterTableType_AT_AddColumn:
		for _, k := range cmd.GetDef().GetColumnDef().GetConstraints() {
			ls.foreignKey(k.GetConstraint())
		}
	case pg_query.AlterTableType_AT_SetStatistics, pg_query.AlterTableType_AT_ClusterOn,
		pg_query.AlterTableType_AT_DropCluster, pg_query.AlterTableType_AT_SetOptions,
		pg_query.AlterTableType_AT_ResetOptions, pg_query.AlterTableType_AT_ValidateConstraint,
		pg_query.AlterTableType_AT_DetachPartitionFinalize:
		mode = ShareUpdateExclusive
	case pg_query.AlterTableType_AT_SetRelOptions, pg_query.AlterTableType_AT_ResetRelOptions:
		mode = relOptionsLock(cmd.GetDef().GetList().GetItems())
	case pg_query.AlterTableType_AT_AttachPartition:
		// The parent allows reads and writes; the table attached is locked
		// whole while its rows are checked against the bound.
		mode = ShareUpdateExclusive
		ls.add(cmd.GetDef().GetPartitionCmd().GetName().GetRelname(), AccessExclusive)
	case pg_query.AlterTableType_AT_DetachPartition:
		pc := cmd.GetDef().GetPartitionCmd()
		if pc.GetConcurrent() {
			// Runs outside a transaction, in two: the parent stays at SHARE
			// UPDATE EXCLUSIVE; the partition's final lock is not named.
			mode = ShareUpdateExclusive
		} else {
			ls.add(pc.GetName().GetRelname(), AccessExclusive)
		}
	}
	ls.add(table, mode)
}

// relOptionsLock is the strongest lock the storage parameters need
// (reloptions.c): the planner and vacuum settings a real project changes
// need SHARE UPDATE EXCLUSIVE; user_catalog_table, and any name not known
// here, ACCESS EXCLUSIVE.
func relOptionsLock(opts []*pg_query.Node) LockMode {
	mode := NoLock
	for _, o := range opts {
		d := o.GetDefElem()
		m := AccessExclusive
		if sueOptions[d.GetDefname()] {
			m = ShareUpdateExclusive
		}
		mode = max(mode, m)
	}
	if mode == NoLock {
		return AccessExclusive
	}
	return mode
}

var sueOptions = map[string]bool{
	"fillfactor": true, "toast_tuple_target": true, "parallel_workers": true,
	"autovacuum_enabled": true, "vacuum_index_cleanup": true, "vacuum_truncate": true,
	"autovacuum_vacuum_threshold": true, "autovacuum_vacuum_insert_threshold": true,
	"autovacuum_analyze_threshold": true, "autovacuum_vacuum_cost_limit": true,
	"autovacuum_freeze_min_age": true, "autovacuum_freeze_max_age": true,
	"autovacuum_freeze_table_age": true, "autovacuum_multixact_freeze_min_age": true,
	"autovacuum_multixact_freeze_max_age": true, "autovacuum_multixact_freeze_table_age": true,
	"log_autovacuum_min_duration": true, "autovacuum_vacuum_cost_delay": true,
	"autovacuum_vacuum_scale_factor": true, "autovacuum_vacuum_insert_scale_factor": true,
	"autovacuum_analyze_scale_factor": true,
}

func (ls *locks) drop(d *pg_query.DropStmt, cat Catalog) {
	for _, o := range d.Objects {
		switch d.RemoveType {
		case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_MATVIEW:
			ls.add(lastName(o), AccessExclusive)
		case pg_query.ObjectType_OBJECT_INDEX:
			mode := AccessExclusive
			if d.Concurrent {
				mode = ShareUpdateExclusive
			}
			if cat != nil {
				ls.add(cat.IndexTable(lastName(o)), mode)
			}
		case pg_query.ObjectType_OBJECT_TRIGGER:
			// (table..., trigger)
			if items := o.GetList().GetItems(); len(items) > 1 {
				ls.add(namesOf(items[:len(items)-1]), AccessExclusive)
			}
		}
	}
}

func hasOption(params []*pg_query.Node, name string) bool {
	for _, p := range params {
		if strings.EqualFold(p.GetDefElem().GetDefname(), name) {
			return true
		}
	}
	return false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
