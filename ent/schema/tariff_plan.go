package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// TariffPlan holds the schema definition for the TariffPlan entity.
type TariffPlan struct {
	ent.Schema
}

// Mixin of the TariffPlan.
func (TariffPlan) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the TariffPlan.
func (TariffPlan) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			MaxLen(64).
			NotEmpty().
			Unique(),
		field.String("name").
			MaxLen(200).
			NotEmpty(),
		field.Text("description").
			Default(""),
		field.Int64("price_cents").
			NonNegative(),
		field.String("currency").
			MaxLen(3).
			SchemaType(currencyType).
			Default("USD"),
		field.Enum("billing_period").
			Values(billingPeriod.Values...).
			SchemaType(billingPeriod.SchemaType()).
			Default("monthly"),
		field.Int64("included_tokens").
			NonNegative().
			Default(0).
			Comment("Tokens credited at the start of every billing period."),
		field.Int("trial_days").
			NonNegative().
			Default(0),
		field.Bool("is_active").
			Default(true),
		field.Int("sort_order").
			Default(0),
	}
}

// Edges of the TariffPlan.
func (TariffPlan) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("features", PlanFeature.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		// Add-ons the plan allows; Ent's join table cascades on both sides.
		edge.To("addons", Addon.Type),
		// A plan with subscriptions must be retired (is_active), not deleted.
		edge.To("subscriptions", Subscription.Type).
			Annotations(entsql.OnDelete(entsql.Restrict)),
	}
}

// Annotations of the TariffPlan.
func (TariffPlan) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.WithComments(true),
		entsql.Checks(map[string]string{
			"tariff_plans_price_nonnegative":           "price_cents >= 0",
			"tariff_plans_included_tokens_nonnegative": "included_tokens >= 0",
			"tariff_plans_trial_days_nonnegative":      "trial_days >= 0",
		}),
	}
}
