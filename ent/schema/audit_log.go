package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AuditLog holds the schema definition for the AuditLog entity.
type AuditLog struct {
	ent.Schema
}

// Fields of the AuditLog.
func (AuditLog) Fields() []ent.Field {
	return []ent.Field{
		field.Int("actor_id").
			Optional().
			Nillable().
			Comment("Acting user; NULL for system actions or a deleted user."),
		field.String("action").
			MaxLen(100).
			NotEmpty(),
		field.String("entity_type").
			MaxLen(100).
			NotEmpty(),
		field.String("entity_id").
			MaxLen(64).
			NotEmpty().
			Comment("Primary key of the affected row, as text."),
		field.JSON("metadata", map[string]any{}).
			Optional(),
		field.String("ip").
			Optional().
			SchemaType(map[string]string{dialect.Postgres: "inet"}),
		// Append-only: created_at only, never updated.
		field.Time("created_at").
			Default(time.Now).
			Immutable(),
	}
}

// Edges of the AuditLog.
func (AuditLog) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("actor", User.Type).
			Ref("audit_logs").
			Field("actor_id").
			Unique(),
	}
}

// Indexes of the AuditLog.
func (AuditLog) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("entity_type", "entity_id"),
		index.Fields("actor_id"),
	}
}

// Annotations of the AuditLog.
func (AuditLog) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.WithComments(true),
	}
}
