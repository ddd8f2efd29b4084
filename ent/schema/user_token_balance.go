package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// UserTokenBalance holds the schema definition for the UserTokenBalance entity.
type UserTokenBalance struct {
	ent.Schema
}

// Mixin of the UserTokenBalance.
func (UserTokenBalance) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the UserTokenBalance.
func (UserTokenBalance) Fields() []ent.Field {
	return []ent.Field{
		// One row per user: the O2O edge makes user_id unique.
		field.Int("user_id"),
		field.Int64("balance").
			NonNegative().
			Default(0),
	}
}

// Edges of the UserTokenBalance.
func (UserTokenBalance) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).
			Ref("token_balance").
			Field("user_id").
			Unique().
			Required(),
	}
}

// Annotations of the UserTokenBalance.
func (UserTokenBalance) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Checks(map[string]string{
			"user_token_balances_balance_nonnegative": "balance >= 0",
		}),
	}
}
