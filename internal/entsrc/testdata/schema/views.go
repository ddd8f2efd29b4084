package schema

import (
	"entgo.io/ent"
	sqlann "entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// PostTitle is a view defined with entsql.View, imported under an alias.
type PostTitle struct{ ent.View }

func (PostTitle) Fields() []ent.Field {
	return []ent.Field{field.Int("id"), field.String("title")}
}

func (PostTitle) Annotations() []schema.Annotation {
	return []schema.Annotation{
		sqlann.View("SELECT id, title FROM posts"),
	}
}

// Draft is a view Ent does not define (another tool creates it).
type Draft struct{ ent.View }

func (Draft) Fields() []ent.Field {
	return []ent.Field{field.Int("id")}
}
