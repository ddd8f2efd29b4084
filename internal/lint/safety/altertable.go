package safety

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ledgerforge/schemactl/internal/sqlparse"
)

func (a *analysis) alterTable(at *pg_query.AlterTableStmt) {
	table := at.GetRelation().GetRelname()
	if at.Objtype != pg_query.ObjectType_OBJECT_TABLE {
		return
	}
	dropped := map[string]bool{} // columns this statement drops
	for _, c := range at.Cmds {
		if cmd := c.GetAlterTableCmd(); cmd.GetSubtype() == pg_query.AlterTableType_AT_DropColumn {
			dropped[cmd.Name] = true
		}
	}
	for _, c := range at.Cmds {
		if cmd := c.GetAlterTableCmd(); cmd != nil {
			a.alterCmd(table, cmd, dropped)
		}
	}
}

func (a *analysis) alterCmd(table string, cmd *pg_query.AlterTableCmd, dropped map[string]bool) {
	column := item{"column", col(table, cmd.Name)}
	existing, older := a.existing(table), a.older(table)
	switch cmd.Subtype {
	case pg_query.AlterTableType_AT_DropColumn:
		// A column this file added is gone again: no data (Atlas's rule too).
		if older && !a.addedCols[table+"."+cmd.Name] {
			a.reportFix("DS103", "", column, say("{o} {is} dropped with {its} data; the running release may still read {it}"), a.renameRemedy(table, dropped))
		}
	case pg_query.AlterTableType_AT_AddColumn:
		if def := cmd.GetDef().GetColumnDef(); def != nil {
			a.addedCols[table+"."+def.Colname] = true
			if older {
				a.addColumn(table, def, existing)
			}
		}
	case pg_query.AlterTableType_AT_AlterColumnType:
		if existing {
			a.alterType(table, cmd.Name, cmd.GetDef().GetColumnDef())
		}
	case pg_query.AlterTableType_AT_SetNotNull:
		if !older || a.notNullOK[table+"."+cmd.Name] || hasNotNullCheck(a.in.Before, table, cmd.Name) {
			return
		}
		a.report("MF104", "", column, say("{o} {is} made NOT NULL: the statement fails if existing rows hold NULL"))
		if !existing {
			return
		}
		a.report("SC302", "", column, say("SET NOT NULL on {o} scans the whole table under an ACCESS EXCLUSIVE lock: no validated CHECK (… IS NOT NULL) lets PostgreSQL skip the scan"))
	case pg_query.AlterTableType_AT_AddConstraint:
		a.addConstraint(table, cmd.GetDef().GetConstraint())
	case pg_query.AlterTableType_AT_ValidateConstraint:
		proven := notNullCheckColumn(a.in.Before, table, cmd.Name)
		if tc, ok := a.nnChecks[cmd.Name]; ok {
			a.notNullOK[tc] = true
			proven = strings.TrimPrefix(tc, table+".")
		}
		// The SET NOT NULL such a check proves will not scan, but the
		// validation does, and fails on a NULL: the data dependency MF104
		// names is here.
		if proven != "" && older {
			a.reportFix("MF104", "", item{"column", col(table, proven)},
				say("{o} {is} proven NOT NULL by validating %q: the statement fails if existing rows hold NULL", cmd.Name),
				"fill the NULLs first (an UPDATE in a file `schemactl migrate new` creates before this one, or a Default in ent/schema for new rows); "+
					"since the review cannot see that the rows are filled, accept it then with `-- atlas:nolint MF104` above the statement and rehash (`schemactl migrate hash`)")
		}
		if a.notValid[cmd.Name] && existing {
			a.report("SC301", "validate", item{"constraint", q(cmd.Name)},
				say("{o} {is} validated in the transaction that added {it} NOT VALID, so the lock taken to add {it} is held for the whole scan"))
		}
	case pg_query.AlterTableType_AT_DropConstraint:
		a.dropConstraint(table, cmd.Name, dropped)
	}
}

// dropConstraint reports a dropped foreign key, as Atlas's condrop does:
// not one this file added, nor one whose columns the statement drops.
func (a *analysis) dropConstraint(table, name string, dropped map[string]bool) {
	if !a.older(table) {
		return
	}
	var cols []string
	switch fk, ok := a.fks[table+"."+name]; {
	case ok && fk.file == a.f.Name:
		return
	case ok:
		cols = fk.cols
	default:
		f := foreignKey(a.in.Before, table, name)
		if f == nil {
			return
		}
		for _, c := range f.Columns {
			cols = append(cols, c.Name)
		}
	}
	for _, c := range cols {
		if dropped[c] {
			return
		}
	}
	a.report("CD101", table, item{"foreign key", q(name)}, say("{o} of %q {is} dropped: nothing enforces the reference any more", table))
}

