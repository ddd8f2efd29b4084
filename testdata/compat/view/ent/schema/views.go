package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// ActiveAccount is a view defined by its SQL text (entsql.View, stored in the annotation's ViewAs).
type ActiveAccount struct{ ent.View }

func (ActiveAccount) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.View("SELECT id, email, balance_cents FROM accounts WHERE active"),
	}
}

func (ActiveAccount) Fields() []ent.Field {
	return []ent.Field{
		field.Int("id"),
		field.String("email"),
		field.Int64("balance_cents"),
	}
}

// AccountContactCount is a view built with Ent's SQL builder
// (entsql.ViewFor), for PostgreSQL, created by a hand-written statement
// without a column list.
type AccountContactCount struct{ ent.View }

func (AccountContactCount) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.ViewFor(dialect.Postgres, func(s *sql.Selector) {
			a, c := sql.Table("accounts"), sql.Table("contacts")
			s.From(a).
				LeftJoin(c).On(a.C("id"), c.C("account_contacts")).
				Select(a.C("id"), a.C("email")).
				AppendSelectAs(sql.Count(c.C("id")), "contacts").
				GroupBy(a.C("id"), a.C("email"))
		}),
	}
}

// Fields are matched to the view's columns by name, not by position: this
// order is not the SELECT's.
func (AccountContactCount) Fields() []ent.Field {
	return []ent.Field{
		field.String("email"),
		field.Int64("contacts"),
		field.Int("id"),
	}
}
