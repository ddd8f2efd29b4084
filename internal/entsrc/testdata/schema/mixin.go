package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
)

// AuditMixin and StampMixin both declare created_at: a field must be
// located in the mixin its schema actually uses.
type AuditMixin struct {
	mixin.Schema
}

// Fields of the AuditMixin.
func (AuditMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at"),
	}
}

// StampMixin is Post's mixin.
type StampMixin struct {
	mixin.Schema
}

// Fields of the StampMixin.
func (StampMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at"),
	}
}
