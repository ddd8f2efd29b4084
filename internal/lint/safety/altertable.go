package safety

import (
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ledgerforge/schemactl/internal/sqlparse"
)

func (a *analysis) alterTable(at *pg_query.AlterTableStmt) {
	table := at.GetRelation().GetRelname()
	if at.Objtype != pg_query.ObjectType_OBJECT_TABLE {
		return
	}
	for _, c := range at.Cmds {
		cmd := c.GetAlterTableCmd()
		if cmd == nil {
			continue
		}
		a.alterCmd(table, cmd)
	}
	// Nearly every ALTER TABLE takes ACCESS EXCLUSIVE.
	a.needLockTimeout(table)
}

func (a *analysis) alterCmd(table string, cmd *pg_query.AlterTableCmd) {
	col := fmt.Sprintf("column %q.%q", table, cmd.Name)
	existing := a.existing(table)
	switch cmd.Subtype {
	case pg_query.AlterTableType_AT_DropColumn:
		if existing {
			a.report("DS103", col, "column %q.%q and its data are dropped; the running release may still read it", table, cmd.Name)
		}
	case pg_query.AlterTableType_AT_AddColumn:
		if existing {
			a.addColumn(table, cmd.GetDef().GetColumnDef())
		}
	case pg_query.AlterTableType_AT_AlterColumnType:
		if existing {
			a.alterType(table, cmd.Name, cmd.GetDef().GetColumnDef())
		}
	case pg_query.AlterTableType_AT_SetNotNull:
		if existing {
			a.report("MF104", col, "column %q.%q becomes NOT NULL: it fails if existing rows hold NULL", table, cmd.Name)
			if !a.notNullOK[table+"."+cmd.Name] && !hasNotNullCheck(a.in.Before, table, cmd.Name) {
				a.report("SC302", col, "SET NOT NULL on %q.%q scans the whole table under an ACCESS EXCLUSIVE lock: no validated CHECK (%s IS NOT NULL) exists", table, cmd.Name, cmd.Name)
			}
		}
	case pg_query.AlterTableType_AT_AddConstraint:
		a.addConstraint(table, cmd.GetDef().GetConstraint())
	case pg_query.AlterTableType_AT_ValidateConstraint:
		if tc, ok := a.nnChecks[cmd.Name]; ok {
			a.notNullOK[tc] = true
		}
		if a.notValid[cmd.Name] && existing {
			a.report("SC301", fmt.Sprintf("constraint %q on %q", cmd.Name, table), "constraint %q is validated in the transaction that added it NOT VALID, so its lock is held for the whole scan", cmd.Name)
		}
	case pg_query.AlterTableType_AT_DropConstraint:
		if existing {
			a.report("CD101", fmt.Sprintf("constraint %q on %q", cmd.Name, table), "constraint %q on %q is dropped", cmd.Name, table)
		}
	}
}

func (a *analysis) addColumn(table string, def *pg_query.ColumnDef) {
	if def == nil {
		return
	}
	col := fmt.Sprintf("column %q.%q", table, def.Colname)
	notNull, hasDefault, unique := false, def.RawDefault != nil, false
	var defaultExpr *pg_query.Node = def.RawDefault
	for _, cn := range def.Constraints {
		c := cn.GetConstraint()
		switch c.GetContype() {
		case pg_query.ConstrType_CONSTR_NOTNULL, pg_query.ConstrType_CONSTR_PRIMARY:
			notNull = true
		case pg_query.ConstrType_CONSTR_DEFAULT:
			hasDefault, defaultExpr = true, c.RawExpr
		case pg_query.ConstrType_CONSTR_IDENTITY, pg_query.ConstrType_CONSTR_GENERATED:
			hasDefault = true
		}
		if t := c.GetContype(); t == pg_query.ConstrType_CONSTR_UNIQUE || t == pg_query.ConstrType_CONSTR_PRIMARY {
			unique = true
		}
	}
	if notNull && !hasDefault {
		a.report("MF103", col, "NOT NULL column %q.%q is added without a default: it fails if the table has rows", table, def.Colname)
	}
	if unique {
		a.report("MF101", col, "unique column %q.%q is added: it fails if existing rows end up with duplicates", table, def.Colname)
	}
	if f := volatileCall(defaultExpr); f != "" {
		a.report("SC304", col, "column %q.%q is added with the volatile default %s(): every row is rewritten under an ACCESS EXCLUSIVE lock", table, def.Colname, f)
	}
}

