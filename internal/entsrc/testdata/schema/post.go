package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	f "entgo.io/ent/schema/field"
	ix "entgo.io/ent/schema/index"
)

// Post uses aliased imports, an explicit id and an edge without .Field().
type Post struct {
	ent.Schema
}

// Mixin of the Post.
func (Post) Mixin() []ent.Mixin {
	return []ent.Mixin{StampMixin{}}
}

// Fields of the Post.
func (Post) Fields() []ent.Field {
	return []ent.Field{
		f.Int("id").Positive(),
		f.String("title"),
	}
}

// Edges of the Post.
func (Post) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("author", Author.Type).Ref("posts").Unique(),
	}
}

// Indexes of the Post.
func (Post) Indexes() []ent.Index {
	return []ent.Index{
		ix.Fields("title").Edges("author"),
	}
}
