package diffplan

import (
	"context"
	"testing"
	"time"

	"ariga.io/atlas/sql/schema"
	"github.com/stretchr/testify/require"

	"github.com/ledgerforge/schemactl/internal/pgdb"
)

func inspect(t *testing.T, sql string) (*schema.Realm, *pgdb.Conn) {
	t.Helper()
	ctx := context.Background()
	u, err := server.CreateDatabase(ctx)
	require.NoError(t, err)
	c, err := pgdb.ConnectDev(ctx, u)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	_, err = c.DB.ExecContext(ctx, sql)
	require.NoError(t, err)
	r, err := c.Inspect(ctx)
	require.NoError(t, err)
	return r, c
}

// A varchar column of a table in another schema becomes an enum of that
// schema, under a view that reads it: the conversion is qualified, and the
// view is dropped before and created after it, so the file applies (and
// then nothing is left to plan).
func TestPlanConvertsUnderAViewInAnotherSchema(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE SCHEMA history; CREATE TABLE history.log (id bigint PRIMARY KEY, kind varchar NOT NULL DEFAULT 'insert');
CREATE VIEW history.kinds AS SELECT id, kind FROM history.log;`)
	want, wconn := inspect(t, `CREATE SCHEMA history; CREATE TYPE history.kind AS ENUM ('insert', 'delete');
CREATE TABLE history.log (id bigint PRIMARY KEY, kind history.kind NOT NULL DEFAULT 'insert');
CREATE VIEW history.kinds AS SELECT id, kind FROM history.log;`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "kind", nil, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), Policy{})
	require.NoError(t, err)
	require.Len(t, files, 1)
	require.Equal(t, `-- Drop "kinds" view
DROP VIEW "history"."kinds";
-- Create enum type "kind"
CREATE TYPE "history"."kind" AS ENUM ('insert', 'delete');
-- Convert column "kind" of table "log" to enum type "kind"
ALTER TABLE "history"."log" ALTER COLUMN "kind" DROP DEFAULT, ALTER COLUMN "kind" TYPE "history"."kind" USING "kind"::text::"history"."kind", ALTER COLUMN "kind" SET DEFAULT 'insert';
-- Create "kinds" view
CREATE VIEW "history"."kinds" ("id", "kind") AS SELECT log.id,
    log.kind
   FROM history.log;
`, string(files[0].Data))

	_, err = conn.DB.ExecContext(ctx, string(files[0].Data))
	require.NoError(t, err)
	after, err := conn.Inspect(ctx)
	require.NoError(t, err)
	// Plan takes the conversions out of the desired state: read it again.
	want, err = wconn.Inspect(ctx)
	require.NoError(t, err)
	again, _, err := Plan(ctx, conn.Driver, nil, after, want, "again", nil, time.Now(), Policy{})
	require.NoError(t, err)
	require.Empty(t, again)
}

// Only views differ: a file with just their statements.
func TestPlanOnlyViews(t *testing.T) {
	ctx := context.Background()
	cur, conn := inspect(t, `CREATE TABLE t (id int);`)
	want, _ := inspect(t, `CREATE TABLE t (id int); CREATE VIEW v AS SELECT id FROM t;`)
	files, _, err := Plan(ctx, conn.Driver, nil, cur, want, "v", nil, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), Policy{})
	require.NoError(t, err)
	require.Len(t, files, 1)
	require.Equal(t, "20300101000000_v.sql", files[0].Name)
	require.Equal(t, "-- Create \"v\" view\nCREATE VIEW \"v\" (\"id\") AS SELECT t.id\n   FROM t;\n", string(files[0].Data))
}
