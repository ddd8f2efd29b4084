package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// TokenBundle holds the schema definition for the TokenBundle entity.
type TokenBundle struct {
	ent.Schema
}

// Mixin of the TokenBundle.
func (TokenBundle) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the TokenBundle.
func (TokenBundle) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			MaxLen(64).
			NotEmpty().
			Unique(),
		field.String("name").
			MaxLen(200).
			NotEmpty(),
		field.Int64("token_amount").
			Positive(),
		field.Int64("price_cents").
			NonNegative(),
		field.String("currency").
			MaxLen(3).
			SchemaType(currencyType).
			Default("USD"),
		field.Bool("is_active").
			Default(true),
	}
}

// Edges of the TokenBundle.
func (TokenBundle) Edges() []ent.Edge {
	return []ent.Edge{
		// Purchases are financial records: retire a bundle (is_active), never delete it.
		edge.To("purchases", TokenBundlePurchase.Type).
			Annotations(entsql.OnDelete(entsql.Restrict)),
	}
}

// Annotations of the TokenBundle.
func (TokenBundle) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Checks(map[string]string{
			"token_bundles_token_amount_positive": "token_amount > 0",
			"token_bundles_price_nonnegative":     "price_cents >= 0",
		}),
	}
}
