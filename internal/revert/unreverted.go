package revert

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// The down is the difference between two inspected schemas, so it reverts
// only what the inspection reads: tables, columns, defaults, identity,
// indexes, constraints, enum types, views, functions, triggers,
// extensions, schemas and comments. A reverted file's statement that
// changes anything else (a grant, a policy, row security, a sequence,
// storage parameters, a domain) would stay, while the output said the file
// was reverted and its next apply then failed on it ("policy … already
// exists"). Such statements are listed, and refuse without --force, as
// data changes do.

// unreverted names the kind of a statement the down does not revert, ""
// for one it does (or that changes no schema: SET, SELECT, DO, LOCK...).
func unreverted(n *pg_query.Node) string {
	switch s := n.Node.(type) {
	case *pg_query.Node_CreateStmt, *pg_query.Node_IndexStmt, *pg_query.Node_RenameStmt,
		*pg_query.Node_CreateEnumStmt, *pg_query.Node_AlterEnumStmt, *pg_query.Node_ViewStmt,
		*pg_query.Node_CreateFunctionStmt, *pg_query.Node_AlterFunctionStmt, *pg_query.Node_CreateTrigStmt,
		*pg_query.Node_CreateExtensionStmt, *pg_query.Node_CreateSchemaStmt, *pg_query.Node_CommentStmt,
		*pg_query.Node_AlterObjectSchemaStmt,
		*pg_query.Node_DoStmt, *pg_query.Node_CallStmt, *pg_query.Node_VariableSetStmt, *pg_query.Node_SelectStmt,
		*pg_query.Node_TransactionStmt, *pg_query.Node_LockStmt, *pg_query.Node_NotifyStmt,
		*pg_query.Node_VacuumStmt, *pg_query.Node_ReindexStmt, *pg_query.Node_ConstraintsSetStmt,
		*pg_query.Node_InsertStmt, *pg_query.Node_UpdateStmt, *pg_query.Node_DeleteStmt,
		*pg_query.Node_MergeStmt, *pg_query.Node_TruncateStmt, *pg_query.Node_CopyStmt: // scan's rows
		return ""
	case *pg_query.Node_CreateTableAsStmt:
		if s.CreateTableAsStmt.Objtype == pg_query.ObjectType_OBJECT_MATVIEW {
			return "CREATE MATERIALIZED VIEW"
		}
		return "" // a table, and its rows are checked
	case *pg_query.Node_AlterTableStmt:
		return alterTable(s.AlterTableStmt)
	case *pg_query.Node_DropStmt:
		switch s.DropStmt.RemoveType {
		case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_INDEX, pg_query.ObjectType_OBJECT_TYPE,
			pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_FUNCTION, pg_query.ObjectType_OBJECT_TRIGGER,
			pg_query.ObjectType_OBJECT_SCHEMA, pg_query.ObjectType_OBJECT_EXTENSION:
			return ""
		}
		return "DROP " + objectName(s.DropStmt.RemoveType)
	case *pg_query.Node_GrantStmt:
		if s.GrantStmt.IsGrant {
			return "GRANT"
		}
		return "REVOKE"
	}
	name := fmt.Sprintf("%T", n.Node)
	name = strings.TrimSuffix(strings.TrimPrefix(name, "*pg_query.Node_"), "Stmt")
	if w, ok := words[name]; ok {
		return w
	}
	return name + " statement"
}

// words are the statements most often met, as SQL names them.
var words = map[string]string{
	"GrantRole": "GRANT role", "AlterDefaultPrivileges": "ALTER DEFAULT PRIVILEGES",
	"CreatePolicy": "CREATE POLICY", "AlterPolicy": "ALTER POLICY",
	"CreateSeq": "CREATE SEQUENCE", "AlterSeq": "ALTER SEQUENCE",
	"CreateRole": "CREATE ROLE", "AlterRole": "ALTER ROLE", "AlterOwner": "ALTER … OWNER TO",
	"CreateDomain": "CREATE DOMAIN", "AlterDomain": "ALTER DOMAIN", "CompositeType": "CREATE TYPE … AS",
	"CreateRange": "CREATE TYPE … AS RANGE", "Define": "CREATE AGGREGATE/OPERATOR/COLLATION",
	"Rule": "CREATE RULE", "CreateStats": "CREATE STATISTICS", "AlterExtension": "ALTER EXTENSION",
	"CreatePublication": "CREATE PUBLICATION", "CreateCast": "CREATE CAST", "SecLabel": "SECURITY LABEL",
	"RefreshMatView": "REFRESH MATERIALIZED VIEW", "CreateForeignTable": "CREATE FOREIGN TABLE",
	"CreateEventTrig": "CREATE EVENT TRIGGER", "AlterDatabaseSet": "ALTER DATABASE … SET",
}

