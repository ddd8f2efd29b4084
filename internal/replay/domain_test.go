package replay_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/devdb"
	"github.com/ledgerforge/schemactl/internal/devdb/devdbtest"
	"github.com/ledgerforge/schemactl/internal/migdir"
	"github.com/ledgerforge/schemactl/internal/pgdb"
	"github.com/ledgerforge/schemactl/internal/replay"
)

var server *devdb.Server

func TestMain(m *testing.M) { os.Exit(devdbtest.Main(m, &server)) }

// replayed returns a connection to a fresh database holding this
// repository's migrations.
func replayed(t *testing.T) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	conn, err := pgdb.Connect(ctx, u)
	require.NoError(t, err)
	defer conn.Close()
	dir, err := migdir.Open("file://../../migrations")
	require.NoError(t, err)
	_, err = replay.Dir(ctx, conn, dir)
	require.NoError(t, err)
	pc, err := pgx.Connect(ctx, u)
	require.NoError(t, err)
	t.Cleanup(func() { pc.Close(context.Background()) })
	return pc
}

func query(t *testing.T, c *pgx.Conn, q string, args ...any) []string {
	t.Helper()
	rows, err := c.Query(context.Background(), q, args...)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

// The ten native enum types of shared/domain.md, values in order.
var domainEnums = map[string][]string{
	"userstatus":           {"pending_verification", "active", "suspended", "deleted"},
	"userrole":             {"user", "support", "admin"},
	"billingperiod":        {"monthly", "quarterly", "yearly"},
	"subscriptionstatus":   {"trialing", "active", "past_due", "canceled", "expired"},
	"invoicestatus":        {"draft", "open", "paid", "void", "uncollectible"},
	"lineitemtype":         {"subscription", "addon", "token_bundle", "usage", "discount", "tax", "adjustment"},
	"paymentstatus":        {"pending", "succeeded", "failed", "refunded"},
	"purchasestatus":       {"pending", "completed", "failed", "refunded"},
	"tokentransactiontype": {"credit", "debit", "refund", "expiry", "adjustment"},
	"usercasestatus":       {"draft", "open", "in_progress", "resolved", "closed", "archived"},
}

func TestMigrationsReplayToTheDomain(t *testing.T) {
	c := replayed(t)

	require.ElementsMatch(t, keys(domainEnums), query(t, c, `SELECT typname::text FROM pg_type WHERE typtype = 'e'`))
	for typ, values := range domainEnums {
		require.Equal(t, values, query(t, c, `SELECT enumlabel::text FROM pg_enum WHERE enumtypid = $1::regtype ORDER BY enumsortorder`, typ), typ)
	}
	// One type, two columns.
	require.ElementsMatch(t, []string{"subscriptions.status", "addon_subscriptions.status"},
		query(t, c, `SELECT table_name || '.' || column_name FROM information_schema.columns WHERE udt_name = 'subscriptionstatus'`))

	tables := query(t, c, `SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'`)
	require.GreaterOrEqual(t, len(tables), 25)
	require.Subset(t, tables, []string{"users", "user_sessions", "api_keys", "email_verifications", "password_resets",
		"tariff_plans", "plan_features", "addons", "tariff_plan_addons", "token_bundles", "coupons", "subscriptions",
		"addon_subscriptions", "invoices", "invoice_line_items", "payments", "payment_methods", "coupon_redemptions",
		"token_bundle_purchases", "user_token_balances", "token_transactions", "user_cases", "case_messages",
		"case_attachments", "audit_logs"})

	indexes := query(t, c, `SELECT regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \S+ ON public\.', '\1') FROM pg_indexes WHERE schemaname = 'public'`)
	require.Subset(t, indexes, []string{
		"UNIQUE subscriptions USING btree (user_id) WHERE (status = ANY (ARRAY['trialing'::subscriptionstatus, 'active'::subscriptionstatus, 'past_due'::subscriptionstatus]))",
		"UNIQUE subscriptions USING btree (provider_subscription_id) WHERE (provider_subscription_id IS NOT NULL)",
		"UNIQUE payment_methods USING btree (user_id) WHERE is_default",
		"UNIQUE users USING btree (email)",
		"UNIQUE plan_features USING btree (tariff_plan_id, feature_key)",
		"UNIQUE addon_subscriptions USING btree (subscription_id, addon_id)",
		"UNIQUE coupon_redemptions USING btree (coupon_id, user_id)",
		"UNIQUE user_token_balances USING btree (user_id)",
		"invoices USING btree (user_id, issued_at)",
		"token_transactions USING btree (user_id, created_at)",
		"user_cases USING btree (user_id, status)",
		"case_messages USING btree (case_id, created_at)",
		"audit_logs USING btree (entity_type, entity_id)",
	})

	fks := query(t, c, `SELECT conrelid::regclass::text || ' -> ' || confrelid::regclass::text || ' ' || confdeltype::text FROM pg_constraint WHERE contype = 'f'`)
	require.Subset(t, fks, []string{
		"invoice_line_items -> invoices c", "case_messages -> user_cases c", "case_attachments -> user_cases c",
		"user_sessions -> users c", "payments -> invoices r", "invoices -> subscriptions n", "audit_logs -> users n",
	})

	checks := query(t, c, `SELECT conrelid::regclass::text || ': ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'c'`)
	require.Subset(t, checks, []string{
		"coupons: CHECK (((percent_off IS NULL) <> (amount_off_cents IS NULL)))",
		"addon_subscriptions: CHECK ((quantity > 0))",
		"user_token_balances: CHECK ((balance >= 0))",
		"users: CHECK (((email)::text = lower((email)::text)))",
	})
}

// The constraints hold against real rows, not just in the catalog.
func TestDomainConstraintsEnforced(t *testing.T) {
	c := replayed(t)
	ctx := context.Background()
	exec := func(q string) error { _, err := c.Exec(ctx, q); return err }
	code := func(err error) string {
		var pe *pgconn.PgError
		require.ErrorAs(t, err, &pe)
		return pe.Code
	}
	require.NoError(t, exec(`INSERT INTO users (id, email, password_hash, full_name, status, role) VALUES (1, 'a@x.io', 'h', 'A', 'active', 'user')`))
	require.Equal(t, "23514", code(exec(`INSERT INTO users (id, email, password_hash, full_name, status, role) VALUES (2, 'B@x.io', 'h', 'B', 'active', 'user')`)), "upper-case email")
	require.Equal(t, "22P02", code(exec(`INSERT INTO users (id, email, password_hash, full_name, status, role) VALUES (3, 'c@x.io', 'h', 'C', 'gone', 'user')`)), "not an enum value")
	require.NoError(t, exec(`INSERT INTO tariff_plans (id, code, name, price_cents, billing_period) VALUES (1, 'basic', 'Basic', 900, 'monthly')`))
	sub := `INSERT INTO subscriptions (user_id, tariff_plan_id, status, current_period_start, current_period_end) VALUES (1, 1, '%s', now(), now() + interval '1 month')`
	require.NoError(t, exec(fmt.Sprintf(sub, "active")))
	require.Equal(t, "23505", code(exec(fmt.Sprintf(sub, "trialing"))), "second live subscription")
	require.NoError(t, exec(fmt.Sprintf(sub, "canceled")), "a canceled one is not live")
	require.Equal(t, "23514", code(exec(`INSERT INTO coupons (code, percent_off, amount_off_cents, valid_from) VALUES ('BOTH', 10, 100, now())`)), "both discounts")
	require.Equal(t, "23514", code(exec(`INSERT INTO user_token_balances (user_id, balance) VALUES (1, -1)`)), "negative balance")
}

func keys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
