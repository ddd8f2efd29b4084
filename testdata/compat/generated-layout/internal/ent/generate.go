// Package ent holds the Ent schemas (schema/) and the code Ent generates
// from them (generated/), with the schema snapshot the staleness check reads.
package ent

//go:generate go tool ent generate --feature sql/versioned-migration,schema/snapshot --target ./generated ./schema
