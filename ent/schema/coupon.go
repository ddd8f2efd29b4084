package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Coupon holds the schema definition for the Coupon entity.
type Coupon struct {
	ent.Schema
}

// Mixin of the Coupon.
func (Coupon) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Coupon.
func (Coupon) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			MaxLen(64).
			NotEmpty().
			Unique(),
		// Exactly one of percent_off and amount_off_cents is set
		// (CHECK coupons_exactly_one_discount).
		field.Int("percent_off").
			Optional().
			Nillable().
			Range(1, 100),
		field.Int64("amount_off_cents").
			Optional().
			Nillable().
			Positive(),
		field.String("currency").
			MaxLen(3).
			SchemaType(currencyType).
			Default("USD").
			Comment("Currency of amount_off_cents; unused for percentage coupons."),
		field.Time("valid_from").
			Optional().
			Nillable(),
		field.Time("valid_until").
			Optional().
			Nillable(),
		field.Int("max_redemptions").
			Optional().
			Nillable().
			Positive().
			Comment("NULL means unlimited."),
		field.Int("times_redeemed").
			NonNegative().
			Default(0),
	}
}

// Edges of the Coupon.
func (Coupon) Edges() []ent.Edge {
	return []ent.Edge{
		// Redemptions are billing history: a redeemed coupon cannot be deleted.
		edge.To("redemptions", CouponRedemption.Type).
			Annotations(entsql.OnDelete(entsql.Restrict)),
	}
}

// Annotations of the Coupon.
func (Coupon) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.WithComments(true),
		entsql.Checks(map[string]string{
			"coupons_exactly_one_discount":       "(percent_off IS NULL) <> (amount_off_cents IS NULL)",
			"coupons_percent_off_range":          "percent_off BETWEEN 1 AND 100",
			"coupons_amount_off_positive":        "amount_off_cents > 0",
			"coupons_times_redeemed_nonnegative": "times_redeemed >= 0",
			"coupons_valid_window":               "valid_until > valid_from",
		}),
	}
}
