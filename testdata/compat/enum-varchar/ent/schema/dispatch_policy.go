package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// DispatchPolicy has a VARCHAR(17) enum whose values differ from
// BillingPolicy's, a plain Ent enum (varchar) and the shared native type.
type DispatchPolicy struct{ ent.Schema }

func (DispatchPolicy) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Unique(),
		field.Enum("incident_scope").
			Values("Never", "Pickup", "Delivery", "PickupAndDelivery").
			Default("Never").
			SchemaType(varchar17),
		field.Enum("mode").Values("manual", "auto"),
		field.Enum("status").Values("draft", "active", "retired").Default("draft").SchemaType(policyStatus),
	}
}
