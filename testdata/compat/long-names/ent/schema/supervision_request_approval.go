package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// SupervisionRequestApproval has names longer than PostgreSQL's 63 bytes:
// its foreign keys (table_reftable_edge), the join table's foreign keys and
// a composite index. Ent and Atlas shorten those to name[:30]_<md5 of name>.
type SupervisionRequestApproval struct{ ent.Schema }

func (SupervisionRequestApproval) Fields() []ent.Field {
	return []ent.Field{
		field.String("reviewer_comment").Optional(),
		field.String("external_approval_reference_code").Optional().Unique(),
		field.Time("requested_at"),
		field.Time("decided_at").Optional().Nillable(),
	}
}

func (SupervisionRequestApproval) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("approver", User.Type).Ref("approved_supervision_requests").Unique(),
		edge.From("supervision_request", SupervisionRequest.Type).Ref("supervision_request_approvals").Unique().Required(),
		edge.From("watchers", User.Type).Ref("watched_supervision_request_approvals"),
	}
}

func (SupervisionRequestApproval) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("requested_at", "decided_at").Edges("supervision_request").Unique(),
		index.Fields("reviewer_comment", "requested_at", "decided_at"),
	}
}
