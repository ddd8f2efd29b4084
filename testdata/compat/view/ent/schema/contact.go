package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Contact is a person at an account.
type Contact struct{ ent.Schema }

func (Contact) Fields() []ent.Field {
	return []ent.Field{
		field.String("name"),
	}
}

func (Contact) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("contacts").Unique(),
	}
}
