package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// UserSession holds the schema definition for the UserSession entity.
type UserSession struct {
	ent.Schema
}

// Mixin of the UserSession.
func (UserSession) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the UserSession.
func (UserSession) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		field.String("refresh_token_hash").
			NotEmpty().
			Unique().
			Sensitive(),
		field.String("user_agent").
			Optional(),
		field.String("ip").
			Optional().
			SchemaType(map[string]string{dialect.Postgres: "inet"}),
		field.Time("expires_at"),
		field.Time("revoked_at").
			Optional().
			Nillable(),
	}
}

// Edges of the UserSession.
func (UserSession) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).
			Ref("sessions").
			Field("user_id").
			Unique().
			Required(),
	}
}

// Indexes of the UserSession.
func (UserSession) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id"),
	}
}
