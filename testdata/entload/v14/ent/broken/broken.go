// Package broken does not compile.
package broken

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// Thing has a field of an undefined type.
type Thing struct{ ent.Schema }

// Fields of the Thing.
func (Thing) Fields() []ent.Field {
	return []ent.Field{field.String(undefinedName)}
}
