package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Addon holds the schema definition for the Addon entity.
type Addon struct {
	ent.Schema
}

// Mixin of the Addon.
func (Addon) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the Addon.
func (Addon) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			MaxLen(64).
			NotEmpty().
			Unique(),
		field.String("name").
			MaxLen(200).
			NotEmpty(),
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
	}
}

// Edges of the Addon.
func (Addon) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("tariff_plans", TariffPlan.Type).
			Ref("addons"),
		// An add-on that was ever subscribed to cannot be deleted.
		edge.To("addon_subscriptions", AddonSubscription.Type).
			Annotations(entsql.OnDelete(entsql.Restrict)),
	}
}

// Annotations of the Addon.
func (Addon) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Checks(map[string]string{
			"addons_price_nonnegative": "price_cents >= 0",
		}),
	}
}
