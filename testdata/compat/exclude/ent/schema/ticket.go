package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Ticket is a support request.
type Ticket struct{ ent.Schema }

func (Ticket) Fields() []ent.Field {
	return []ent.Field{
		field.String("subject"),
		field.Enum("priority").Values("low", "normal", "high").Default("normal"),
	}
}

func (Ticket) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("requester", User.Type).Ref("tickets").Unique(),
	}
}
