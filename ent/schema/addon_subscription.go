package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AddonSubscription holds the schema definition for the AddonSubscription entity.
type AddonSubscription struct {
	ent.Schema
}

// Mixin of the AddonSubscription.
func (AddonSubscription) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the AddonSubscription.
func (AddonSubscription) Fields() []ent.Field {
	return []ent.Field{
		field.Int("subscription_id"),
		field.Int("addon_id"),
		field.Enum("status").
			Values(subscriptionStatus.Values...).
			SchemaType(subscriptionStatus.SchemaType()).
			Default("active"),
		field.Int("quantity").
			Positive().
			Default(1),
		field.Time("started_at").
			Default(time.Now),
		field.Time("ended_at").
			Optional().
			Nillable(),
	}
}

// Edges of the AddonSubscription.
func (AddonSubscription) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("subscription", Subscription.Type).
			Ref("addon_subscriptions").
			Field("subscription_id").
			Unique().
			Required(),
		edge.From("addon", Addon.Type).
			Ref("addon_subscriptions").
			Field("addon_id").
			Unique().
			Required(),
	}
}

// Indexes of the AddonSubscription.
func (AddonSubscription) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("subscription_id", "addon_id").
			Unique(),
	}
}

// Annotations of the AddonSubscription.
func (AddonSubscription) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Checks(map[string]string{
			"addon_subscriptions_quantity_positive": "quantity > 0",
		}),
	}
}
