package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// TokenTransaction holds the schema definition for the TokenTransaction entity.
type TokenTransaction struct {
	ent.Schema
}

// Fields of the TokenTransaction.
func (TokenTransaction) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id"),
		field.Enum("type").
			Values(tokenTransactionType.Values...).
			SchemaType(tokenTransactionType.SchemaType()),
		field.Int64("amount").
			Comment("Signed token delta: positive for credit/refund, negative for debit/expiry."),
		field.Int64("balance_after").
			NonNegative().
			Comment("The user's balance right after this transaction."),
		field.Int("purchase_id").
			Optional().
			Nillable(),
		field.Int("case_id").
			Optional().
			Nillable(),
		// Append-only ledger: created_at only, never updated.
		field.Time("created_at").
			Default(time.Now).
			Immutable(),
	}
}

// Edges of the TokenTransaction.
func (TokenTransaction) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).
			Ref("token_transactions").
			Field("user_id").
			Unique().
			Required(),
		edge.From("purchase", TokenBundlePurchase.Type).
			Ref("token_transactions").
			Field("purchase_id").
			Unique(),
		edge.From("case", UserCase.Type).
			Ref("token_transactions").
			Field("case_id").
			Unique(),
	}
}

// Indexes of the TokenTransaction.
func (TokenTransaction) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("user_id", "created_at"),
		index.Fields("case_id"),
	}
}

// Annotations of the TokenTransaction.
func (TokenTransaction) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.WithComments(true),
		entsql.Checks(map[string]string{
			"token_transactions_balance_after_nonnegative": "balance_after >= 0",
		}),
	}
}
