package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// InvoiceLineItem holds the schema definition for the InvoiceLineItem entity.
type InvoiceLineItem struct {
	ent.Schema
}

// Mixin of the InvoiceLineItem.
func (InvoiceLineItem) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the InvoiceLineItem.
func (InvoiceLineItem) Fields() []ent.Field {
	return []ent.Field{
		field.Int("invoice_id"),
		field.Enum("type").
			Values(lineItemType.Values...).
			SchemaType(lineItemType.SchemaType()),
		field.String("description").
			Default(""),
		field.Int64("quantity").
			Default(1),
		field.Int64("unit_price_cents").
			Comment("Signed: negative for discount and credit lines."),
		field.Int64("amount_cents").
			Comment("Signed line total, normally quantity * unit_price_cents."),
		field.Time("period_start").
			Optional().
			Nillable(),
		field.Time("period_end").
			Optional().
			Nillable(),
	}
}

// Edges of the InvoiceLineItem.
func (InvoiceLineItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("invoice", Invoice.Type).
			Ref("line_items").
			Field("invoice_id").
			Unique().
			Required(),
	}
}

// Indexes of the InvoiceLineItem.
func (InvoiceLineItem) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("invoice_id"),
	}
}

// Annotations of the InvoiceLineItem.
func (InvoiceLineItem) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.WithComments(true),
	}
}
