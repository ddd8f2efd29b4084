package safety

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/ledgerforge/schemactl/internal/sqlparse"
)

// A column dropped from a table the same file adds a column to is most
// often a renamed Ent field that `migrate diff` wrote as a drop and an
// add. DS103's remedy then says how to keep the data: plan the rename
// (diff's --rename), or keep the old column name in the Ent schema
// (StorageKey).

// addedColumns lists the columns each table gains in f (ALTER TABLE … ADD
// COLUMN), in order.
func addedColumns(f *sqlparse.File) map[string][]string {
	added := map[string][]string{}
	for _, s := range f.Stmts {
		at := s.Node.GetAlterTableStmt()
		if at == nil || at.Objtype != pg_query.ObjectType_OBJECT_TABLE {
			continue
		}
		table := at.GetRelation().GetRelname()
		for _, c := range at.Cmds {
			if cmd := c.GetAlterTableCmd(); cmd.GetSubtype() == pg_query.AlterTableType_AT_AddColumn {
				if def := cmd.GetDef().GetColumnDef(); def != nil {
					added[table] = append(added[table], def.Colname)
				}
			}
		}
	}
	return added
}

// renameRemedy is DS103's remedy for the columns a statement drops from
// table when the file adds others to it, or "".
func (a *analysis) renameRemedy(table string, dropped map[string]bool) string {
	var added []string
	for _, c := range a.addedTo[table] {
		if !dropped[c] {
			added = append(added, c)
		}
	}
	if len(added) == 0 {
		return ""
	}
	old, to := "OLD", "NEW"
	if len(dropped) == 1 {
		for c := range dropped {
			old = c
		}
	}
	if len(added) == 1 {
		to = added[0]
	}
	quoted := make([]string, len(added))
	for i, c := range added {
		quoted[i] = q(c)
	}
	return fmt.Sprintf("if the column was renamed (the file adds %s to %q), keep its data: delete the file and run `schemactl migrate diff --rename %s.%s=%s`, "+
		"or keep the old column name in the Ent schema with .StorageKey(%q) on field %q; otherwise %s",
		strings.Join(quoted, ", "), table, table, old, to, old, to, remedy["DS103"])
}
