package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// User reviews supervision requests.
type User struct{ ent.Schema }

func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Unique(),
	}
}

func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("approved_supervision_requests", SupervisionRequestApproval.Type),
		edge.To("watched_supervision_request_approvals", SupervisionRequestApproval.Type),
	}
}
