// Package citext is a schema package whose field uses an extension's type,
// as projects with case-insensitive e-mail addresses write it: Ent cannot
// create the extension, the migrations or the dev database's baseline do.
package citext

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema/field"
)

// Account signs in by e-mail, whatever its case.
type Account struct{ ent.Schema }

// Fields of the Account.
func (Account) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Unique().
			SchemaType(map[string]string{dialect.Postgres: "citext"}),
		field.String("name"),
	}
}
