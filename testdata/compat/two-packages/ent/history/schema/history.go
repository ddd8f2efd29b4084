// Package schema holds the history tables: an append-only record of every
// change to the main schema's accounts and orders, generated into its own
// Ent client (ent/history) but migrated in the same directory.
package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AccountHistory records one change to an account.
type AccountHistory struct{ ent.Schema }

func (AccountHistory) Fields() []ent.Field {
	return []ent.Field{
		field.Int("ref"),
		field.Time("changed_at").Default(time.Now),
		field.Enum("operation").Values("create", "update", "delete"),
		field.String("email"),
		field.Int64("balance_cents"),
	}
}

func (AccountHistory) Indexes() []ent.Index {
	return []ent.Index{index.Fields("ref", "changed_at")}
}

// OrderHistory records one change to an order.
type OrderHistory struct{ ent.Schema }

func (OrderHistory) Fields() []ent.Field {
	return []ent.Field{
		field.Int("ref"),
		field.Time("changed_at").Default(time.Now),
		field.Enum("operation").Values("create", "update", "delete"),
		field.Int64("total_cents"),
		field.String("state"),
	}
}

func (OrderHistory) Indexes() []ent.Index {
	return []ent.Index{index.Fields("ref", "changed_at")}
}