func (a *analysis) alterType(table, column string, def *pg_query.ColumnDef) {
	if def == nil || def.TypeName == nil {
		return
	}
	col := fmt.Sprintf("column %q.%q", table, column)
	to := typeOfName(def.TypeName)
	from, ok := columnType(a.in.Before, table, column)
	if !ok {
		a.report("SC303", col, "the type of %q.%q changes to %s: the table is rewritten under an ACCESS EXCLUSIVE lock", table, column, to)
		return
	}
	narrower, rewrite := compareTypes(from, to)
	if def.RawDefault != nil { // USING expression: always a rewrite
		rewrite = true
	}
	if narrower {
		a.report("SC201", col, "the type of %q.%q narrows from %s to %s: it fails if existing values do not fit", table, column, from, to)
	}
	if rewrite {
		a.report("SC303", col, "the type of %q.%q changes from %s to %s: the table is rewritten under an ACCESS EXCLUSIVE lock", table, column, from, to)
	}
}

func (a *analysis) addConstraint(table string, c *pg_query.Constraint) {
	if c == nil {
		return
	}
	obj := fmt.Sprintf("constraint %q on %q", c.Conname, table)
	switch c.Contype {
	case pg_query.ConstrType_CONSTR_FOREIGN, pg_query.ConstrType_CONSTR_CHECK:
		if c.SkipValidation {
			a.notValid[c.Conname] = true
			if col, ok := isNotNullCheck(c); ok {
				a.nnChecks[c.Conname] = table + "." + col
			}
			return
		}
		if col, ok := isNotNullCheck(c); ok {
			a.notNullOK[table+"."+col] = true
		}
		if a.existing(table) {
			kind := map[pg_query.ConstrType]string{pg_query.ConstrType_CONSTR_FOREIGN: "foreign key", pg_query.ConstrType_CONSTR_CHECK: "CHECK"}[c.Contype]
			a.report("SC301", obj, "%s %q is added to %q without NOT VALID: every row is checked while the table is locked", kind, c.Conname, table)
		}
	case pg_query.ConstrType_CONSTR_UNIQUE, pg_query.ConstrType_CONSTR_PRIMARY:
		if a.existing(table) && c.Indexname == "" {
			a.report("MF101", obj, "unique constraint %q is added to %q: it fails if existing rows have duplicates, and builds its index under lock", c.Conname, table)
		}
	}
}

// volatileFuncs rewrite every row when used as a column default; stable
// ones such as now() are evaluated once and stored as a fast default.
var volatileFuncs = map[string]bool{
	"random": true, "gen_random_uuid": true, "uuid_generate_v1": true, "uuid_generate_v4": true,
	"clock_timestamp": true, "timeofday": true, "nextval": true, "txid_current": true, "setseed": true,
}

func volatileCall(n *pg_query.Node) string {
	found := ""
	if n == nil {
		return ""
	}
	sqlparse.Walk(n, func(m protoreflect.Message) {
		if f, ok := m.Interface().(*pg_query.FuncCall); ok && found == "" {
			if name := namesOf(f.Funcname); volatileFuncs[name] {
				found = name
			}
		}
	})
	return found
}

// isNotNullCheck recognises CHECK (col IS NOT NULL).
func isNotNullCheck(c *pg_query.Constraint) (string, bool) {
	nt := c.GetRawExpr().GetNullTest()
	if nt == nil || nt.Nulltesttype != pg_query.NullTestType_IS_NOT_NULL {
		return "", false
	}
	ref := nt.GetArg().GetColumnRef()
	if ref == nil || len(ref.Fields) == 0 {
		return "", false
	}
	return ref.Fields[len(ref.Fields)-1].GetString_().GetSval(), true
}
