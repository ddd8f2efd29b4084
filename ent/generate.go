// Package ent holds the code generated from ./schema; only this file is hand-written.
package ent

//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate --feature sql/versioned-migration,sql/upsert,sql/lock,sql/modifier,sql/execquery,schema/snapshot ./schema
