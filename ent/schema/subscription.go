package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Subscription holds the schema definition for the Subscription entity.
type Subscription struct {
	ent.Schema
}

// Mixin of the Subscription.
func (Subscription) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Subscription.
func (Subscription) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		field.Int("tariff_plan_id"),
		field.Enum("status").
			Values(subscriptionStatus.Values...).
			SchemaType(subscriptionStatus.SchemaType()),
		field.Time("current_period_start"),
		field.Time("current_period_end"),
		field.Time("trial_ends_at").
			Optional().
			Nillable(),
		field.Bool("cancel_at_period_end").
			Default(false),
		field.Time("canceled_at").
			Optional().
			Nillable(),
		field.String("provider_subscription_id").
			MaxLen(255).
			Optional().
			Nillable().
			Comment("Subscription id at the payment provider; NULL until synced."),
	}
}

// Edges of the Subscription.
func (Subscription) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).
			Ref("subscriptions").
			Field("user_id").
			Unique().
			Required(),
		edge.From("tariff_plan", TariffPlan.Type).
			Ref("subscriptions").
			Field("tariff_plan_id").
			Unique().
			Required(),
		edge.To("addon_subscriptions", AddonSubscription.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		// Invoices and redemptions keep their history when a subscription goes.
		edge.To("invoices", Invoice.Type).
			Annotations(entsql.OnDelete(entsql.SetNull)),
		edge.To("coupon_redemptions", CouponRedemption.Type).
			Annotations(entsql.OnDelete(entsql.SetNull)),
	}
}

// Indexes of the Subscription.
func (Subscription) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id"),
		// At most one live subscription per user.
		index.Fields("user_id").
			Unique().
			Annotations(entsql.IndexWhere("status IN ('trialing', 'active', 'past_due')")).
			StorageKey("subscriptions_user_id_live_key"),
		// Unique when present: a partial index makes the NULL case explicit.
		index.Fields("provider_subscription_id").
			Unique().
			Annotations(entsql.IndexWhere("provider_subscription_id IS NOT NULL")).
			StorageKey("subscriptions_provider_subscription_id_key"),
	}
}

// Annotations of the Subscription.
func (Subscription) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.WithComments(true),
		entsql.Checks(map[string]string{
			"subscriptions_period_order": "current_period_end > current_period_start",
		}),
	}
}
