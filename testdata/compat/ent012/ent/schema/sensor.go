package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Sensor is a field device. Its small unsigned fields are the point of this
// fixture: Ent v0.12 stores uint16 as smallint and uint32 as integer, where
// Ent v0.14 uses integer and bigint.
type Sensor struct{ ent.Schema }

func (Sensor) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Unique(),
		field.Uint16("channel"),
		field.Uint32("sample_rate").Default(100),
		field.Int8("gain").Default(0),
	}
}

func (Sensor) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("readings", Reading.Type),
	}
}
