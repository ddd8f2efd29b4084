package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Shipment declares CHECK constraints and a partial index whose
// expressions test a varchar column against an IN list.
type Shipment struct{ ent.Schema }

func (Shipment) Fields() []ent.Field {
	return []ent.Field{
		field.String("carrier"),
		field.String("status").Optional().Nillable(),
		field.Int("weight_grams"),
	}
}

func (Shipment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("carrier").Annotations(entsql.IndexWhere("status IN ('sent', 'delivered')")),
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
