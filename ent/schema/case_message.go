package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// CaseMessage holds the schema definition for the CaseMessage entity.
type CaseMessage struct {
	ent.Schema
}

// Mixin of the CaseMessage.
func (CaseMessage) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the CaseMessage.
func (CaseMessage) Fields() []ent.Field {
	return []ent.Field{
		field.Int("case_id"),
		field.Int("author_id").
			Optional().
			Nillable().
			Comment("The writing user; NULL for assistant/system messages or a deleted user."),
		field.String("role").
			MaxLen(16).
			NotEmpty().
			Comment("user, assistant or system."),
		field.Text("content"),
		field.Int64("tokens").
			NonNegative().
			Default(0),
	}
}

// Edges of the CaseMessage.
func (CaseMessage) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("case", UserCase.Type).
			Ref("messages").
			Field("case_id").
			Unique().
			Required(),
		edge.From("author", User.Type).
			Ref("case_messages").
			Field("author_id").
			Unique(),
	}
}

// Indexes of the CaseMessage.
func (CaseMessage) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("case_id", "created_at"),
	}
}

// Annotations of the CaseMessage.
func (CaseMessage) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.WithComments(true),
		entsql.Checks(map[string]string{
			"case_messages_tokens_nonnegative": "tokens >= 0",
		}),
	}
}
