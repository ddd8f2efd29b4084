package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema/field"
)

// Group is what users belong to.
type Group struct{ ent.Schema }

// Fields of the Group: the native enum type again, with the same values.
func (Group) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Unique(),
		field.Enum("status").Values("pending", "active").
			SchemaType(map[string]string{dialect.Postgres: "userstatus"}),
	}
}
