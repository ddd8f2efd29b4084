// Package dup declares the table "users" again: composing it with
// ent/schema is an error.
package dup

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// User is another users table.
type User struct{ ent.Schema }

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{field.String("email")}
}
