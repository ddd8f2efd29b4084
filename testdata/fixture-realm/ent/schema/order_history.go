package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// OrderHistory is kept in a schema of its own, as audit trails often are:
// its foreign key crosses from history to public.
type OrderHistory struct{ ent.Schema }

func (OrderHistory) Fields() []ent.Field {
	return []ent.Field{
		field.Int("order_id"),
		field.Int("total"),
		field.Time("recorded_at"),
	}
}

func (OrderHistory) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("order", Order.Type).Ref("history").Field("order_id").Unique().Required(),
	}
}

func (OrderHistory) Indexes() []ent.Index {
	return []ent.Index{index.Fields("order_id", "recorded_at")}
}

func (OrderHistory) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Schema("history")}
}
