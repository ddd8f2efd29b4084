package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Payment lives in "billing" beside its invoice.
type Payment struct{ ent.Schema }

func (Payment) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Schema("billing")}
}

func (Payment) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("amount_cents"),
	}
}

func (Payment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("invoice", Invoice.Type).Ref("payments").Unique().Required(),
	}
}
