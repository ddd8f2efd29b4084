package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// User holds the schema definition for the User entity.
type User struct {
	ent.Schema
}

// Mixin of the User.
func (User) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		// Case-insensitive uniqueness without citext or an expression index:
		// the application lower-cases the address, the users_email_lowercase
		// CHECK guarantees it, and the plain unique index then covers all cases.
		field.String("email").
			MaxLen(254).
			NotEmpty().
			Unique().
			Comment("Always stored lower-cased (CHECK users_email_lowercase)."),
		field.String("password_hash").
			NotEmpty().
			Sensitive(),
		field.String("full_name").
			MaxLen(200).
			Default(""),
		field.Enum("status").
			Values(userStatus.Values...).
			SchemaType(userStatus.SchemaType()).
			Default("pending_verification"),
		field.Enum("role").
			Values(userRole.Values...).
			SchemaType(userRole.SchemaType()).
			Default("user"),
		field.Time("last_login_at").
			Optional().
			Nillable(),
	}
}

// Edges of the User.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		// Credentials and tokens are owned by the user.
		edge.To("sessions", UserSession.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("api_keys", APIKey.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("email_verifications", EmailVerification.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("password_resets", PasswordReset.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("payment_methods", PaymentMethod.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("token_balance", UserTokenBalance.Type).
			Unique().
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("cases", UserCase.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
		// Financial history must survive: a user with billing records cannot
		// be hard-deleted (set status "deleted" instead).
		edge.To("subscriptions", Subscription.Type).
			Annotations(entsql.OnDelete(entsql.Restrict)),
		edge.To("invoices", Invoice.Type).
			Annotations(entsql.OnDelete(entsql.Restrict)),
		edge.To("coupon_redemptions", CouponRedemption.Type).
			Annotations(entsql.OnDelete(entsql.Restrict)),
		edge.To("token_bundle_purchases", TokenBundlePurchase.Type).
			Annotations(entsql.OnDelete(entsql.Restrict)),
		edge.To("token_transactions", TokenTransaction.Type).
			Annotations(entsql.OnDelete(entsql.Restrict)),
		// Authored messages and audit entries outlive their author.
		edge.To("case_messages", CaseMessage.Type).
			Annotations(entsql.OnDelete(entsql.SetNull)),
		edge.To("audit_logs", AuditLog.Type).
			Annotations(entsql.OnDelete(entsql.SetNull)),
	}
}

// Annotations of the User.
func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entsql.WithComments(true),
		entsql.Checks(map[string]string{
			"users_email_lowercase": "email = lower(email)",
		}),
	}
}
