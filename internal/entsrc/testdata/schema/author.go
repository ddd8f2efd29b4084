// Package schema is a small Ent schema for the entsrc tests: it covers what
// the real schemas do not (derived foreign-key columns, an aliased import,
// an explicit id, two mixins declaring the same field).
package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Author has two O2M edges to Post; "drafts" has no inverse edge, so its
// foreign-key column (author_drafts) is declared only here.
type Author struct {
	ent.Schema
}

// Mixin of the Author.
func (Author) Mixin() []ent.Mixin {
	return []ent.Mixin{AuditMixin{}}
}

// Fields of the Author.
func (Author) Fields() []ent.Field {
	return []ent.Field{
		field.String("name"),
	}
}

// Edges of the Author.
func (Author) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("posts", Post.Type),
		edge.To("drafts", Post.Type),
	}
}
