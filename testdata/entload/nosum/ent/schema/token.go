// Package schema imports a module that go.sum has no entry for.
package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"github.com/google/uuid"
)

// Token has a UUID key.
type Token struct{ ent.Schema }

// Fields of the Token.
func (Token) Fields() []ent.Field {
	return []ent.Field{field.UUID("id", uuid.UUID{}).Default(uuid.New)}
}
