package schema

import "entgo.io/ent/dialect"

// currencyType stores ISO 4217 codes as char(3): on PostgreSQL, Ent's
// MaxLen is checked only in Go, not by the column.
var currencyType = map[string]string{dialect.Postgres: "char(3)"}