// addColumn judges a column added to a table older than the file;
// existing says the table is older than the change too.
func (a *analysis) addColumn(table string, def *pg_query.ColumnDef, existing bool) {
	notNull, hasDefault, unique := false, def.RawDefault != nil, false
	defaultExpr := def.RawDefault
	for _, cn := range def.Constraints {
		c := cn.GetConstraint()
		switch c.GetContype() {
		case pg_query.ConstrType_CONSTR_NOTNULL, pg_query.ConstrType_CONSTR_PRIMARY:
			notNull = true
		case pg_query.ConstrType_CONSTR_DEFAULT:
			hasDefault, defaultExpr = true, c.RawExpr
		case pg_query.ConstrType_CONSTR_IDENTITY, pg_query.ConstrType_CONSTR_GENERATED:
			hasDefault = true
		case pg_query.ConstrType_CONSTR_FOREIGN:
			a.fks[table+"."+c.Conname] = fkInfo{ref: c.GetPktable().GetRelname(), cols: []string{def.Colname}, file: a.f.Name}
		}
		if t := c.GetContype(); t == pg_query.ConstrType_CONSTR_UNIQUE || t == pg_query.ConstrType_CONSTR_PRIMARY {
			unique = true
		}
	}
	c := col(table, def.Colname)
	if notNull && !hasDefault {
		a.report("MF103", "", item{"NOT NULL column", c}, say("{o} {is} added without a default: the statement fails if %q has rows", table))
	}
	// A new unique column holds NULLs, which never collide; a default gives
	// every row the same value.
	if unique && hasDefault && volatileCall(defaultExpr) == "" {
		a.reportFix("MF101", "", item{"unique column", c}, say("{o} {is} added with a default: every row gets the same value, so it fails once %q has two rows", table), mf101Default)
	}
	if f := volatileCall(defaultExpr); f != "" && existing {
		a.report("SC304", "", item{"column", fmt.Sprintf("%s (%s())", c, f)}, say("{o} {is} added with a volatile default: every row is rewritten under an ACCESS EXCLUSIVE lock"))
	}
}

func (a *analysis) alterType(table, column string, def *pg_query.ColumnDef) {
	if def == nil || def.TypeName == nil {
		return
	}
	c := col(table, column)
	to := typeOfName(def.TypeName)
	elem := strings.TrimSuffix(to.name, "[]") // an array's element type
	if a.swapped(elem) {
		a.reportFix("SC303", "swap", item{"column", c},
			say("{o} {is} rewritten to the new enum type %q (type swap): the table is rewritten under an ACCESS EXCLUSIVE lock", elem), enumRemedy)
		return
	}
	from, ok := columnType(a.in.Before, table, column)
	if !ok {
		a.report("SC303", "", item{"column", fmt.Sprintf("%s (to %s)", c, to)}, say("the type of {o} changes: the table is rewritten under an ACCESS EXCLUSIVE lock"))
		return
	}
	narrower, rewrite := compareTypes(from, to)
	if def.RawDefault != nil { // USING expression: always a rewrite
		rewrite = true
	}
	change := item{"column", fmt.Sprintf("%s (%s to %s)", c, from, to)}
	if narrower {
		a.report("SC201", "", change, say("the type of {o} narrows: the statement fails if an existing value does not fit"))
	}
	switch {
	case rewrite && a.toEnum(elem):
		a.reportFix("SC303", "", change, say("the type of {o} changes: the table is rewritten under an ACCESS EXCLUSIVE lock"), enumRemedy)
	case rewrite:
		a.report("SC303", "", change, say("the type of {o} changes: the table is rewritten under an ACCESS EXCLUSIVE lock"))
	}
}

func (a *analysis) addConstraint(table string, c *pg_query.Constraint) {
	if c == nil {
		return
	}
	name := c.Conname
	if name == "" {
		name = "(unnamed)"
	}
	switch c.Contype {
	case pg_query.ConstrType_CONSTR_FOREIGN, pg_query.ConstrType_CONSTR_CHECK:
		kind := "CHECK constraint"
		if c.Contype == pg_query.ConstrType_CONSTR_FOREIGN {
			kind = "foreign key"
			var cols []string
			for _, k := range c.FkAttrs {
				cols = append(cols, k.GetString_().GetSval())
			}
			a.fks[table+"."+c.Conname] = fkInfo{ref: c.GetPktable().GetRelname(), cols: cols, file: a.f.Name}
		}
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
			a.report("SC301", "add", item{kind, q(name)}, say("{o} {is} added to %q without NOT VALID: every row is checked under %s", table, a.lockPhrase()))
		}
	case pg_query.ConstrType_CONSTR_UNIQUE:
		var cols []string
		for _, k := range c.Keys {
			cols = append(cols, k.GetString_().GetSval())
		}
		if a.older(table) && c.Indexname == "" && !a.allAdded(table, cols) {
			a.reportFix("MF101", table, item{"unique constraint", q(name)}, say("{o} {is} added to %q: the statement fails if existing rows have duplicates", table), mf101Constraint(table, cols))
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
