// Package schema is a fixture: an Ent v0.12 project's schema with the
// patterns whose SQL depends on the Ent version or that Ent names itself.
package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// User holds the fields whose SQL differs between Ent versions, and enums
// both stored natively and as plain varchar.
type User struct{ ent.Schema }

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("name"),
		// smallint up to Ent v0.13, integer from v0.14.
		field.Uint16("port"),
		// A native enum type.
		field.Enum("status").Values("pending", "active").
			SchemaType(map[string]string{dialect.Postgres: "userstatus"}),
		// Enums stored as VARCHAR(17): plain SQL types, not enum types,
		// though two of them declare different values.
		field.Enum("billing_control").Values("manual", "automatic").
			SchemaType(map[string]string{dialect.Postgres: "VARCHAR(17)"}),
		field.Enum("dispatch_control").Values("queued", "immediate", "held").
			SchemaType(map[string]string{dialect.Postgres: "VARCHAR(17)"}),
	}
}

// Edges of the User: a foreign key whose name is over 63 bytes.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("organisation_membership_with_a_very_long_descriptive_name", Group.Type).Unique(),
	}
}

// Indexes of the User: a name over 63 bytes.
func (User) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("name", "port", "status", "billing_control").
			StorageKey("user_name_port_status_billing_control_with_a_very_long_index_name"),
	}
}
