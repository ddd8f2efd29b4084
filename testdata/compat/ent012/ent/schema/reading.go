package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Reading is one sample of a sensor.
type Reading struct{ ent.Schema }

func (Reading) Fields() []ent.Field {
	return []ent.Field{
		field.Uint16("seq"),
		field.Float("value"),
		field.Time("taken_at"),
	}
}

func (Reading) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("sensor", Sensor.Type).Ref("readings").Unique().Required(),
	}
}

func (Reading) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("seq").Edges("sensor").Unique(),
	}
}
