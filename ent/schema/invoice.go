package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Invoice holds the schema definition for the Invoice entity.
type Invoice struct {
	ent.Schema
}

// Mixin of the Invoice.
func (Invoice) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Invoice.
func (Invoice) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		field.Int("subscription_id").
			Optional().
			Nillable(),
		field.String("number").
			MaxLen(64).
			NotEmpty().
			Unique(),
		field.Enum("status").
			Values(invoiceStatus.Values...).
			SchemaType(invoiceStatus.SchemaType()).
			Default("draft"),
		field.String("currency").
			MaxLen(3).
			SchemaType(currencyType).
			Default("USD"),
		field.Int64("subtotal_cents").
			NonNegative().
			Default(0),
		field.Int64("tax_cents").
			NonNegative().
			Default(0),
		field.Int64("total_cents").
			NonNegative().
			Default(0),
		field.Time("issued_at").
			Optional().
			Nillable().
			Comment("NULL while the invoice is a draft."),
		field.Time("due_at").
			Optional().
			Nillable(),
		field.Time("paid_at").
			Optional().
			Nillable(),
	}
}

// Edges of the Invoice.
func (Invoice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).
			Ref("invoices").
			Field("user_id").
			Unique().
			Required(),
		edge.From("subscription", Subscription.Type).
			Ref("invoices").
			Field("subscription_id").
			Unique(),
		edge.To("line_items", InvoiceLineItem.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		// Money received must not vanish with its invoice.
		edge.To("payments", Payment.Type).
			Annotations(entsql.OnDelete(entsql.Restrict)),
		edge.To("token_bundle_purchases", TokenBundlePurchase.Type).
			Annotations(entsql.OnDelete(entsql.SetNull)),
	}
}

// Indexes of the Invoice.
func (Invoice) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id", "issued_at"),
		index.Fields("subscription_id"),
	}
}

// Annotations of the Invoice.
func (Invoice) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.WithComments(true),
		entsql.Checks(map[string]string{
			"invoices_amounts_nonnegative": "subtotal_cents >= 0 AND tax_cents >= 0 AND total_cents >= 0",
		}),
	}
}
