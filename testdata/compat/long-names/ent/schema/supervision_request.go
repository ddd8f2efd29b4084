package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// SupervisionRequest is approved through SupervisionRequestApproval.
type SupervisionRequest struct{ ent.Schema }

func (SupervisionRequest) Fields() []ent.Field {
	return []ent.Field{
		field.String("subject"),
	}
}

func (SupervisionRequest) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("supervision_request_approvals", SupervisionRequestApproval.Type),
	}
}
