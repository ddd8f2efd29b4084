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

// CaseAttachment holds the schema definition for the CaseAttachment entity.
type CaseAttachment struct {
	ent.Schema
}

// Fields of the CaseAttachment.
func (CaseAttachment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("case_id"),
		field.String("file_name").
			MaxLen(255).
			NotEmpty(),
		field.String("content_type").
			MaxLen(255).
			NotEmpty(),
		field.Int64("size_bytes").
			NonNegative(),
		field.String("storage_key").
			MaxLen(512).
			NotEmpty().
			Unique().
			Comment("Object key in the blob store."),
		field.Time("uploaded_at").
			Default(time.Now).
			Immutable(),
	}
}

// Edges of the CaseAttachment.
func (CaseAttachment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("case", UserCase.Type).
			Ref("attachments").
			Field("case_id").
			Unique().
			Required(),
	}
}

// Indexes of the CaseAttachment.
func (CaseAttachment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("case_id"),
	}
}

// Annotations of the CaseAttachment.
func (CaseAttachment) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.WithComments(true),
		entsql.Checks(map[string]string{
			"case_attachments_size_nonnegative": "size_bytes >= 0",
		}),
	}
}
