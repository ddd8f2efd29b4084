package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// UserCase holds the schema definition for the UserCase entity.
type UserCase struct {
	ent.Schema
}

// Mixin of the UserCase.
func (UserCase) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the UserCase.
func (UserCase) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		field.String("title").
			MaxLen(200).
			NotEmpty(),
		field.Text("description").
			Default(""),
		field.Enum("status").
			Values(userCaseStatus.Values...).
			SchemaType(userCaseStatus.SchemaType()).
			Default("draft"),
		field.Int64("tokens_used").
			NonNegative().
			Default(0),
		field.Time("closed_at").
			Optional().
			Nillable(),
	}
}

// Edges of the UserCase.
func (UserCase) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).
			Ref("cases").
			Field("user_id").
			Unique().
			Required(),
		edge.To("messages", CaseMessage.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("attachments", CaseAttachment.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		// Ledger entries keep their amounts when the case is deleted.
		edge.To("token_transactions", TokenTransaction.Type).
			Annotations(entsql.OnDelete(entsql.SetNull)),
	}
}

// Indexes of the UserCase.
func (UserCase) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id", "status"),
	}
}

// Annotations of the UserCase.
func (UserCase) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Checks(map[string]string{
			"user_cases_tokens_used_nonnegative": "tokens_used >= 0",
		}),
	}
}
