// Package history is a second schema package of the module, composed with
// ent/schema into one desired state, as projects that keep history tables
// apart do.
package history

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// UserHistory records changes to users.
type UserHistory struct{ ent.Schema }

// Fields of the UserHistory.
func (UserHistory) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		field.String("change"),
		field.Time("at"),
	}
}

// Indexes of the UserHistory.
func (UserHistory) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id", "at")}
}
