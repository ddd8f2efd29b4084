// Package realm holds what Ent v0.14 adds: a view, and a table in another
// PostgreSQL schema.
package realm

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// Account is a table of the default schema.
type Account struct{ ent.Schema }

// Fields of the Account.
func (Account) Fields() []ent.Field {
	return []ent.Field{field.String("email").Unique(), field.Bool("active")}
}

// AuditEntry lives in the PostgreSQL schema "audit".
type AuditEntry struct{ ent.Schema }

// Annotations of the AuditEntry.
func (AuditEntry) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Schema("audit")}
}

// Fields of the AuditEntry.
func (AuditEntry) Fields() []ent.Field {
	return []ent.Field{field.String("action"), field.Time("at")}
}

// ActiveAccount is a view of the active accounts.
type ActiveAccount struct{ ent.View }

// Annotations of the ActiveAccount.
func (ActiveAccount) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.View("SELECT id, email FROM accounts WHERE active"),
		entsql.WithComments(true),
	}
}

// Fields of the ActiveAccount.
func (ActiveAccount) Fields() []ent.Field {
	return []ent.Field{field.Int("id"), field.String("email")}
}
