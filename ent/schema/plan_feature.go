package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// PlanFeature holds the schema definition for the PlanFeature entity.
type PlanFeature struct {
	ent.Schema
}

// Mixin of the PlanFeature.
func (PlanFeature) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the PlanFeature.
func (PlanFeature) Fields() []ent.Field {
	return []ent.Field{
		field.Int("tariff_plan_id"),
		field.String("feature_key").
			MaxLen(64).
			NotEmpty(),
		field.String("value").
			Default(""),
	}
}

// Edges of the PlanFeature.
func (PlanFeature) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("tariff_plan", TariffPlan.Type).
			Ref("features").
			Field("tariff_plan_id").
			Unique().
			Required(),
	}
}

// Indexes of the PlanFeature.
func (PlanFeature) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tariff_plan_id", "feature_key").
			Unique(),
	}
}
