package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// OpenShipment is an Ent view over the shipments still on their way.
type OpenShipment struct{ ent.View }

func (OpenShipment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("id"),
		field.String("carrier"),
	}
}

func (OpenShipment) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.View("SELECT id, carrier FROM shipments WHERE status IN ('pending', 'sent')"),
	}
}
