package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Order belongs to an account.
type Order struct{ ent.Schema }

func (Order) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("total_cents"),
		field.Enum("state").Values("open", "paid", "shipped"),
	}
}

func (Order) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("orders").Unique().Required(),
	}
}
