package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Transaction moves money in or out of an account. Its annotation map is
// where Ent's generator records the increment start in the snapshot.
type Transaction struct{ ent.Schema }

func (Transaction) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.WithComments(true)}
}

func (Transaction) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("amount_cents"),
		field.Time("booked_at"),
	}
}

func (Transaction) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("transactions").Unique().Required(),
	}
}