// alterTableReverted are the ALTER TABLE commands whose result the
// inspection reads.
var alterTableReverted = map[pg_query.AlterTableType]bool{
	pg_query.AlterTableType_AT_AddColumn: true, pg_query.AlterTableType_AT_DropColumn: true,
	pg_query.AlterTableType_AT_AlterColumnType: true, pg_query.AlterTableType_AT_ColumnDefault: true,
	pg_query.AlterTableType_AT_SetNotNull: true, pg_query.AlterTableType_AT_DropNotNull: true,
	pg_query.AlterTableType_AT_AddConstraint: true, pg_query.AlterTableType_AT_DropConstraint: true,
	pg_query.AlterTableType_AT_ValidateConstraint: true, pg_query.AlterTableType_AT_AddIdentity: true,
	pg_query.AlterTableType_AT_DropIdentity: true, pg_query.AlterTableType_AT_SetIdentity: true,
	pg_query.AlterTableType_AT_AddIndex: true, pg_query.AlterTableType_AT_AddIndexConstraint: true,
	pg_query.AlterTableType_AT_DropExpression: true, pg_query.AlterTableType_AT_SetExpression: true,
}

// alterWords are the ALTER TABLE commands most often met, as SQL names
// them.
var alterWords = map[pg_query.AlterTableType]string{
	pg_query.AlterTableType_AT_SetRelOptions: "SET (storage parameters)", pg_query.AlterTableType_AT_ResetRelOptions: "RESET (storage parameters)",
	pg_query.AlterTableType_AT_EnableRowSecurity: "ENABLE ROW LEVEL SECURITY", pg_query.AlterTableType_AT_DisableRowSecurity: "DISABLE ROW LEVEL SECURITY",
	pg_query.AlterTableType_AT_ForceRowSecurity: "FORCE ROW LEVEL SECURITY", pg_query.AlterTableType_AT_ReplicaIdentity: "REPLICA IDENTITY",
	pg_query.AlterTableType_AT_SetStatistics: "SET STATISTICS", pg_query.AlterTableType_AT_SetStorage: "SET STORAGE",
	pg_query.AlterTableType_AT_ChangeOwner: "OWNER TO", pg_query.AlterTableType_AT_EnableTrig: "ENABLE TRIGGER",
	pg_query.AlterTableType_AT_DisableTrig: "DISABLE TRIGGER", pg_query.AlterTableType_AT_SetLogged: "SET LOGGED",
	pg_query.AlterTableType_AT_SetUnLogged: "SET UNLOGGED", pg_query.AlterTableType_AT_AttachPartition: "ATTACH PARTITION",
	pg_query.AlterTableType_AT_DetachPartition: "DETACH PARTITION", pg_query.AlterTableType_AT_SetTableSpace: "SET TABLESPACE",
}

// alterTable names the first command of an ALTER TABLE the down does not
// revert.
func alterTable(a *pg_query.AlterTableStmt) string {
	for _, c := range a.Cmds {
		cmd := c.GetAlterTableCmd()
		if cmd == nil || alterTableReverted[cmd.Subtype] {
			continue
		}
		what, ok := alterWords[cmd.Subtype]
		if !ok {
			what = strings.TrimPrefix(cmd.Subtype.String(), "AT_")
		}
		return fmt.Sprintf("ALTER %s … %s", objectName(a.Objtype), what)
	}
	return ""
}

func objectName(t pg_query.ObjectType) string {
	return strings.ReplaceAll(strings.TrimPrefix(t.String(), "OBJECT_"), "_", " ")
}
