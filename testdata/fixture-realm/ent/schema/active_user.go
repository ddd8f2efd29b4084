package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// ActiveUser is an Ent view (ent.View) over the active users.
type ActiveUser struct{ ent.View }

func (ActiveUser) Fields() []ent.Field {
	return []ent.Field{
		field.Int("id"),
		field.String("email"),
	}
}

func (ActiveUser) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.ViewFor(dialect.Postgres, func(s *sql.Selector) {
			s.Select("id", "email").From(sql.Table("users")).Where(sql.ExprP("status = 'active'"))
		}),
	}
}
