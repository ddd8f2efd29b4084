package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// CouponRedemption holds the schema definition for the CouponRedemption entity.
type CouponRedemption struct {
	ent.Schema
}

// Fields of the CouponRedemption.
func (CouponRedemption) Fields() []ent.Field {
	return []ent.Field{
		field.Int("coupon_id"),
		field.Int("user_id"),
		field.Int("subscription_id").
			Optional().
			Nillable(),
		field.Time("redeemed_at").
			Default(time.Now).
			Immutable(),
	}
}

// Edges of the CouponRedemption.
func (CouponRedemption) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("coupon", Coupon.Type).
			Ref("redemptions").
			Field("coupon_id").
			Unique().
			Required(),
		edge.From("user", User.Type).
			Ref("coupon_redemptions").
			Field("user_id").
			Unique().
			Required(),
		edge.From("subscription", Subscription.Type).
			Ref("coupon_redemptions").
			Field("subscription_id").
			Unique(),
	}
}

// Indexes of the CouponRedemption.
func (CouponRedemption) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("coupon_id", "user_id").
			Unique(),
		index.Fields("user_id"),
	}
}
