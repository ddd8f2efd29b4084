package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Invoice lives in the "billing" PostgreSQL schema; its foreign key to
// users crosses schemas.
type Invoice struct{ ent.Schema }

func (Invoice) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Schema("billing")}
}

func (Invoice) Fields() []ent.Field {
	return []ent.Field{
		field.String("number").Unique(),
		field.Int64("total_cents"),
		field.Enum("status").Values("draft", "open", "paid"),
	}
}

func (Invoice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("invoices").Unique().Required(),
		edge.To("payments", Payment.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

func (Invoice) Indexes() []ent.Index {
	return []ent.Index{index.Fields("status")}
}
