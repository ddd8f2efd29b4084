package compare_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/compare"
	"github.com/ledgerforge/schemactl/internal/report"
)

const realm = `
CREATE SCHEMA history;
CREATE TABLE orders (id bigint PRIMARY KEY, total int NOT NULL, status text NOT NULL);
CREATE TABLE history.order_log (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), total int NOT NULL);
CREATE VIEW open_orders AS SELECT id, total FROM orders WHERE status = 'open';
`

func hist(kind report.ObjectKind, t, name string) report.ObjectRef {
	return report.ObjectRef{Kind: kind, Schema: "history", Table: t, Name: name}
}

// Objects outside public are compared and named with their schema; views
// are compared both ways, and by their definitions as PostgreSQL
// normalised them. In sync first, then every difference once.
func TestInspectedRealms(t *testing.T) {
	want, conn := inspected(t, realm)
	same, _ := inspected(t, realm)
	res, err := compare.Realms(context.Background(), conn.Driver, nil, same, want, compare.EntVsMigrations, locator{}, mentions)
	require.NoError(t, err)
	require.Empty(t, res.Findings)

	have, _ := inspected(t, `
CREATE SCHEMA history;
CREATE TABLE orders (id bigint PRIMARY KEY, total int NOT NULL, status text NOT NULL);
CREATE TABLE history.order_log (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), total bigint NOT NULL, note text);
CREATE TABLE history.legacy (id int);
CREATE VIEW open_orders AS SELECT id, total FROM orders WHERE status <> 'closed';
CREATE VIEW history.totals AS SELECT sum(total) AS total FROM history.order_log;
`)
	res, err = compare.Realms(context.Background(), conn.Driver, nil, have, want, compare.EntVsMigrations, locator{}, mentions)
	require.NoError(t, err)
	view := func(schema, name string) report.ObjectRef {
		return report.ObjectRef{Kind: report.KindView, Schema: schema, Name: name}
	}
	require.Equal(t, []report.Finding{
		{
			Code: "ENT102", Category: report.Table, Object: `table "history"."legacy"`, Ref: hist(report.KindTable, "legacy", ""),
			Message: `table "history"."legacy" exists in the migrations, but ent/schema does not declare it`, Fix: inMigration, Remedy: extraEnt(`legacy`),
		},
		{
			Code: "ENT172", Category: report.View, Object: `view "open_orders"`, Ref: view("public", "open_orders"),
			Message: `view "open_orders" differs: in the migrations it is SELECT orders.id, orders.total FROM orders WHERE (orders.status <> 'closed'::text); ` +
				`in ent/schema it is SELECT orders.id, orders.total FROM orders WHERE (orders.status = 'open'::text)`,
			Fix: loc("ent/schema/open_orders.go", "view"), Remedy: differsEnt,
		},
		{
			Code: "ENT173", Category: report.View, Object: `view "history"."totals"`, Ref: view("history", "totals"),
			Message: `view "history"."totals" exists in the migrations, but ent/schema does not declare it`, Fix: inMigration, Remedy: extraEnt(`totals[type=view]`),
		},
		{
			Code: "ENT112", Category: report.Column, Object: `column "history"."order_log"."total"`, Ref: hist(report.KindColumn, "order_log", "total"),
			Message: `column "history"."order_log"."total" has type bigint in the migrations, integer in ent/schema`,
			Fix:     loc("ent/schema/order_log.go", `field "total"`), Remedy: differsEnt,
		},
		{
			Code: "ENT115", Category: report.Column, Object: `column "history"."order_log"."note"`, Ref: hist(report.KindColumn, "order_log", "note"),
			Message: `column "history"."order_log"."note" exists in the migrations, but ent/schema does not declare it`, Fix: inMigration, Remedy: extraEnt(`order_log.note`),
		},
	}, sorted(res.Findings))

	// The other way: what only Ent declares is missing, with its schema.
	res, err = compare.Realms(context.Background(), conn.Driver, nil, same, have, compare.EntVsMigrations, locator{}, mentions)
	require.NoError(t, err)
	var got []string
	for _, f := range sorted(res.Findings) {
		got = append(got, f.Code+" "+f.Message)
	}
	require.Contains(t, got, `ENT101 table "history"."legacy" is missing: ent/schema declares it, no migration creates it`)
	require.Contains(t, got, `ENT171 view "history"."totals" is missing: ent/schema declares it, no migration creates it`)
}

// A schema only the migrations use is reported object by object; the
// schema itself is no finding.
func TestRealmSchemaOnlyInTheMigrations(t *testing.T) {
	want, conn := inspected(t, "CREATE TABLE orders (id bigint PRIMARY KEY);")
	have, _ := inspected(t, "CREATE TABLE orders (id bigint PRIMARY KEY); CREATE SCHEMA archive; CREATE SCHEMA empty; CREATE TABLE archive.orders (id bigint);")
	res, err := compare.Realms(context.Background(), conn.Driver, nil, have, want, compare.EntVsMigrations, locator{}, mentions)
	require.NoError(t, err)
	require.Len(t, res.Findings, 1)
	require.Equal(t, `table "archive"."orders" exists in the migrations, but ent/schema does not declare it`, res.Findings[0].Message)
}

// A foreign key into another schema names the table it references with
// that schema.
func TestRealmForeignKeyAcrossSchemas(t *testing.T) {
	const tables = "CREATE SCHEMA history; CREATE TABLE history.log (id bigint PRIMARY KEY); CREATE TABLE orders (id bigint PRIMARY KEY, log_id bigint);"
	want, conn := inspected(t, tables+"ALTER TABLE orders ADD CONSTRAINT orders_log FOREIGN KEY (log_id) REFERENCES history.log (id);")
	have, _ := inspected(t, tables)
	res, err := compare.Realms(context.Background(), conn.Driver, nil, have, want, compare.EntVsMigrations, locator{}, mentions)
	require.NoError(t, err)
	require.Len(t, res.Findings, 1)
	require.Equal(t, `foreign key "orders_log" on "orders" (log_id) REFERENCES history.log (id) ON UPDATE NO ACTION ON DELETE NO ACTION is missing: `+declaredEnt, res.Findings[0].Message)
}
