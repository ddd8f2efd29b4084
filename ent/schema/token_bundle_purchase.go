package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// TokenBundlePurchase holds the schema definition for the TokenBundlePurchase entity.
type TokenBundlePurchase struct {
	ent.Schema
}

// Mixin of the TokenBundlePurchase.
func (TokenBundlePurchase) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the TokenBundlePurchase.
func (TokenBundlePurchase) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		field.Int("token_bundle_id"),
		field.Int("invoice_id").
			Optional().
			Nillable(),
		field.Enum("status").
			Values(purchaseStatus.Values...).
			SchemaType(purchaseStatus.SchemaType()).
			Default("pending"),
		// tokens and price are copied from the bundle at purchase time, so
		// later catalog changes do not rewrite history.
		field.Int64("tokens").
			Positive(),
		field.Int64("price_cents").
			NonNegative(),
		field.String("currency").
			MaxLen(3).
			SchemaType(currencyType).
			Default("USD"),
		field.Time("purchased_at").
			Optional().
			Nillable().
			Comment("Set when the purchase completes."),
	}
}

// Edges of the TokenBundlePurchase.
func (TokenBundlePurchase) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).
			Ref("token_bundle_purchases").
			Field("user_id").
			Unique().
			Required(),
		edge.From("token_bundle", TokenBundle.Type).
			Ref("purchases").
			Field("token_bundle_id").
			Unique().
			Required(),
		edge.From("invoice", Invoice.Type).
			Ref("token_bundle_purchases").
			Field("invoice_id").
			Unique(),
		// The ledger keeps its entries if a purchase row is removed.
		edge.To("token_transactions", TokenTransaction.Type).
			Annotations(entsql.OnDelete(entsql.SetNull)),
	}
}

// Indexes of the TokenBundlePurchase.
func (TokenBundlePurchase) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id"),
	}
}

// Annotations of the TokenBundlePurchase.
func (TokenBundlePurchase) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.WithComments(true),
		entsql.Checks(map[string]string{
			"token_bundle_purchases_tokens_positive":   "tokens > 0",
			"token_bundle_purchases_price_nonnegative": "price_cents >= 0",
		}),
	}
}
