package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Author writes books (a many-to-many edge: a join table).
type Author struct{ ent.Schema }

func (Author) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty(),
		field.Uint16("born").Optional().Nillable(),
	}
}

func (Author) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("books", Book.Type).Ref("authors"),
	}
}

func (Author) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField()}
}
