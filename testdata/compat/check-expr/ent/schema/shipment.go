package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// Shipment has CHECK constraints as Ent declares them. The migration holds
// them as Atlas writes them: the expressions PostgreSQL returns after
// creating them on the dev database. For an IN list on a varchar column
// that text does not come back unchanged when it is replayed.
type Shipment struct{ ent.Schema }

func (Shipment) Fields() []ent.Field {
	return []ent.Field{
		field.String("carrier"),
		field.String("status").Optional().Nillable(),
		field.Int("weight_grams"),
	}
}

func (Shipment) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.Checks(map[string]string{
			"status_known":    "status IS NULL OR status IN ('pending', 'sent', 'delivered')",
			"weight_positive": "weight_grams > 0",
		}),
	}
}
