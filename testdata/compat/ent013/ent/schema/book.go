package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Book has the small integer fields whose column types changed between
// Ent v0.13 (uint16: smallint) and v0.14 (uint16: integer).
type Book struct{ ent.Schema }

func (Book) Fields() []ent.Field {
	return []ent.Field{
		field.String("title"),
		field.Uint16("pages"),
		field.Uint8("edition").Default(1),
		field.Uint32("word_count").Optional(),
	}
}

func (Book) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("authors", Author.Type),
	}
}

func (Book) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
