package schema

import "entgo.io/ent/dialect"

// pgEnum is a native PostgreSQL enum type: its type name and its values, in order.
type pgEnum struct {
	Name   string
	Values []string
}

// SchemaType maps the enum field to the native type on PostgreSQL.
func (e pgEnum) SchemaType() map[string]string { return map[string]string{dialect.Postgres: e.Name} }

var (
	userStatus           = pgEnum{Name: "userstatus", Values: []string{"pending_verification", "active", "suspended", "deleted"}}
	userRole             = pgEnum{Name: "userrole", Values: []string{"user", "support", "admin"}}
	billingPeriod        = pgEnum{Name: "billingperiod", Values: []string{"monthly", "quarterly", "yearly"}}
	subscriptionStatus   = pgEnum{Name: "subscriptionstatus", Values: []string{"trialing", "active", "past_due", "canceled", "expired"}}
	invoiceStatus        = pgEnum{Name: "invoicestatus", Values: []string{"draft", "open", "paid", "void", "uncollectible"}}
	lineItemType         = pgEnum{Name: "lineitemtype", Values: []string{"subscription", "addon", "token_bundle", "usage", "discount", "tax", "adjustment"}}
	paymentStatus        = pgEnum{Name: "paymentstatus", Values: []string{"pending", "succeeded", "failed", "refunded"}}
	purchaseStatus       = pgEnum{Name: "purchasestatus", Values: []string{"pending", "completed", "failed", "refunded"}}
	tokenTransactionType = pgEnum{Name: "tokentransactiontype", Values: []string{"credit", "debit", "refund", "expiry", "adjustment"}}
	userCaseStatus       = pgEnum{Name: "usercasestatus", Values: []string{"draft", "open", "in_progress", "resolved", "closed", "archived"}}
)
