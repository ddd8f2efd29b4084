package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Payment holds the schema definition for the Payment entity.
type Payment struct {
	ent.Schema
}

// Mixin of the Payment.
func (Payment) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Payment.
func (Payment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("invoice_id"),
		field.Int64("amount_cents").
			Positive(),
		field.String("currency").
			MaxLen(3).
			SchemaType(currencyType).
			Default("USD"),
		field.Enum("status").
			Values(paymentStatus.Values...).
			SchemaType(paymentStatus.SchemaType()).
			Default("pending"),
		field.String("provider").
			MaxLen(32).
			NotEmpty(),
		field.String("provider_payment_id").
			MaxLen(255).
			NotEmpty().
			Unique(),
		field.Text("failure_reason").
			Optional().
			Nillable(),
		field.Time("paid_at").
			Optional().
			Nillable(),
	}
}

// Edges of the Payment.
func (Payment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("invoice", Invoice.Type).
			Ref("payments").
			Field("invoice_id").
			Unique().
			Required(),
	}
}

// Indexes of the Payment.
func (Payment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("invoice_id"),
	}
}

// Annotations of the Payment.
func (Payment) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Checks(map[string]string{
			"payments_amount_positive": "amount_cents > 0",
		}),
	}
}
