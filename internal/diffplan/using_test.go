package diffplan

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// The way back retypes text to jsonb (Comfy-Org/registry-backend's
// 20250111220145 made comfy_nodes.return_names text) and varchar to
// varchar(3) (openmeter's ledger currencies): with no assignment cast the
// plain ALTER ... TYPE fails (42804), and varchar(3) refuses a longer value.
// Each is converted with the cast revert's value check counts by, so the
// plan runs on rows, and the longer value is cut as --force says it would be.
func TestDownCastsRetypedColumns(t *testing.T) {
	ctx := context.Background()
	live, conn := inspect(t, `CREATE TABLE nodes (id uuid PRIMARY KEY, return_names text, currency varchar NOT NULL, n int);
INSERT INTO nodes VALUES ('0b7c4d3e-2222-4a5e-9d3e-1b1c1a2b3c4d', '["IMAGE"]', 'USD', 1), ('1b7c4d3e-2222-4a5e-9d3e-1b1c1a2b3c4d', NULL, 'USDC', 2);`)
	target, _ := inspect(t, `CREATE TABLE nodes (id uuid PRIMARY KEY, return_names jsonb, currency varchar(3) NOT NULL, n bigint);`)
	changes, err := Down(ctx, conn.Driver, nil, live, target, nil)
	require.NoError(t, err)
	require.Len(t, changes, 1)
	require.Equal(t, `ALTER TABLE "nodes" ALTER COLUMN "return_names" TYPE jsonb USING "return_names"::jsonb, ALTER COLUMN "currency" TYPE character varying(3) USING "currency"::character varying(3), ALTER COLUMN "n" TYPE bigint USING "n"::bigint`, changes[0].Cmd)
	_, err = conn.DB.ExecContext(ctx, changes[0].Cmd)
	require.NoError(t, err)
	require.Equal(t, `["IMAGE"] USD 1;USD 2`, query(t, conn, `SELECT concat_ws(' ', return_names::text, currency, n) FROM nodes ORDER BY n`))
	back, err := conn.Inspect(ctx)
	require.NoError(t, err)
	again, err := Down(ctx, conn.Driver, nil, back, target, nil)
	require.NoError(t, err)
	require.Empty(t, again, "the down reached the target")
}
