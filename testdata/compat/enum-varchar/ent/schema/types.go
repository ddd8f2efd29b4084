package schema

import "entgo.io/ent/dialect"

// Column types given through SchemaType. Only policyStatus names a native
// enum type (created by a migration); the others are built-in PostgreSQL
// types, so those enum fields are stored as plain text columns.
var (
	varchar17    = map[string]string{dialect.Postgres: "VARCHAR(17)"}
	char3        = map[string]string{dialect.Postgres: "char(3)"}
	text         = map[string]string{dialect.Postgres: "text"}
	policyStatus = map[string]string{dialect.Postgres: "policy_status"}
)
