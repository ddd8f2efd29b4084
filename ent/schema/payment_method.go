package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// PaymentMethod holds the schema definition for the PaymentMethod entity.
type PaymentMethod struct {
	ent.Schema
}

// Mixin of the PaymentMethod.
func (PaymentMethod) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the PaymentMethod.
func (PaymentMethod) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		field.String("provider").
			MaxLen(32).
			NotEmpty(),
		field.String("provider_method_id").
			MaxLen(255).
			NotEmpty().
			Unique(),
		field.String("brand").
			MaxLen(32).
			Optional(),
		field.String("last4").
			MaxLen(4).
			Optional(),
		field.Int("exp_month").
			Optional().
			Nillable().
			Range(1, 12),
		field.Int("exp_year").
			Optional().
			Nillable(),
		field.Bool("is_default").
			Default(false),
	}
}

// Edges of the PaymentMethod.
func (PaymentMethod) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).
			Ref("payment_methods").
			Field("user_id").
			Unique().
			Required(),
	}
}

// Indexes of the PaymentMethod.
func (PaymentMethod) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id"),
		// At most one default payment method per user.
		index.Fields("user_id").
			Unique().
			Annotations(entsql.IndexWhere("is_default")).
			StorageKey("payment_methods_user_id_default_key"),
	}
}

// Annotations of the PaymentMethod.
func (PaymentMethod) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Checks(map[string]string{
			"payment_methods_last4_length":    "char_length(last4) = 4",
			"payment_methods_exp_month_range": "exp_month BETWEEN 1 AND 12",
		}),
	}
}
