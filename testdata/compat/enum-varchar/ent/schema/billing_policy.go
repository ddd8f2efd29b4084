package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
)

// BillingPolicy shares the VARCHAR(17) storage with DispatchPolicy for an
// enum with other values, and the native policy_status type with the same
// values.
type BillingPolicy struct{ ent.Schema }

func (BillingPolicy) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").Unique(),
		field.Enum("transfer_criteria").
			Values("ReadyAndCompleted", "Completed", "ReadyToBill").
			Default("ReadyToBill").
			SchemaType(varchar17),
		field.Enum("currency").Values("USD", "EUR", "GBP").Default("USD").SchemaType(char3),
		field.Enum("note_format").Values("plain", "markdown").Default("plain").SchemaType(text),
		field.Enum("status").Values("draft", "active", "retired").Default("draft").SchemaType(policyStatus),
	}
}
